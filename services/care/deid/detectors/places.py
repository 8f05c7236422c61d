"""Places, street addresses and organisations (schools, workplaces, army units, clinics)."""

from __future__ import annotations

from care.deid.normalize import Detector

DETECTORS: tuple[Detector, ...] = ()
