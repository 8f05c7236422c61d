"""Token counts: the model's tokenizer from a model directory, and the estimate without one."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tokenizers import Tokenizer, processors

from care.prompting.tokens import (
    EstimatingCounter,
    ModelTokenizer,
    TokenizerError,
    load_token_counter,
)

from .conftest import SENTENCES, write_model_dir


def test_counts_with_the_models_tokenizer(
    model_tokenizer: ModelTokenizer, trained_tokenizer: Tokenizer
) -> None:
    for sentence in SENTENCES:
        ids = trained_tokenizer.encode(sentence, add_special_tokens=False).ids
        assert model_tokenizer.encode(sentence) == ids
        assert model_tokenizer.count(sentence) == len(ids) > 0
    assert model_tokenizer.count("") == 0


def test_special_tokens_of_the_template_count_as_one(model_tokenizer: ModelTokenizer) -> None:
    assert model_tokenizer.count("<|im_start|>") == 1
    assert model_tokenizer.count("<|im_end|>") == 1


def test_post_processor_tokens_are_not_counted(tmp_path: Path, trained_tokenizer: Tokenizer) -> None:
    tokenizer = Tokenizer.from_str(trained_tokenizer.to_str())
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 1), ("</s>", 2)]
    )
    assert (
        len(tokenizer.encode("Hi, I am here.").ids) == len(trained_tokenizer.encode("Hi, I am here.").ids) + 2
    )
    counter = ModelTokenizer.from_model_dir(write_model_dir(tmp_path, tokenizer))
    assert counter.count("Hi, I am here.") == len(trained_tokenizer.encode("Hi, I am here.").ids)


def test_saved_truncation_and_padding_do_not_cap_counts(tmp_path: Path, trained_tokenizer: Tokenizer) -> None:
    tokenizer = Tokenizer.from_str(trained_tokenizer.to_str())
    tokenizer.enable_truncation(max_length=4)
    tokenizer.enable_padding(length=64)
    counter = ModelTokenizer.from_model_dir(write_model_dir(tmp_path, tokenizer))
    text = " ".join(SENTENCES)
    assert counter.count(text) == len(trained_tokenizer.encode(text, add_special_tokens=False).ids) > 64


def test_fingerprint_follows_the_file(tmp_path: Path, trained_tokenizer: Tokenizer, model_dir: Path) -> None:
    same = ModelTokenizer.from_model_dir(model_dir)
    other_tokenizer = Tokenizer.from_str(trained_tokenizer.to_str())
    other_tokenizer.add_special_tokens(["<|extra|>"])
    other = ModelTokenizer.from_model_dir(write_model_dir(tmp_path, other_tokenizer))
    assert same.fingerprint == ModelTokenizer.from_model_dir(model_dir).fingerprint
    assert same.fingerprint.startswith("sha256:")
    assert other.fingerprint != same.fingerprint
    assert EstimatingCounter().fingerprint not in (same.fingerprint, other.fingerprint)


def test_missing_or_broken_tokenizer_file(tmp_path: Path) -> None:
    with pytest.raises(TokenizerError, match=r"cannot read .*tokenizer\.json \(FileNotFoundError\)"):
        ModelTokenizer.from_model_dir(tmp_path)
    (tmp_path / "tokenizer.json").write_text("{broken", "utf-8")
    with pytest.raises(TokenizerError, match="is not a tokenizers file") as raised:
        ModelTokenizer.from_model_dir(tmp_path)
    assert raised.value.__suppress_context__


def test_load_token_counter(model_dir: Path) -> None:
    assert isinstance(load_token_counter(None), EstimatingCounter)
    assert isinstance(load_token_counter(""), EstimatingCounter)
    assert isinstance(load_token_counter(str(model_dir)), ModelTokenizer)


def test_estimate_charges_a_token_per_three_utf8_bytes() -> None:
    counter = EstimatingCounter()
    assert [counter.count(t) for t in ("", "abc", "abcd", "שלום", "مرحبا")] == [0, 1, 2, 3, 4]


@given(st.text(), st.text())
def test_estimate_encoding_matches_its_count_and_prefixes(a: str, b: str) -> None:
    counter = EstimatingCounter()
    assert len(counter.encode(a)) == counter.count(a)
    whole_chunks = len(a.encode("utf-8")) // 3
    assert counter.encode(a + b)[:whole_chunks] == counter.encode(a)[:whole_chunks]
