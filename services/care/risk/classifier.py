"""Optional classifier slot: an ONNX sequence-classification model, run on the CPU, beside the lexicons.

Off by default. A model fine-tuned on risk levels (e.g. AlephBERT for Hebrew, AraBERT/CAMeLBERT for
Arabic) catches phrasings no lexicon lists; :class:`care.risk.detect.RiskDetector` combines its level
with the lexicon level by maximum, so a model can raise a turn's level but never lower it.

Model directory layout (the same as the deid NER slot's; both load it with ``care.onnx_models``)
--------------------------------------------------------------------------------------------
``model.onnx``
    Inputs ``input_ids`` and ``attention_mask`` (int64 or int32, [batch, seq]) and optionally
    ``token_type_ids``; the output named ``logits`` (or the first output) is [batch, num_labels].
``tokenizer.json``
    The Hugging Face ``tokenizers`` file of the model; its post-processor adds the special tokens.
``config.json``
    ``id2label`` is required. Labels name risk levels (``none``, ``low``, ``moderate``, ``high``,
    ``imminent``, any case) unless ``care-risk.json`` maps them.
``care-risk.json`` (optional)::

        {"label_map": {"LABEL_0": "none", "suicidal": "moderate"},  # model label -> level
         "min_score": 0.5,      # a prediction less probable than this counts as none
         "max_length": 256,     # tokens, special tokens included; longer input is truncated
         "use_context": false}  # encode (counselor message, turn) as a pair

Text never leaves this module: errors and logs carry shapes, paths and counts only.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from tokenizers import Tokenizer

from care.logging import get_logger
from care.onnx_models import (
    CONFIG_FILE,
    INT_TYPES,
    MODEL_FILE,
    TOKENIZER_FILE,
    OnnxModelError,
    check_token_inputs,
    logits_output,
    open_session,
    read_json,
    read_tokenizer,
    softmax,
)
from care.risk.levels import RiskLevel

__all__ = ["SETTINGS_FILE", "OnnxRiskClassifier", "RiskModelError"]

log = get_logger(__name__)

SETTINGS_FILE = "care-risk.json"
DEFAULT_MAX_LENGTH = 256
DEFAULT_MIN_SCORE = 0.5
_SETTINGS_KEYS = frozenset({"label_map", "min_score", "max_length", "use_context"})


class RiskModelError(OnnxModelError):
    """A risk model directory cannot be used; the message names the directory and the file at fault."""

    subject = "risk model"


class OnnxRiskClassifier:
    """A :class:`care.risk.detect.TurnClassifier` backed by an ONNX model; safe to call from any thread."""

    def __init__(
        self,
        *,
        model_dir: Path,
        session: Any,
        tokenizer: Tokenizer,
        levels: tuple[RiskLevel, ...],
        min_score: float,
        use_context: bool,
    ) -> None:
        self.model_dir = model_dir
        self._session = session
        self._tokenizer = tokenizer
        self._levels = levels
        self._min_score = min_score
        self._use_context = use_context
        self._input_types = {i.name: INT_TYPES[i.type] for i in session.get_inputs()}
        self._output_name = logits_output(session, model_dir, error=RiskModelError).name

    def __repr__(self) -> str:
        return f"OnnxRiskClassifier(model_dir={str(self.model_dir)!r}, labels={len(self._levels)})"

    @classmethod
    def from_directory(
        cls, path: str | os.PathLike[str], *, intra_op_num_threads: int = 1
    ) -> OnnxRiskClassifier:
        """Load and check a model directory (see the module docstring); raises ``RiskModelError``."""
        started = time.perf_counter()
        model_dir = Path(path)
        if not model_dir.is_dir():
            raise RiskModelError(f"risk model directory {model_dir} does not exist or is not a directory")
        for name in (MODEL_FILE, TOKENIZER_FILE, CONFIG_FILE):
            if not (model_dir / name).is_file():
                raise RiskModelError(f"risk model directory {model_dir}: missing {name}")
        config = read_json(model_dir, CONFIG_FILE, error=RiskModelError)
        settings = (
            read_json(model_dir, SETTINGS_FILE, error=RiskModelError)
            if (model_dir / SETTINGS_FILE).is_file()
            else {}
        )
        tokenizer, pad_id = read_tokenizer(model_dir, error=RiskModelError)
        session = open_session(model_dir, intra_op_num_threads, error=RiskModelError)
        levels, min_score, max_length, use_context = _read_settings(model_dir, config, settings)
        _check_graph(model_dir, session, len(levels))
        tokenizer.enable_truncation(max_length=max_length)
        classifier = cls(
            model_dir=model_dir,
            session=session,
            tokenizer=tokenizer,
            levels=levels,
            min_score=min_score,
            use_context=use_context,
        )
        log.info(
            "risk model loaded",
            extra={
                "fields": {
                    "model_dir": str(model_dir),
                    "labels": len(levels),
                    "max_length": max_length,
                    "use_context": use_context,
                    "pad_id": pad_id,
                    "load_ms": round((time.perf_counter() - started) * 1000, 1),
                }
            },
        )
        return classifier

    def classify(self, text: str, context: str | None = None) -> RiskLevel:
        """The most probable level, or none when the model is not confident enough."""
        if not text.strip():
            return RiskLevel.NONE
        if self._use_context and context:
            encoding = self._tokenizer.encode(context, text)
        else:
            encoding = self._tokenizer.encode(text)
        ids = np.asarray([encoding.ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.asarray([encoding.attention_mask], dtype=np.int64)}
        if "token_type_ids" in self._input_types:
            feeds["token_type_ids"] = np.asarray([encoding.type_ids], dtype=np.int64)
        feeds = {name: value.astype(self._input_types[name], copy=False) for name, value in feeds.items()}
        (logits,) = self._session.run([self._output_name], feeds)
        if getattr(logits, "shape", None) != (1, len(self._levels)):
            raise RuntimeError(
                f"risk model returned logits of shape {getattr(logits, 'shape', None)}, "
                f"expected {(1, len(self._levels))}"
            )
        probs = softmax(np.asarray(logits))[0]
        best = int(probs.argmax())
        return self._levels[best] if probs[best] >= self._min_score else RiskLevel.NONE


def _read_settings(
    model_dir: Path, config: Mapping[str, Any], settings: Mapping[str, Any]
) -> tuple[tuple[RiskLevel, ...], float, int, bool]:
    def bad(what: str) -> RiskModelError:
        return RiskModelError(f"risk model directory {model_dir}: {what}")

    unknown = sorted(set(settings) - _SETTINGS_KEYS)
    if unknown:
        raise bad(f"{SETTINGS_FILE}: unknown keys {unknown}; allowed: {sorted(_SETTINGS_KEYS)}")
    label_map = settings.get("label_map", {})
    if not isinstance(label_map, dict):
        raise bad(f"{SETTINGS_FILE}: label_map must be an object")
    id2label = config.get("id2label")
    if not isinstance(id2label, dict) or not id2label:
        raise bad(f"{CONFIG_FILE}: id2label is missing or empty")
    try:
        by_index = {int(key): value for key, value in id2label.items()}
    except (TypeError, ValueError):
        raise bad(f"{CONFIG_FILE}: id2label keys must be label indices") from None
    if sorted(by_index) != list(range(len(by_index))):
        raise bad(f"{CONFIG_FILE}: id2label indices must run from 0 without gaps")
    levels: list[RiskLevel] = []
    for index in range(len(by_index)):
        name = by_index[index]
        mapped = label_map.get(name, name)
        try:
            levels.append(RiskLevel.parse(str(mapped)))
        except ValueError:
            raise bad(f"label {name!r} names no risk level; map it in {SETTINGS_FILE} label_map") from None

    min_score = settings.get("min_score", DEFAULT_MIN_SCORE)
    if isinstance(min_score, bool) or not isinstance(min_score, int | float) or not 0 <= min_score <= 1:
        raise bad(f"{SETTINGS_FILE}: min_score must be a number from 0 to 1")
    positions = config.get("max_position_embeddings")
    default_length = min(DEFAULT_MAX_LENGTH, positions) if isinstance(positions, int) else DEFAULT_MAX_LENGTH
    max_length = settings.get("max_length", default_length)
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 4:
        raise bad(f"{SETTINGS_FILE}: max_length must be an integer of at least 4")
    use_context = settings.get("use_context", False)
    if not isinstance(use_context, bool):
        raise bad(f"{SETTINGS_FILE}: use_context must be true or false")
    return tuple(levels), float(min_score), max_length, use_context


def _check_graph(model_dir: Path, session: Any, num_labels: int) -> None:
    def bad(what: str) -> RiskModelError:
        return RiskModelError(f"risk model directory {model_dir}: {MODEL_FILE}: {what}")

    check_token_inputs(session, model_dir, error=RiskModelError)
    output = logits_output(session, model_dir, error=RiskModelError)
    shape = list(output.shape or [])
    if len(shape) != 2:
        raise bad(f"output {output.name} must be [batch, labels], is {shape}")
    if isinstance(shape[1], int) and shape[1] > 0 and shape[1] != num_labels:
        raise bad(f"output {output.name} has {shape[1]} labels, {CONFIG_FILE} id2label has {num_labels}")
