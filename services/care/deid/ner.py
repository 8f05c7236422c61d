"""Optional transformer NER slot: a token-classification model exported to ONNX, run on the CPU.

Off by default. Rule-based detectors carry identifiers; a model such as DictaBERT-NER (Hebrew) or
CAMeLBERT-NER (Arabic) adds recall for names, places and organisations that no gazetteer lists.
Each configured model directory becomes one detector that the core runs like any other.

Model directory layout
----------------------
``model.onnx``
    The graph. Inputs ``input_ids`` and ``attention_mask`` (int64 or int32, shape [batch, seq]) and,
    optionally, ``token_type_ids`` (fed zeros); no other inputs. The first output (or the one named
    ``logits``) holds the logits, [batch, seq, num_labels]. Symbolic batch and sequence dimensions are
    best; a fixed sequence length is honoured by padding every window to it, a fixed batch of 1 by
    running windows one at a time.
``tokenizer.json``
    The Hugging Face ``tokenizers`` file of the same model (``tokenizer.save(...)``). Its post-processor
    decides the special tokens around each window ([CLS] ... [SEP], <s> ... </s>); truncation and
    padding saved in the file are ignored, windowing is done here.
``config.json``
    The model's Hugging Face config; ``id2label`` is required (``{"0": "O", "1": "B-PER", ...}``) and
    ``max_position_embeddings`` bounds the window length when ``care-ner.json`` does not set it.
    Labels may be BIO/BIOES (``B-PER``, ``I-LOC``, ``S-ORG``...) or bare types (IO scheme: ``PER``).
``care-ner.json`` (optional)
    CARE's settings for this model; every key is optional, unknown keys are an error::

        {"label_map": {"FAC": "ORG", "MISC": null},  # model type -> CARE type, or null to drop it
         "min_score": 0.5,        # spans whose mean token score is lower are dropped
         "max_length": 512,       # tokens per window, special tokens included
         "stride": 64,            # tokens shared by consecutive windows
         "aggregation": "average"}  # word label from the mean of its pieces, or "first" piece

Label mapping
-------------
Model types (the label without its B-/I-/E-/S- prefix, case-insensitive) map to CARE entity types:
PER, PERS, PERSON -> PERSON; LOC, GPE, LOCATION -> LOCATION; ORG, ORGANIZATION -> ORG; FAC -> LOCATION,
because a facility (a school, a hospital, a base) tells where a person is, and its name is a place
name far more often than an employer. Everything else (MISC, DATE, EVENT, WOA, NORP, ...) is dropped:
dates and numbers are the rule-based detectors' job. ``label_map`` in ``care-ner.json`` overrides any
of these. A model none of whose labels maps to a CARE type is refused at load.

How text becomes spans
----------------------
``norm.text`` is tokenised once without special tokens; windows of ``max_length`` tokens (special
tokens included) overlap by ``stride`` tokens so no text is skipped, and each token takes its
prediction from the window where it has the most context on both sides. Pieces of one word (as the
tokenizer's pre-tokenizer splits words) are merged: the word's label comes from the mean of their
probabilities (or from the first piece), except that leading pieces the model itself labels O and
that spell a Hebrew prefix or Arabic clitic (``care.deid.morphology``) stay outside the span, as the
gazetteer detectors do ("ו[PERSON_1]"). Words are joined into entities by BIO tags, leniently (an
I- after O starts an entity). A token's score is the probability the model gives to the entity's
type (B- and I- together); an entity's score is the mean over its tokens.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from care.deid.morphology import stems
from care.deid.normalize import Detector, NormalizedText, Span
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

__all__ = [
    "CONFIG_FILE",
    "DEFAULT_LABEL_MAP",
    "MODEL_FILE",
    "SETTINGS_FILE",
    "TOKENIZER_FILE",
    "NerModelError",
    "NerSettings",
    "OnnxNerDetector",
    "ner_detectors",
]

log = get_logger(__name__)

SETTINGS_FILE = "care-ner.json"

DEFAULT_LABEL_MAP: Mapping[str, str] = {
    "PER": "PERSON",
    "PERS": "PERSON",
    "PERSON": "PERSON",
    "LOC": "LOCATION",
    "GPE": "LOCATION",
    "LOCATION": "LOCATION",
    "FAC": "LOCATION",
    "ORG": "ORG",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
}
# The types this slot may emit; the placeholders and the overlap resolution know them.
CARE_TYPES = frozenset({"PERSON", "LOCATION", "ORG"})

DEFAULT_MIN_SCORE = 0.5
# BERT-family models are trained on at most 512 positions.
DEFAULT_MAX_LENGTH = 512
# Context on each side of a window boundary; more costs inference time and buys little.
DEFAULT_MAX_STRIDE = 64
# Windows per inference call: bounds the attention matrices a very long message can allocate.
MAX_WINDOWS_PER_RUN = 8

_BIO = re.compile(r"([BIESLU])[-_](.+)")
_BEGIN_TAGS = frozenset("BSU")
_SETTINGS_KEYS = frozenset({"label_map", "min_score", "max_length", "stride", "aggregation"})
_AGGREGATIONS = frozenset({"average", "first"})
# Context rank of a token at a text edge: nothing is missing there, so any window is as good.
_NO_EDGE = 1 << 30

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class NerModelError(OnnxModelError):
    """A model directory cannot be used. The message names the directory and the file at fault."""

    subject = "NER model"


@dataclass(frozen=True)
class NerSettings:
    """What ``care-ner.json`` may set, after defaults and validation."""

    label_map: Mapping[str, str | None]
    min_score: float = DEFAULT_MIN_SCORE
    max_length: int | None = None
    stride: int | None = None
    aggregation: str = "average"


@dataclass(frozen=True)
class _Label:
    tag: str  # "O", "B" (begins an entity) or "I" (continues one)
    model_type: str  # upper-case type without the BIO prefix; "" for O
    care_type: str | None  # None: not an entity CARE redacts


def _parse_label(name: str, label_map: Mapping[str, str | None]) -> _Label:
    if name.upper() == "O":
        return _Label("O", "", None)
    match = _BIO.fullmatch(name)
    tag, model_type = (
        ("B" if match.group(1) in _BEGIN_TAGS else "I", match.group(2)) if match else ("I", name)
    )
    model_type = model_type.upper()
    return _Label(tag, model_type, label_map.get(model_type))


class OnnxNerDetector:
    """A ``Detector`` backed by one ONNX token-classification model; safe to call from any thread."""

    def __init__(
        self,
        *,
        model_dir: Path,
        session: Any,
        tokenizer: Tokenizer,
        pad_id: int,
        special_ids: tuple[IntArray, IntArray],
        labels: Sequence[_Label],
        settings: NerSettings,
        max_length: int,
        stride: int,
        fixed_seq_len: int | None,
        one_window_per_run: bool,
    ) -> None:
        self.model_dir = model_dir
        self.__name__ = f"OnnxNerDetector({model_dir.name})"  # the core names failed detectors by it
        self._session = session
        self._tokenizer = tokenizer
        self._labels = tuple(labels)
        self._min_score = settings.min_score
        self._first_piece = settings.aggregation == "first"
        self._max_length = max_length
        self._stride = stride
        self._fixed_seq_len = fixed_seq_len
        self._one_window_per_run = one_window_per_run
        self._prefix_ids, self._suffix_ids = special_ids
        self._content_len = max_length - len(self._prefix_ids) - len(self._suffix_ids)
        self._pad_id = pad_id
        inputs = {i.name: i for i in session.get_inputs()}
        self._input_types = {name: INT_TYPES[i.type] for name, i in inputs.items()}
        self._output_name = logits_output(session, model_dir, error=NerModelError).name
        # Entity types by index; labels of one type (B-PER, I-PER) add up to that type's score.
        self._types = tuple(sorted({lab.model_type for lab in self._labels if lab.care_type is not None}))
        self._type_of_label = np.array(
            [self._types.index(lab.model_type) if lab.care_type is not None else -1 for lab in self._labels]
        )
        mass = np.zeros((len(self._labels), len(self._types)))
        for index, type_index in enumerate(self._type_of_label):
            if type_index >= 0:
                mass[index, type_index] = 1.0
        self._type_mass = mass

    def __repr__(self) -> str:
        return f"OnnxNerDetector(model_dir={str(self.model_dir)!r}, labels={len(self._labels)})"

    @property
    def num_labels(self) -> int:
        return len(self._labels)

    @classmethod
    def from_directory(
        cls, path: str | os.PathLike[str], *, intra_op_num_threads: int = 1
    ) -> OnnxNerDetector:
        """Load and check a model directory (see the module docstring); raises ``NerModelError``."""
        started = time.perf_counter()
        model_dir = Path(path)
        if not model_dir.is_dir():
            raise NerModelError(f"NER model directory {model_dir} does not exist or is not a directory")
        if intra_op_num_threads < 1:
            raise NerModelError("intra_op_num_threads must be at least 1")
        for name in (MODEL_FILE, TOKENIZER_FILE, CONFIG_FILE):
            if not (model_dir / name).is_file():
                raise NerModelError(f"NER model directory {model_dir}: missing {name}")

        settings = _read_settings(model_dir)
        config = read_json(model_dir, CONFIG_FILE, error=NerModelError)
        labels = _read_labels(model_dir, config, settings.label_map)
        tokenizer, pad_id = read_tokenizer(model_dir, error=NerModelError)
        session = open_session(model_dir, intra_op_num_threads, error=NerModelError)
        fixed_batch, fixed_seq_len = _check_graph(model_dir, session, len(labels))
        special_ids = _special_tokens_around(tokenizer, model_dir)
        specials = sum(len(ids) for ids in special_ids)
        max_length, stride = _window(model_dir, specials, config, settings, fixed_seq_len)

        detector = cls(
            model_dir=model_dir,
            session=session,
            tokenizer=tokenizer,
            pad_id=pad_id,
            special_ids=special_ids,
            labels=labels,
            settings=settings,
            max_length=max_length,
            stride=stride,
            fixed_seq_len=fixed_seq_len,
            one_window_per_run=fixed_batch is not None,
        )
        log.info(
            "ner model loaded",
            extra={
                "fields": {
                    "model_dir": str(model_dir),
                    "labels": len(labels),
                    "entity_types": sorted({lab.care_type for lab in labels if lab.care_type}),
                    "max_length": max_length,
                    "stride": stride,
                    "intra_op_num_threads": intra_op_num_threads,
                    "load_ms": round((time.perf_counter() - started) * 1000, 1),
                }
            },
        )
        return detector

    # --- detection ---------------------------------------------------------------------------

    def __call__(self, norm: NormalizedText) -> list[Span]:
        text = norm.text
        if not text.strip():
            return []
        encoding = self._tokenizer.encode(text, add_special_tokens=False)
        if not encoding.ids:
            return []
        probs = self._token_probs(np.asarray(encoding.ids, dtype=np.int64))
        return self._decode(text, encoding.offsets, encoding.word_ids, probs)

    def _windows(self, count: int) -> list[int]:
        step = self._content_len - self._stride
        starts = [0]
        while starts[-1] + self._content_len < count:
            starts.append(starts[-1] + step)
        return starts

    def _token_probs(self, ids: IntArray) -> FloatArray:
        """Label probabilities per token of the whole text, [tokens, labels]."""
        count = len(ids)
        starts = self._windows(count)
        chunk = min(self._content_len, count)
        seq_len = self._fixed_seq_len or len(self._prefix_ids) + chunk + len(self._suffix_ids)
        offset = len(self._prefix_ids)

        best_rank = np.full(count, -1, dtype=np.int64)
        probs = np.zeros((count, len(self._labels)))
        per_run = 1 if self._one_window_per_run else MAX_WINDOWS_PER_RUN
        for first in range(0, len(starts), per_run):
            run_starts = starts[first : first + per_run]
            window_probs = self._infer(ids, run_starts, seq_len)
            for row, start in enumerate(run_starts):
                end = min(start + self._content_len, count)
                positions = np.arange(start, end)
                # Prefer the window in which the token sees the most text on its nearer side.
                left = positions - start if start > 0 else np.full(end - start, _NO_EDGE)
                right = (end - 1) - positions if end < count else np.full(end - start, _NO_EDGE)
                rank = np.minimum(left, right)
                better = rank > best_rank[positions]
                chosen = positions[better]
                probs[chosen] = window_probs[row, offset + (chosen - start)]
                best_rank[chosen] = rank[better]
        return probs

    def _infer(self, ids: IntArray, starts: Sequence[int], seq_len: int) -> FloatArray:
        rows = len(starts)
        input_ids = np.full((rows, seq_len), self._pad_id, dtype=np.int64)
        attention = np.zeros((rows, seq_len), dtype=np.int64)
        for row, start in enumerate(starts):
            window = np.concatenate(
                [self._prefix_ids, ids[start : start + self._content_len], self._suffix_ids]
            ).astype(np.int64)
            input_ids[row, : len(window)] = window
            attention[row, : len(window)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": attention}
        if "token_type_ids" in self._input_types:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        feeds = {name: value.astype(self._input_types[name], copy=False) for name, value in feeds.items()}
        (logits,) = self._session.run([self._output_name], feeds)
        if getattr(logits, "shape", None) != (rows, seq_len, len(self._labels)):
            # Shapes only: never anything derived from the text.
            raise RuntimeError(
                f"NER model returned logits of shape {getattr(logits, 'shape', None)}, "
                f"expected {(rows, seq_len, len(self._labels))}"
            )
        return softmax(np.asarray(logits))

    def _decode(
        self,
        text: str,
        offsets: Sequence[tuple[int, int]],
        word_ids: Sequence[int | None],
        probs: FloatArray,
    ) -> list[Span]:
        label_of_token = probs.argmax(axis=-1)
        type_scores = probs @ self._type_mass  # [tokens, types]
        spans: list[Span] = []
        current: _Open | None = None
        for first, end in _words(word_ids):
            stem = self._stem_start(text, offsets, label_of_token, first, end)
            if self._first_piece:
                label_index = int(label_of_token[stem])
            else:
                label_index = int(probs[stem:end].mean(axis=0).argmax())
            label = self._labels[label_index]
            if label.care_type is None:
                self._close(text, current, spans)
                current = None
                continue
            type_index = int(self._type_of_label[label_index])
            scores = type_scores[stem:end, type_index].tolist()
            start_char, end_char = offsets[stem][0], offsets[end - 1][1]
            if current is not None and label.tag == "I" and current.model_type == label.model_type:
                current.end = end_char
                current.scores.extend(scores)
            else:
                self._close(text, current, spans)
                current = _Open(label.model_type, label.care_type, start_char, end_char, scores)
        self._close(text, current, spans)
        return spans

    def _stem_start(
        self,
        text: str,
        offsets: Sequence[tuple[int, int]],
        label_of_token: IntArray,
        first: int,
        end: int,
    ) -> int:
        """Index of the word's first token after leading pieces that are a prefix the model leaves out."""
        if end - first < 2:
            return first
        word_start = offsets[first][0]
        peel_ends = {word_start + at for at, _ in stems(text[word_start : offsets[end - 1][1]]) if at > 0}
        stem = first
        for index in range(first, end - 1):
            if self._labels[int(label_of_token[index])].care_type is not None:
                break
            if offsets[index][1] in peel_ends:
                stem = index + 1
        return stem

    def _close(self, text: str, span: _Open | None, spans: list[Span]) -> None:
        if span is None:
            return
        start, end = span.start, span.end
        # Byte-level BPE offsets include the space before a word.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start and sum(span.scores) / len(span.scores) >= self._min_score:
            spans.append(Span(start, end, span.care_type))


@dataclass
class _Open:
    """An entity being built from consecutive words."""

    model_type: str
    care_type: str
    start: int
    end: int
    scores: list[float]


def _words(word_ids: Sequence[int | None]) -> list[tuple[int, int]]:
    """[first, end) token ranges of the words; a token without a word is a word of its own."""
    ranges: list[tuple[int, int]] = []
    for index, word in enumerate(word_ids):
        if index > 0 and word is not None and word == word_ids[index - 1]:
            ranges[-1] = (ranges[-1][0], index + 1)
        else:
            ranges.append((index, index + 1))
    return ranges


# --- loading ---------------------------------------------------------------------------------


def _read_settings(model_dir: Path) -> NerSettings:
    label_map: dict[str, str | None] = dict(DEFAULT_LABEL_MAP)
    if not (model_dir / SETTINGS_FILE).is_file():
        return NerSettings(label_map=label_map)
    raw = read_json(model_dir, SETTINGS_FILE, error=NerModelError)

    def bad(what: str) -> NerModelError:
        return NerModelError(f"NER model directory {model_dir}: {SETTINGS_FILE}: {what}")

    unknown = sorted(set(raw) - _SETTINGS_KEYS)
    if unknown:
        raise bad(f"unknown keys {unknown}; allowed: {sorted(_SETTINGS_KEYS)}")
    overrides = raw.get("label_map", {})
    if not isinstance(overrides, dict):
        raise bad("label_map must be an object")
    for model_type, care_type in overrides.items():
        if care_type is not None and care_type not in CARE_TYPES:
            raise bad(f"label_map[{model_type!r}] must be one of {sorted(CARE_TYPES)} or null")
        label_map[str(model_type).upper()] = care_type

    min_score = raw.get("min_score", DEFAULT_MIN_SCORE)
    if isinstance(min_score, bool) or not isinstance(min_score, int | float) or not 0 <= min_score <= 1:
        raise bad("min_score must be a number from 0 to 1")
    lengths: dict[str, int | None] = {}
    for key in ("max_length", "stride"):
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise bad(f"{key} must be a non-negative integer")
        lengths[key] = value
    aggregation = raw.get("aggregation", "average")
    if aggregation not in _AGGREGATIONS:
        raise bad(f"aggregation must be one of {sorted(_AGGREGATIONS)}")
    return NerSettings(
        label_map=label_map,
        min_score=float(min_score),
        max_length=lengths["max_length"],
        stride=lengths["stride"],
        aggregation=aggregation,
    )


def _read_labels(
    model_dir: Path, config: Mapping[str, Any], label_map: Mapping[str, str | None]
) -> list[_Label]:
    def bad(what: str) -> NerModelError:
        return NerModelError(f"NER model directory {model_dir}: {CONFIG_FILE}: {what}")

    id2label = config.get("id2label")
    if not isinstance(id2label, dict) or not id2label:
        raise bad("id2label is missing or empty")
    try:
        by_index = {int(key): value for key, value in id2label.items()}
    except (TypeError, ValueError):
        raise bad("id2label keys must be label indices") from None
    if sorted(by_index) != list(range(len(by_index))):
        raise bad("id2label indices must run from 0 without gaps")
    if not all(isinstance(name, str) and name for name in by_index.values()):
        raise bad("id2label values must be label names")
    labels = [_parse_label(by_index[index], label_map) for index in range(len(by_index))]
    if not any(lab.care_type for lab in labels):
        raise bad(
            f"no label maps to a CARE entity type ({sorted(CARE_TYPES)}); set label_map in {SETTINGS_FILE}"
        )
    return labels


def _special_tokens_around(tokenizer: Tokenizer, model_dir: Path) -> tuple[IntArray, IntArray]:
    """Special token ids the post-processor puts before and after a single sequence."""
    probe = tokenizer.encode("a b", add_special_tokens=True)
    content = [i for i, special in enumerate(probe.special_tokens_mask) if not special]
    if not content:
        raise NerModelError(
            f"NER model directory {model_dir}: {TOKENIZER_FILE} produces no tokens for plain text"
        )
    ids = probe.ids
    return (
        np.asarray(ids[: content[0]], dtype=np.int64),
        np.asarray(ids[content[-1] + 1 :], dtype=np.int64),
    )


def _static(dim: object) -> int | None:
    return dim if isinstance(dim, int) and dim > 0 else None


def _check_graph(model_dir: Path, session: Any, num_labels: int) -> tuple[int | None, int | None]:
    """Check the graph's inputs and output; returns its fixed batch size and sequence length, if any."""

    def bad(what: str) -> NerModelError:
        return NerModelError(f"NER model directory {model_dir}: {MODEL_FILE}: {what}")

    inputs = check_token_inputs(session, model_dir, error=NerModelError)
    batch_dims: set[int | None] = set()
    seq_dims: set[int | None] = set()
    for name, spec in inputs.items():
        shape = list(spec.shape or [])
        if len(shape) != 2:
            raise bad(f"input {name} must be [batch, sequence], is {shape}")
        batch_dims.add(_static(shape[0]))
        seq_dims.add(_static(shape[1]))

    output = logits_output(session, model_dir, error=NerModelError)
    shape = list(output.shape or [])
    if len(shape) != 3:
        raise bad(f"output {output.name} must be [batch, sequence, labels], is {shape}")
    if _static(shape[2]) is not None and shape[2] != num_labels:
        raise bad(f"output {output.name} has {shape[2]} labels, {CONFIG_FILE} id2label has {num_labels}")

    fixed_batch = max((d for d in batch_dims if d is not None), default=None)
    if fixed_batch is not None and fixed_batch != 1:
        raise bad(f"a fixed batch size must be 1, is {fixed_batch}")
    fixed_seq = {d for d in seq_dims if d is not None}
    if len(fixed_seq) > 1:
        raise bad(f"inputs disagree on the sequence length {sorted(fixed_seq)}")
    return fixed_batch, next(iter(fixed_seq), None)


def _window(
    model_dir: Path,
    specials: int,
    config: Mapping[str, Any],
    settings: NerSettings,
    fixed_seq_len: int | None,
) -> tuple[int, int]:
    """Tokens per window (special tokens included) and the overlap between windows."""

    def bad(what: str) -> NerModelError:
        return NerModelError(f"NER model directory {model_dir}: {what}")

    positions = config.get("max_position_embeddings")
    if settings.max_length:
        max_length, source = settings.max_length, f"max_length {settings.max_length} in {SETTINGS_FILE}"
    elif fixed_seq_len is not None:
        max_length, source = fixed_seq_len, f"the fixed sequence length {fixed_seq_len} of {MODEL_FILE}"
    elif isinstance(positions, int) and positions > 0:
        max_length = min(DEFAULT_MAX_LENGTH, positions)
        source = f"max_position_embeddings {positions} in {CONFIG_FILE}"
    else:
        max_length, source = DEFAULT_MAX_LENGTH, f"the default max_length {DEFAULT_MAX_LENGTH}"
    if fixed_seq_len is not None and max_length > fixed_seq_len:
        raise bad(f"{source} exceeds the fixed sequence length {fixed_seq_len} of {MODEL_FILE}")
    content = max_length - specials
    if content < 2:
        raise bad(f"{source} leaves no room for text between the special tokens of {TOKENIZER_FILE}")
    stride = settings.stride if settings.stride is not None else min(DEFAULT_MAX_STRIDE, content // 4)
    if stride >= content:
        raise bad(
            f"stride {stride} in {SETTINGS_FILE} must be smaller than the {content} text tokens per window"
        )
    return max_length, stride


def ner_detectors(model_dirs: Sequence[str], *, intra_op_num_threads: int = 1) -> tuple[Detector, ...]:
    """One detector per model directory, in order; empty when none is configured.

    One intra-op thread by default: the deid stage scales by worker processes, and inference threads
    beyond the process's core share only contend with each other.
    """
    if isinstance(model_dirs, str):
        raise TypeError("model_dirs must be a sequence of directories, not one string")
    return tuple(
        OnnxNerDetector.from_directory(path, intra_op_num_threads=intra_op_num_threads)
        for path in model_dirs
        if path.strip()
    )
