"""Token counts in the model's own tokenizer, or a deterministic estimate when no model is mounted.

Counts exclude special tokens the tokenizer's post-processor would add (BOS/EOS): the chat
template places those itself, and its framing is charged separately as per-message overhead.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Protocol

from tokenizers import Tokenizer

TOKENIZER_FILE = "tokenizer.json"

# UTF-8 bytes charged per token by the estimate.
ESTIMATE_BYTES_PER_TOKEN = 3


class TokenizerError(Exception):
    """The model directory has no usable tokenizer file."""


class TokenCounter(Protocol):
    @property
    def fingerprint(self) -> str:
        """Changes whenever counts may change, so stored per-turn costs can be recognised as stale."""
        ...

    def count(self, text: str) -> int: ...

    def encode(self, text: str) -> list[int]: ...


class ModelTokenizer:
    """The model's ``tokenizer.json``, loaded with the ``tokenizers`` library."""

    def __init__(self, tokenizer: Tokenizer, fingerprint: str) -> None:
        # A tokenizer.json saved for training may carry truncation or padding settings; either
        # would silently cap or inflate the counts the budget depends on.
        tokenizer.no_truncation()
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        self._fingerprint = fingerprint

    @classmethod
    def from_model_dir(cls, model_dir: str | Path) -> ModelTokenizer:
        path = Path(model_dir) / TOKENIZER_FILE
        try:
            blob = path.read_bytes()
        except OSError as error:
            raise TokenizerError(f"cannot read {path} ({type(error).__name__})") from None
        try:
            tokenizer = Tokenizer.from_str(blob.decode("utf-8"))
        except Exception:  # tokenizers raises plain Exception for any parse error
            raise TokenizerError(f"{path} is not a tokenizers file") from None
        return cls(tokenizer, "sha256:" + hashlib.sha256(blob).hexdigest()[:16])

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def count(self, text: str) -> int:
        return len(self.encode(text))

    def encode(self, text: str) -> list[int]:
        return list(self._tokenizer.encode(text, add_special_tokens=False).ids)


class EstimatingCounter:
    """``ceil(UTF-8 bytes / 3)``: deterministic, with no model files.

    Hebrew and Arabic letters take two bytes each in UTF-8, so the estimate charges two thirds of a
    token per letter, i.e. one token per 1.5 letters. Tokenizers of models trained for these
    languages merge frequent letter sequences into tokens that are longer than that on average,
    so for them the estimate is high; English (one byte per letter, typically around four letters
    per token) is over-charged too. It is NOT an upper bound for tokenizers with no vocabulary for
    the script, which spend a token per letter or per byte: serve such a model with its model
    directory mounted, so that the real tokenizer counts.
    """

    fingerprint = f"estimate:utf8-bytes/{ESTIMATE_BYTES_PER_TOKEN}"

    def count(self, text: str) -> int:
        return math.ceil(len(text.encode("utf-8")) / ESTIMATE_BYTES_PER_TOKEN)

    def encode(self, text: str) -> list[int]:
        # Fixed-size byte chunks stand in for ids, so len(encode(t)) == count(t) and a shared
        # text prefix gives a shared id prefix, as with a real tokenizer.
        data = text.encode("utf-8")
        step = ESTIMATE_BYTES_PER_TOKEN
        return [int.from_bytes(data[i : i + step], "big") for i in range(0, len(data), step)]


def load_token_counter(model_dir: str | Path | None) -> TokenCounter:
    """The model's tokenizer when a model directory is configured, the estimate otherwise."""
    if model_dir is None or not str(model_dir):
        return EstimatingCounter()
    return ModelTokenizer.from_model_dir(model_dir)
