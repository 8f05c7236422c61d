"""People, places, addresses and organisations (gazetteers, cue phrases and name context)."""

from __future__ import annotations

from care.deid.normalize import Detector

DETECTORS: tuple[Detector, ...] = ()
