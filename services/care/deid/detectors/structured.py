"""URLs, social handles, dates, licence plates, payment cards, bank accounts and IP addresses."""

from __future__ import annotations

from care.deid.normalize import Detector

DETECTORS: tuple[Detector, ...] = ()
