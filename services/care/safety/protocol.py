"""The safety-protocol candidate offered when a conversation's risk is high: it asks directly about
safety, stays with the person and offers emergency services, in the route's language.

Texts are ``<route>.txt`` files, packaged under ``protocols/`` or read from ``policy.protocol_dir``
(mounted from a ConfigMap) instead; ``{emergency_number}`` and ``{hotline_number}`` in them are
filled from the policy, so a line changes its numbers in one place.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from string import Formatter

from care.safety.policy import DEFAULT_POLICY, SafetyPolicy

_FIELDS = frozenset({"emergency_number", "hotline_number"})


class ProtocolConfigError(ValueError):
    """A protocol text that is missing, empty or names a field the policy does not fill."""


@cache
def _packaged(route: str) -> str | None:
    entry = resources.files("care.safety").joinpath("protocols", f"{route}.txt")
    return entry.read_text("utf-8").strip() if entry.is_file() else None


def protocol_template(route: str, directory: str = "") -> str:
    """The unfilled protocol text of ``route``: ``<directory>/<route>.txt`` or the packaged one."""
    if directory:
        path = Path(directory) / f"{route}.txt"
        try:
            text = path.read_text("utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise ProtocolConfigError(
                f"cannot read the protocol text {path} ({type(error).__name__})"
            ) from None
        source = str(path)
    else:
        text = _packaged(route) or ""
        source = f"packaged protocols/{route}.txt"
    if not text:
        raise ProtocolConfigError(f"no protocol text for route {route!r} ({source})")
    unknown = {name for _, name, _, _ in Formatter().parse(text) if name is not None} - _FIELDS
    if unknown:
        raise ProtocolConfigError(f"{source}: unknown fields {sorted(unknown)}")
    return text


def protocol_candidate(route: str, policy: SafetyPolicy = DEFAULT_POLICY) -> str:
    """The protocol candidate for ``route`` with the policy's emergency and hotline numbers."""
    return protocol_template(route, policy.protocol_dir).format(
        emergency_number=policy.emergency_number, hotline_number=policy.hotline_number
    )
