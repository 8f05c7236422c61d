"""The router's policy and detector, as this process's settings configure them."""

from __future__ import annotations

from care.config import Settings
from care.router.core import RoutePolicy
from care.router.detect import MessageLanguageDetector


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def policy_from_settings(settings: Settings) -> RoutePolicy:
    return RoutePolicy.of(settings.served_routes, settings.route_fallback)


def detector_from_settings(settings: Settings) -> MessageLanguageDetector:
    return MessageLanguageDetector(
        _codes(settings.router_latin_languages), _codes(settings.router_cyrillic_languages)
    )
