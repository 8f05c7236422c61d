"""The optional ONNX classifier slot, on a tiny real model these tests build (no weights are fetched).

The model is a bag of words: each vocabulary id adds one row of logits, summed over the unmasked
tokens (Gather -> Mul by attention_mask -> ReduceSum), so every expected level follows from VOCAB.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

from care.risk import RiskDetector, RiskLevel, TurnContext
from care.risk.classifier import OnnxRiskClassifier, RiskModelError

LEVELS = ("none", "low", "moderate", "high", "imminent")
# token -> (level it votes for, weight)
VOCAB: dict[str, tuple[str, float]] = {
    "[PAD]": ("none", 0.0),
    "[UNK]": ("none", 0.0),
    "[CLS]": ("none", 1.0),
    "[SEP]": ("none", 0.0),
    "hello": ("none", 2.0),
    "quietly": ("none", 0.0),
    "vanish": ("high", 8.0),  # a word the lexicons do not treat as high
    "maybe": ("low", 0.5),
}
TOKEN_IDS = {token: index for index, token in enumerate(VOCAB)}


def build_tokenizer() -> Tokenizer:
    tokenizer = Tokenizer(models.WordPiece(TOKEN_IDS, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", TOKEN_IDS["[CLS]"]), ("[SEP]", TOKEN_IDS["[SEP]"])],
    )
    return tokenizer


def build_model(num_labels: int = len(LEVELS), *, output_rank: int = 2) -> onnx.ModelProto:
    embedding = np.zeros((len(VOCAB), num_labels), dtype=np.float32)
    for index, (label, weight) in enumerate(VOCAB.values()):
        embedding[index, LEVELS.index(label) % num_labels] = weight
    nodes = [
        helper.make_node("Gather", ["embedding", "input_ids"], ["embedded"]),
        helper.make_node("Cast", ["attention_mask"], ["mask_float"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_float", "last_axis"], ["mask_3d"]),
        helper.make_node("Mul", ["embedded", "mask_3d"], ["masked"]),
        helper.make_node(
            "ReduceSum", ["masked", "seq_axis"], ["logits"], keepdims=0 if output_rank == 2 else 1
        ),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny-risk",
        [
            helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"])
            for n in ("input_ids", "attention_mask")
        ],
        [
            helper.make_tensor_value_info(
                "logits",
                TensorProto.FLOAT,
                ["batch", num_labels] if output_rank == 2 else ["batch", 1, num_labels],
            )
        ],
        [
            numpy_helper.from_array(embedding, "embedding"),
            numpy_helper.from_array(np.array([-1], dtype=np.int64), "last_axis"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "seq_axis"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def write_model_dir(
    path: Path,
    *,
    labels: tuple[str, ...] = LEVELS,
    settings: dict[str, object] | None = None,
    model: onnx.ModelProto | None = None,
) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    onnx.save(model or build_model(len(labels)), str(path / "model.onnx"))
    build_tokenizer().save(str(path / "tokenizer.json"))
    config = {"id2label": {str(i): name for i, name in enumerate(labels)}, "max_position_embeddings": 64}
    (path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    if settings is not None:
        (path / "care-risk.json").write_text(json.dumps(settings), encoding="utf-8")
    return path


def test_classifies_a_turn(tmp_path: Path) -> None:
    classifier = OnnxRiskClassifier.from_directory(write_model_dir(tmp_path / "m"))
    assert classifier.classify("hello hello") == RiskLevel.NONE
    assert classifier.classify("i want to vanish quietly") == RiskLevel.HIGH
    assert classifier.classify("   ") == RiskLevel.NONE


def test_combined_with_the_lexicons_by_maximum(tmp_path: Path) -> None:
    detector = RiskDetector(classifier=OnnxRiskClassifier.from_directory(write_model_dir(tmp_path / "m")))
    raised = detector.assess("i want to vanish quietly")
    assert raised.level == RiskLevel.HIGH
    assert "classifier" in raised.categories
    # The model can raise a level, never lower what the lexicons found.
    assert detector.assess("i am going to kill myself tonight").level == RiskLevel.IMMINENT


def test_label_map_min_score_and_context_pairs(tmp_path: Path) -> None:
    labels = ("LABEL_0", "LABEL_1", "LABEL_2", "LABEL_3", "LABEL_4")
    settings = {
        "label_map": dict(zip(labels, LEVELS, strict=True)),
        "min_score": 0.99999,
        "use_context": True,
    }
    classifier = OnnxRiskClassifier.from_directory(
        write_model_dir(tmp_path / "m", labels=labels, settings=settings)
    )
    # softmax of 8 among five labels is ~0.9987: under min_score, so it counts as none.
    assert classifier.classify("vanish") == RiskLevel.NONE
    # The counselor's message is encoded as the first sequence of a pair and adds its votes.
    assert classifier.classify("vanish", context="vanish vanish") == RiskLevel.HIGH
    detector = RiskDetector(classifier=classifier)
    assert detector.assess("vanish", TurnContext(counselor_text="vanish vanish")).level == RiskLevel.HIGH


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: (d / "model.onnx").unlink(), "missing model.onnx"),
        (lambda d: (d / "tokenizer.json").write_text("{", encoding="utf-8"), "tokenizers file"),
        (lambda d: (d / "config.json").write_text("[]", encoding="utf-8"), "JSON object"),
        (lambda d: (d / "model.onnx").write_bytes(b"not onnx"), "loadable ONNX"),
        (
            lambda d: (d / "config.json").write_text(
                json.dumps({"id2label": {"0": "calm"}}), encoding="utf-8"
            ),
            "names no risk level",
        ),
        (
            lambda d: (d / "care-risk.json").write_text(json.dumps({"colour": 1}), encoding="utf-8"),
            "unknown keys",
        ),
        (lambda d: onnx.save(build_model(output_rank=3), str(d / "model.onnx")), "must be [batch, labels]"),
        (lambda d: onnx.save(build_model(3), str(d / "model.onnx")), "has 3 labels"),
    ],
)
def test_bad_directories_are_refused_with_the_file_named(
    tmp_path: Path, mutate: Callable[[Path], object], message: str
) -> None:
    directory = write_model_dir(tmp_path / "m")
    mutate(directory)
    with pytest.raises(RiskModelError, match=re.escape(message)) as caught:
        OnnxRiskClassifier.from_directory(directory)
    assert "risk model directory" in str(caught.value)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(RiskModelError, match="does not exist"):
        OnnxRiskClassifier.from_directory(tmp_path / "absent")
