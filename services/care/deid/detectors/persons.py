"""People's names: gazetteers, cue phrases and name context, in Hebrew, Arabic, English and Russian."""

from __future__ import annotations

from care.deid.normalize import Detector

DETECTORS: tuple[Detector, ...] = ()
