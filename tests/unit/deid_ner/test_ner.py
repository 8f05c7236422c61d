"""The transformer NER slot, on a tiny real model these tests build (no weights can be fetched).

The model is context-free on purpose: each vocabulary id maps straight to one label's logits
(Gather from an embedding table -> MatMul -> Add -> masked by attention_mask), so every expected
span follows from the vocabulary below. Names and places are fictional or common placeholders.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

from care.deid.core import PlaceholderState, deidentify, detect
from care.deid.detectors import DEFAULT_DETECTORS
from care.deid.ner import (
    MAX_WINDOWS_PER_RUN,
    NerModelError,
    OnnxNerDetector,
    ner_detectors,
)
from care.deid.normalize import Detector, normalize

LABELS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")
# The same label indices as DictaBERT/CAMeLBERT-style models name them.
DICTA_LABELS = ("O", "B-PERS", "I-PERS", "B-GPE", "I-GPE", "B-FAC", "I-FAC", "B-MISC", "I-MISC")
STRONG = 8.0  # softmax ~0.997 for the label
WEAK = 1.0  # softmax ~0.25 for the label, ~0.09 for each other one

# token -> (label, logit); every other label gets 0.
VOCAB: dict[str, tuple[str, float]] = {
    "[PAD]": ("O", STRONG),
    "[UNK]": ("O", STRONG),
    "[CLS]": ("O", STRONG),
    "[SEP]": ("O", STRONG),
    # English
    "dana": ("B-PER", STRONG),
    "cohen": ("I-PER", STRONG),
    "yossi": ("B-PER", STRONG),
    "zorbelina": ("B-PER", STRONG),
    "quandt": ("I-PER", STRONG),
    "ra": ("B-PER", STRONG),
    "##chel": ("O", WEAK),  # "rachel": the word's mean still says PER, with a score of ~0.59
    "haifa": ("B-LOC", STRONG),
    "jaffa": ("B-LOC", STRONG),
    "port": ("I-LOC", STRONG),
    "tnuva": ("B-ORG", STRONG),
    "purim": ("B-MISC", STRONG),
    "i": ("O", STRONG),
    "met": ("O", STRONG),
    "and": ("O", STRONG),
    "in": ("O", STRONG),
    "at": ("O", STRONG),
    "works": ("O", STRONG),
    "lives": ("O", STRONG),
    "call": ("O", STRONG),
    "me": ("O", STRONG),
    "on": ("O", STRONG),
    "today": ("O", STRONG),
    "feel": ("O", STRONG),
    "alone": ("O", STRONG),
    ".": ("O", STRONG),
    ",": ("O", STRONG),
    "-": ("O", STRONG),
    # Hebrew: prefix letters the model labels O, a stem it labels as a name or place
    "פגשתי": ("O", STRONG),
    "את": ("O", STRONG),
    "גרה": ("O", STRONG),
    "דנה": ("B-PER", STRONG),
    "##דנה": ("B-PER", STRONG),
    "ו": ("O", STRONG),
    "##ל": ("O", STRONG),
    "ב": ("O", STRONG),
    "חיפה": ("B-LOC", STRONG),
    "##חיפה": ("B-LOC", STRONG),
    "מ": ("B-PER", STRONG),  # in "מיכל" the model says the first letter is part of the name
    "##יכל": ("I-PER", STRONG),
    # Arabic: a clitic the model labels O, a stem it labels as a name or place
    "و": ("O", STRONG),
    "##سلمى": ("B-PER", STRONG),
    "سلمى": ("B-PER", STRONG),
    "##الناصرة": ("B-LOC", STRONG),
    "ب": ("O", STRONG),
    "مع": ("O", STRONG),
}
TOKEN_IDS = {token: index for index, token in enumerate(VOCAB)}


def build_tokenizer() -> Tokenizer:
    tokenizer = Tokenizer(models.WordPiece(TOKEN_IDS, unk_token="[UNK]", max_input_chars_per_word=100))
    tokenizer.normalizer = normalizers.BertNormalizer(
        lowercase=True, strip_accents=False, clean_text=True, handle_chinese_chars=False
    )
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        special_tokens=[("[CLS]", TOKEN_IDS["[CLS]"]), ("[SEP]", TOKEN_IDS["[SEP]"])],
    )
    # Saved truncation must not cut text off: the detector windows the text itself.
    tokenizer.enable_truncation(max_length=6)
    return tokenizer


def build_graph(
    *,
    num_labels: int = len(LABELS),
    input_names: Sequence[str] = ("input_ids", "attention_mask"),
    batch: int | str = "batch",
    seq: int | str = "seq",
) -> onnx.ModelProto:
    """logits = (E[input_ids] @ W + b) * attention_mask; W is the identity, so E holds the logits."""
    embedding = np.zeros((len(VOCAB), num_labels), dtype=np.float32)
    for index, (label, logit) in enumerate(VOCAB.values()):
        embedding[index, LABELS.index(label) % num_labels] = logit
    initializers = [
        numpy_helper.from_array(embedding, "embedding"),
        numpy_helper.from_array(np.eye(num_labels, dtype=np.float32), "weight"),
        numpy_helper.from_array(np.zeros(num_labels, dtype=np.float32), "bias"),
        numpy_helper.from_array(np.array([-1], dtype=np.int64), "last_axis"),
    ]
    ids_name = input_names[0]
    mask_name = input_names[1]
    nodes = [
        helper.make_node("Gather", ["embedding", ids_name], ["embedded"]),
        helper.make_node("MatMul", ["embedded", "weight"], ["projected"]),
        helper.make_node("Add", ["projected", "bias"], ["scores"]),
        helper.make_node("Cast", [mask_name], ["mask_float"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_float", "last_axis"], ["mask_3d"]),
        helper.make_node("Mul", ["scores", "mask_3d"], ["logits"]),
    ]
    inputs = [helper.make_tensor_value_info(name, TensorProto.INT64, [batch, seq]) for name in input_names]
    if "token_type_ids" in input_names:
        # Used, so the graph keeps the input: token type 0 adds nothing.
        initializers.append(numpy_helper.from_array(np.zeros((2, num_labels), dtype=np.float32), "types"))
        nodes[2:3] = [
            helper.make_node("Add", ["projected", "bias"], ["scores_0"]),
            helper.make_node("Gather", ["types", "token_type_ids"], ["type_scores"]),
            helper.make_node("Add", ["scores_0", "type_scores"], ["scores"]),
        ]
    graph = helper.make_graph(
        nodes,
        "tiny-ner",
        inputs,
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [batch, seq, num_labels])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9  # what onnxruntime 1.32 reads without complaint
    onnx.checker.check_model(model)
    return model


def write_model(
    directory: Path,
    *,
    labels: Sequence[str] = LABELS,
    care_settings: Mapping[str, Any] | None = None,
    graph: onnx.ModelProto | None = None,
    config_extra: Mapping[str, Any] | None = None,
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    onnx.save(graph if graph is not None else build_graph(), str(directory / "model.onnx"))
    build_tokenizer().save(str(directory / "tokenizer.json"))
    config = {"id2label": {str(i): label for i, label in enumerate(labels)}, "max_position_embeddings": 512}
    config.update(config_extra or {})
    (directory / "config.json").write_text(json.dumps(config), encoding="utf-8")
    if care_settings is not None:
        (directory / "care-ner.json").write_text(json.dumps(care_settings), encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def detector(tmp_path_factory: pytest.TempPathFactory) -> OnnxNerDetector:
    return OnnxNerDetector.from_directory(write_model(tmp_path_factory.mktemp("ner") / "model"))


def run(detector: Detector, text: str) -> list[tuple[str, str]]:
    norm = normalize(text)
    return [(norm.text[s.start : s.end], s.entity_type) for s in detector(norm)]


# --- spans -----------------------------------------------------------------------------------


def test_finds_multi_word_entities_with_character_offsets(detector: OnnxNerDetector) -> None:
    text = "I met Dana Cohen and Yossi in Haifa, at Tnuva."
    spans = list(detector(normalize(text)))
    assert [(text[s.start : s.end], s.entity_type) for s in spans] == [
        ("Dana Cohen", "PERSON"),
        ("Yossi", "PERSON"),
        ("Haifa", "LOCATION"),
        ("Tnuva", "ORG"),
    ]
    assert (spans[0].start, spans[0].end) == (6, 16)


def test_b_starts_a_new_entity_and_i_continues_one(detector: OnnxNerDetector) -> None:
    # "Dana Yossi": two B- tags, two people; "Jaffa port": B-LOC I-LOC, one place.
    assert run(detector, "Dana Yossi, Jaffa port") == [
        ("Dana", "PERSON"),
        ("Yossi", "PERSON"),
        ("Jaffa port", "LOCATION"),
    ]


def test_other_model_types_are_dropped(detector: OnnxNerDetector) -> None:
    assert run(detector, "I feel alone at Purim") == []


def test_empty_and_blank_text(detector: OnnxNerDetector) -> None:
    assert run(detector, "") == []
    assert run(detector, "  \n ") == []


def test_subword_pieces_merge_into_the_whole_word(detector: OnnxNerDetector) -> None:
    # "rachel" is "ra" + "##chel"; the second piece alone would say O.
    assert run(detector, "I met Rachel today.") == [("Rachel", "PERSON")]


def test_hebrew_prefix_letters_the_model_labels_o_stay_outside_the_span(detector: OnnxNerDetector) -> None:
    text = "פגשתי את ולדנה ודנה בחיפה"
    assert run(detector, text) == [("דנה", "PERSON"), ("דנה", "PERSON"), ("חיפה", "LOCATION")]
    spans = detector(normalize(text))
    assert [(s.start, s.end) for s in spans] == [(11, 14), (16, 19), (21, 25)]


def test_a_first_letter_the_model_labels_as_the_name_is_kept(detector: OnnxNerDetector) -> None:
    # "מ" could be a prefix, but the model says it belongs to the name: nothing of it may leak.
    assert run(detector, "פגשתי את מיכל") == [("מיכל", "PERSON")]


def test_arabic_clitics_stay_outside_the_span(detector: OnnxNerDetector) -> None:
    assert run(detector, "مع وسلمى بالناصرة") == [("سلمى", "PERSON"), ("الناصرة", "LOCATION")]


def test_long_text_is_windowed_without_skipping_anything(tmp_path: Path) -> None:
    # 8 tokens per window: 6 of text between [CLS] and [SEP], overlapping by 2.
    small = OnnxNerDetector.from_directory(
        write_model(tmp_path / "small", care_settings={"max_length": 8, "stride": 2})
    )
    large = OnnxNerDetector.from_directory(write_model(tmp_path / "large"))
    filler = ["i", "feel", "alone", "today", "."]
    names = ["Dana Cohen", "Rachel", "Haifa", "Jaffa port", "Tnuva", "ולדנה", "وسلمى"]
    words: list[str] = []
    for index in range(60):
        words.append(filler[index % len(filler)])
        if index % 3 == 0:
            words.append(names[index % len(names)])
    words.append("Haifa")  # the very last token
    text = " ".join(words)
    norm = normalize(text)
    assert len(small._tokenizer.encode(text, add_special_tokens=False).ids) > 8 * MAX_WINDOWS_PER_RUN
    found = small(norm)
    assert found == large(norm)
    assert len(found) == sum(1 for w in words if w in names)
    assert (found[-1].end, found[-1].entity_type) == (len(text), "LOCATION")


@pytest.mark.parametrize("start", range(8))
def test_an_entity_on_a_window_boundary_is_found_whole(tmp_path: Path, start: int) -> None:
    small = OnnxNerDetector.from_directory(
        write_model(tmp_path / "small", care_settings={"max_length": 6, "stride": 1})
    )
    # Slide a two-word, three-piece entity across the window boundaries.
    text = " ".join(["i"] * start + ["Dana", "Rachel"] + ["i"] * 6)
    assert run(small, text) == [("Dana", "PERSON"), ("Rachel", "PERSON")]
    assert run(small, " ".join(["i"] * start + ["Jaffa", "port"] + ["i"] * 6)) == [("Jaffa port", "LOCATION")]


class EdgeSession:
    """Stands in for the model: says B-PER exactly at the first and last text token of each window."""

    def run(self, output_names: Sequence[str], feeds: Mapping[str, np.ndarray]) -> list[np.ndarray]:
        mask = feeds["attention_mask"]
        logits = np.zeros((*mask.shape, len(LABELS)), dtype=np.float32)
        logits[..., LABELS.index("O")] = STRONG
        for row, length in enumerate(mask.sum(axis=1)):
            for position in (1, int(length) - 2):  # after [CLS], before [SEP]
                logits[row, position] = 0.0
                logits[row, position, LABELS.index("B-PER")] = STRONG
        return [logits]


def test_each_token_takes_the_window_where_it_has_the_most_context(tmp_path: Path) -> None:
    small = OnnxNerDetector.from_directory(
        write_model(tmp_path / "small", care_settings={"max_length": 8, "stride": 2})
    )
    small._session = EdgeSession()
    # 14 tokens, windows [0, 6), [4, 10), [8, 14): a token at a window's edge inside the text is
    # also inside a neighbouring window and must be read there; only the text's own ends are edges.
    text = " ".join(["i"] * 14)
    assert [(s.start, s.end) for s in small(normalize(text))] == [(0, 1), (26, 27)]


def test_offsets_are_into_the_normalised_text_and_the_core_maps_them_back(
    detector: OnnxNerDetector,
) -> None:
    text = "I met\u200f Dana\u00a0Cohen."  # a bidi mark (dropped) and a no-break space (becomes " ")
    spans = detect(text, (detector,))
    assert [(text[s.start : s.end], s.entity_type) for s in spans] == [("Dana\u00a0Cohen", "PERSON")]


# --- scores and aggregation ------------------------------------------------------------------


def test_min_score_filters_weak_entities(tmp_path: Path) -> None:
    # "Rachel" scores (0.997 + 0.19) / 2 ~ 0.59.
    default = OnnxNerDetector.from_directory(write_model(tmp_path / "default"))
    strict = OnnxNerDetector.from_directory(
        write_model(tmp_path / "strict", care_settings={"min_score": 0.7})
    )
    text = "Dana met Rachel"
    assert run(default, text) == [("Dana", "PERSON"), ("Rachel", "PERSON")]
    assert run(strict, text) == [("Dana", "PERSON")]


def test_first_piece_aggregation(tmp_path: Path) -> None:
    first = OnnxNerDetector.from_directory(
        write_model(tmp_path / "first", care_settings={"aggregation": "first", "min_score": 0.0})
    )
    assert run(first, "Rachel") == [("Rachel", "PERSON")]


# --- labels ----------------------------------------------------------------------------------


def test_dictabert_style_labels_map_to_care_types(tmp_path: Path) -> None:
    dicta = OnnxNerDetector.from_directory(write_model(tmp_path / "dicta", labels=DICTA_LABELS))
    # PERS -> PERSON, GPE -> LOCATION, FAC -> LOCATION (index 5 is B-FAC here), MISC dropped.
    assert run(dicta, "Dana Cohen in Haifa at Tnuva, Purim") == [
        ("Dana Cohen", "PERSON"),
        ("Haifa", "LOCATION"),
        ("Tnuva", "LOCATION"),
    ]


def test_care_ner_json_overrides_the_label_map(tmp_path: Path) -> None:
    custom = OnnxNerDetector.from_directory(
        write_model(
            tmp_path / "custom",
            labels=DICTA_LABELS,
            care_settings={"label_map": {"fac": "ORG", "GPE": None, "MISC": "LOCATION"}},
        )
    )
    assert run(custom, "Dana in Haifa at Tnuva, Purim") == [
        ("Dana", "PERSON"),
        ("Tnuva", "ORG"),
        ("Purim", "LOCATION"),
    ]


def test_io_labels_without_prefixes(tmp_path: Path) -> None:
    io_labels = ("O", "PER", "PER", "LOC", "LOC", "ORG", "ORG", "MISC", "MISC")
    io = OnnxNerDetector.from_directory(write_model(tmp_path / "io", labels=io_labels))
    # Without B- tags, adjacent words of one type are one entity.
    assert run(io, "Dana Cohen in Haifa") == [("Dana Cohen", "PERSON"), ("Haifa", "LOCATION")]


# --- graph variants --------------------------------------------------------------------------


def test_token_type_ids_input_is_fed(tmp_path: Path) -> None:
    graph = build_graph(input_names=("input_ids", "attention_mask", "token_type_ids"))
    typed = OnnxNerDetector.from_directory(write_model(tmp_path / "typed", graph=graph))
    assert run(typed, "Dana in Haifa") == [("Dana", "PERSON"), ("Haifa", "LOCATION")]


def test_fixed_shape_graph_is_padded_and_run_one_window_at_a_time(tmp_path: Path) -> None:
    fixed = OnnxNerDetector.from_directory(write_model(tmp_path / "fixed", graph=build_graph(batch=1, seq=8)))
    text = " ".join(["i feel alone"] * 5 + ["Dana Cohen in Haifa"])
    assert run(fixed, text) == [("Dana Cohen", "PERSON"), ("Haifa", "LOCATION")]


# --- core integration ------------------------------------------------------------------------


def test_core_merges_ner_spans_with_the_rule_based_ones(detector: OnnxNerDetector) -> None:
    text = "Zorbelina Quandt, call me on 050-7654321 or dana@example.com"
    without = {(text[s.start : s.end], s.entity_type) for s in detect(text)}
    assert ("Zorbelina Quandt", "PERSON") not in without

    spans = detect(text, (*DEFAULT_DETECTORS, detector))
    found = {(text[s.start : s.end], s.entity_type) for s in spans}
    assert {("Zorbelina Quandt", "PERSON"), ("050-7654321", "PHONE"), ("dana@example.com", "EMAIL")} <= found
    # The model reads "dana" in the address as a name; the longer e-mail span wins the overlap.
    assert all(b.start >= a.end for a, b in itertools.pairwise(spans))

    result = deidentify(text, PlaceholderState.empty(), (*DEFAULT_DETECTORS, detector))
    assert "Zorbelina" not in result.text
    assert "050" not in result.text
    assert result.text.startswith("[PERSON_1], call me on [PHONE_1]")


# --- configuration and errors ----------------------------------------------------------------


def test_ner_detectors(tmp_path: Path) -> None:
    assert ner_detectors([]) == ()
    assert ner_detectors(["", "  "]) == ()
    loaded = ner_detectors([str(write_model(tmp_path / "a")), str(write_model(tmp_path / "b"))])
    assert len(loaded) == 2
    assert run(loaded[1], "Dana") == [("Dana", "PERSON")]
    with pytest.raises(TypeError):
        ner_detectors(str(tmp_path / "a"))


def test_load_is_logged_without_text(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    model_dir = write_model(tmp_path / "logged")
    with caplog.at_level(logging.INFO, logger="care.deid.ner"):
        OnnxNerDetector.from_directory(model_dir)
    (record,) = [r for r in caplog.records if r.getMessage() == "ner model loaded"]
    fields = getattr(record, "fields", {})
    assert fields["model_dir"] == str(model_dir)
    assert fields["labels"] == len(LABELS)
    assert fields["load_ms"] >= 0


@pytest.mark.parametrize("name", ["model.onnx", "tokenizer.json", "config.json"])
def test_missing_file_is_named(tmp_path: Path, name: str) -> None:
    model_dir = write_model(tmp_path / "m")
    (model_dir / name).unlink()
    with pytest.raises(NerModelError, match=f"missing {name}"):
        OnnxNerDetector.from_directory(model_dir)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(NerModelError, match="does not exist"):
        OnnxNerDetector.from_directory(tmp_path / "nowhere")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("model.onnx", b"not a protobuf", "model.onnx is not a loadable ONNX model"),
        ("tokenizer.json", b"{broken", "tokenizer.json is not a tokenizers file"),
        ("config.json", b"{broken", "config.json is not readable JSON"),
        ("config.json", b'{"num_labels": 9}', "id2label is missing"),
        ("config.json", b'{"id2label": {"0": "O", "2": "B-PER"}}', "without gaps"),
        ("config.json", b'{"id2label": {"0": "O", "1": "B-DATE"}}', "no label maps to a CARE entity type"),
        ("care-ner.json", b'{"min_scor": 0.5}', "unknown keys"),
        ("care-ner.json", b'{"min_score": 2}', "min_score"),
        ("care-ner.json", b'{"label_map": {"PER": "PEOPLE"}}', "label_map"),
        ("care-ner.json", b'{"aggregation": "max"}', "aggregation"),
        ("care-ner.json", b'{"max_length": 2}', "no room"),
        ("care-ner.json", b'{"max_length": 8, "stride": 6}', "stride"),
    ],
)
def test_corrupt_files_give_clear_errors(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    model_dir = write_model(tmp_path / "m")
    (model_dir / name).write_bytes(content)
    with pytest.raises(NerModelError, match=expected) as raised:
        OnnxNerDetector.from_directory(model_dir)
    assert name in str(raised.value)


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        (build_graph(input_names=("ids", "attention_mask")), r"missing inputs \['input_ids'\]"),
        (build_graph(input_names=("input_ids", "attention_mask", "position_ids")), "unexpected inputs"),
        (build_graph(num_labels=5), "has 5 labels"),
        (build_graph(batch=2, seq=8), "fixed batch size must be 1"),
    ],
)
def test_graph_is_checked(tmp_path: Path, graph: onnx.ModelProto, expected: str) -> None:
    model_dir = write_model(tmp_path / "m", graph=graph)
    with pytest.raises(NerModelError, match=expected):
        OnnxNerDetector.from_directory(model_dir)


def test_fixed_sequence_shorter_than_max_length_is_refused(tmp_path: Path) -> None:
    model_dir = write_model(tmp_path / "m", graph=build_graph(seq=8), care_settings={"max_length": 16})
    with pytest.raises(NerModelError, match="fixed sequence length 8"):
        OnnxNerDetector.from_directory(model_dir)
