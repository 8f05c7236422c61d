"""What every atheris target shares: fuzzed text, seed inputs, and the libFuzzer command line.

Imports nothing from ``care``: each target imports the code under test inside
``atheris.instrument_imports()``, and a module imported earlier (here) would not be instrumented.

Layout (``CARE_FUZZ_OUT`` moves it, default ``fuzz/out``, git-ignored):

- ``seeds/<target>/``: synthetic seed inputs, rewritten by every run from the target's own list;
- ``corpus/<target>/``: what libFuzzer adds as it finds new coverage (kept between runs);
- ``crashes/<target>/``: ``crash-*``, ``timeout-*`` and ``oom-*`` inputs that failed a check.

A corpus directory given on the command line replaces ``corpus/<target>/``; an ``-artifact_prefix``
given there replaces ``crashes/<target>/``.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import atheris  # type: ignore[import-untyped]

# Characters that trip text code: bidi embeddings, overrides and isolates, marks, zero-width
# characters and joiners, BOM, Arabic letter mark, a combining mark, other scripts' digits, an astral
# emoji, line and paragraph separators.
TRICKY = (
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u200b\u200c\u200d\ufeff\u061c"
    "\u0301٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹०१२\U0001f64f\u2028\u2029\u00a0\t\n -@./[]_:"
)
# How fuzzed text is read (the first integer a text consumes).
TEXT_UTF8 = 0  # UTF-8 bytes, invalid sequences replaced
TEXT_TRICKY = 2  # UTF-8 bytes, then characters of TRICKY inserted
TEXT_CODEPOINTS = 3  # atheris' own unicode (ASCII, UTF-16 or UTF-32 code points, no surrogates)
MAX_TEXT_BYTES = 0xFFFF
MAX_INSERTS = 8


def consume_text(fdp: atheris.FuzzedDataProvider) -> str:
    """Any text without lone surrogates (protobuf strings cannot carry them)."""
    mode = fdp.ConsumeIntInRange(0, 3)
    size = fdp.ConsumeIntInRange(0, MAX_TEXT_BYTES)
    if mode == TEXT_CODEPOINTS:
        return str(fdp.ConsumeUnicodeNoSurrogates(size))
    text = bytes(fdp.ConsumeBytes(size)).decode("utf-8", "replace")
    if mode != TEXT_TRICKY:
        return text
    for _ in range(fdp.ConsumeIntInRange(1, MAX_INSERTS)):
        at = fdp.ConsumeIntInRange(0, len(text))
        text = text[:at] + TRICKY[fdp.ConsumeIntInRange(0, len(TRICKY) - 1)] + text[at:]
    return text


class Seed:
    """Builds an input that a FuzzedDataProvider reads back as the given values.

    The provider takes bytes and text from the front of the input and integers from the back, the
    most significant byte last: integers go to a tail that is reversed onto the end.
    """

    def __init__(self) -> None:
        self._front = bytearray()
        self._tail = bytearray()

    def number(self, value: int, high: int, low: int = 0) -> Seed:
        """A value that ``ConsumeIntInRange(low, high)`` returns."""
        if not low <= value <= high:
            raise ValueError("seed value out of range")
        # As many bytes as the range needs (none for a range of one value).
        self._tail += (value - low).to_bytes(((high - low).bit_length() + 7) // 8, "big")
        return self

    def data(self, data: bytes) -> Seed:
        """Bytes that ``ConsumeBytes(len(data))`` returns (the length is the caller's)."""
        self._front += data
        return self

    def text(self, value: str, inserts: Iterable[tuple[int, str]] = ()) -> Seed:
        """A text that :func:`consume_text` returns; ``inserts``: (position, character of TRICKY)."""
        data = value.encode("utf-8")
        extra = list(inserts)
        self.number(TEXT_TRICKY if extra else TEXT_UTF8, 3).number(len(data), MAX_TEXT_BYTES).data(data)
        if extra:
            self.number(len(extra), MAX_INSERTS, 1)
            for done, (at, char) in enumerate(extra):
                self.number(at, len(value) + done).number(TRICKY.index(char), len(TRICKY) - 1)
        return self

    def build(self) -> bytes:
        return bytes(self._front) + bytes(reversed(self._tail))


def out_dir() -> Path:
    return Path(os.environ.get("CARE_FUZZ_OUT", Path(__file__).resolve().parent / "out"))


def write_seeds(directory: Path, seeds: Iterable[bytes]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("seed-*"):
        stale.unlink()
    for seed in seeds:
        (directory / f"seed-{hashlib.sha256(seed).hexdigest()[:16]}").write_bytes(seed)


def libfuzzer_argv(name: str, argv: list[str], max_len: int = 0) -> list[str]:
    """``argv`` with this target's corpus, seed and crash directories added where it names none,
    and its input size limit where it sets none."""
    base = out_dir()
    flags = [arg for arg in argv[1:] if arg.startswith("-")]
    if max_len and not any(flag.startswith("-max_len=") for flag in flags):
        flags.append(f"-max_len={max_len}")
    corpora = [arg for arg in argv[1:] if not arg.startswith("-")]
    if not any(flag.startswith("-artifact_prefix=") for flag in flags):
        crashes = base / "crashes" / name
        crashes.mkdir(parents=True, exist_ok=True)
        flags.append(f"-artifact_prefix={crashes}/")
    if any(Path(arg).is_file() for arg in corpora):
        return [argv[0], *flags, *corpora]  # replaying inputs, a crash file most often
    if not corpora:
        corpus = base / "corpus" / name
        corpus.mkdir(parents=True, exist_ok=True)
        corpora = [str(corpus)]
    # Read-only after the first directory: libFuzzer writes new inputs to the first one only.
    return [argv[0], *flags, *corpora, str(base / "seeds" / name)]


def main(
    name: str, test_one_input: Callable[[bytes], None], seeds: Iterable[bytes], max_len: int = 0
) -> None:
    """Run one target under libFuzzer: ``python -m fuzz.<name> [libFuzzer flags] [corpus dir]``.

    ``max_len``: the default input size limit (libFuzzer's own is 4096 bytes).
    """
    write_seeds(out_dir() / "seeds" / name, seeds)
    atheris.Setup(libfuzzer_argv(name, sys.argv, max_len), test_one_input)
    atheris.Fuzz()
