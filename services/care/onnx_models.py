"""Loading ONNX models with their Hugging Face tokenizer from a model directory, run on the CPU.

Shared by the optional model slots, the deid NER detector (:mod:`care.deid.ner`) and the risk
classifier (:mod:`care.risk.classifier`), which use the same directory layout: ``model.onnx``,
``tokenizer.json`` and ``config.json``, plus each slot's own settings file. Every slot checks its
graph and labels itself; this module only reads the files, opens the session and turns logits
into probabilities.

Errors are raised as the calling slot's subclass of :class:`OnnxModelError` (the ``error``
argument), whose ``subject`` opens the message, so each slot reports "NER model directory ..." or
"risk model directory ..." without rewrapping. Messages name the directory and the file at fault,
never text the model was run on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import onnxruntime as ort  # type: ignore[import-untyped]
from tokenizers import Tokenizer

__all__ = [
    "CONFIG_FILE",
    "INT_TYPES",
    "MODEL_FILE",
    "TOKENIZER_FILE",
    "OnnxModelError",
    "check_token_inputs",
    "logits_output",
    "open_session",
    "read_json",
    "read_tokenizer",
    "softmax",
]

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "config.json"

# The integer input types a graph may declare, and the numpy type to feed it.
INT_TYPES: Mapping[str, type[np.signedinteger[Any]]] = {"tensor(int64)": np.int64, "tensor(int32)": np.int32}

FloatArray = npt.NDArray[np.float64]

# A token-classification or sequence-classification graph exported from Hugging Face takes these.
TOKEN_INPUTS_REQUIRED = ("input_ids", "attention_mask")
TOKEN_INPUTS_ALLOWED = frozenset({*TOKEN_INPUTS_REQUIRED, "token_type_ids"})


class OnnxModelError(Exception):
    """A model directory cannot be used. The message names the directory and the file at fault."""

    # Opens every message ("<subject> directory <path>: ..."); each slot's subclass names itself.
    subject: ClassVar[str] = "model"


def read_json(model_dir: Path, name: str, *, error: type[OnnxModelError] = OnnxModelError) -> dict[str, Any]:
    """A JSON object from ``model_dir / name``; anything else (unreadable, not an object) raises ``error``."""
    try:
        data = json.loads((model_dir / name).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as cause:
        raise error(
            f"{error.subject} directory {model_dir}: {name} is not readable JSON ({cause})"
        ) from cause
    if not isinstance(data, dict):
        raise error(f"{error.subject} directory {model_dir}: {name} must hold a JSON object")
    return data


def read_tokenizer(model_dir: Path, *, error: type[OnnxModelError] = OnnxModelError) -> tuple[Tokenizer, int]:
    """The directory's tokenizer with truncation and padding off, and the id to pad with."""
    try:
        tokenizer = Tokenizer.from_file(str(model_dir / TOKENIZER_FILE))
    except Exception as cause:  # tokenizers raises plain Exception for any parse error
        raise error(
            f"{error.subject} directory {model_dir}: {TOKENIZER_FILE} is not a tokenizers file ({cause})"
        ) from cause
    pad_id = _pad_id(tokenizer)
    # Windowing, truncation and padding are the caller's: settings saved in the file would cut text off.
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer, pad_id


def _pad_id(tokenizer: Tokenizer) -> int:
    padding = tokenizer.padding
    if padding and isinstance(padding.get("pad_id"), int):
        return int(padding["pad_id"])
    for token in ("[PAD]", "<pad>", "<PAD>"):
        token_id = tokenizer.token_to_id(token)
        if token_id is not None:
            return token_id
    # Masked out by attention_mask; any valid id will do.
    return 0


def open_session(model_dir: Path, threads: int, *, error: type[OnnxModelError] = OnnxModelError) -> Any:
    """An onnxruntime CPU session on ``model.onnx``, ``threads`` intra-op threads, run sequentially."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only: onnxruntime writes to stderr, outside our JSON logs
    try:
        return ort.InferenceSession(
            str(model_dir / MODEL_FILE), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as cause:  # onnxruntime raises its own pybind types (InvalidProtobuf, Fail, ...)
        raise error(
            f"{error.subject} directory {model_dir}: {MODEL_FILE} is not a loadable ONNX model ({cause})"
        ) from cause


def check_token_inputs(
    session: Any, model_dir: Path, *, error: type[OnnxModelError] = OnnxModelError
) -> dict[str, Any]:
    """The graph's inputs by name, checked: ``input_ids`` and ``attention_mask`` present, nothing but
    ``token_type_ids`` besides, every one an integer tensor. Shapes are the slot's to check."""

    def bad(what: str) -> OnnxModelError:
        return error(f"{error.subject} directory {model_dir}: {MODEL_FILE}: {what}")

    inputs = {i.name: i for i in session.get_inputs()}
    missing = [name for name in TOKEN_INPUTS_REQUIRED if name not in inputs]
    if missing:
        raise bad(f"missing inputs {missing} (has {sorted(inputs)})")
    extra = sorted(set(inputs) - TOKEN_INPUTS_ALLOWED)
    if extra:
        raise bad(f"unexpected inputs {extra}; allowed: {sorted(TOKEN_INPUTS_ALLOWED)}")
    for name, spec in inputs.items():
        if spec.type not in INT_TYPES:
            raise bad(f"input {name} must be int64 or int32, is {spec.type}")
    return inputs


def logits_output(session: Any, model_dir: Path, *, error: type[OnnxModelError] = OnnxModelError) -> Any:
    """The session's output named ``logits``, or its first output."""
    outputs = session.get_outputs()
    if not outputs:
        raise error(f"{error.subject} directory {model_dir}: {MODEL_FILE} has no outputs")
    return next((o for o in outputs if o.name == "logits"), outputs[0])


def softmax(logits: npt.NDArray[Any]) -> FloatArray:
    """Probabilities over the last axis, in float64; the max is subtracted first so exp cannot overflow."""
    shifted = logits.astype(np.float64) - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    result: FloatArray = exp / exp.sum(axis=-1, keepdims=True)
    return result
