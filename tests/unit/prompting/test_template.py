"""The model's chat template rendered locally, as transformers renders it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from care.assembler.prompt import PromptMessage
from care.prompting.template import ChatTemplate, TemplateError

from .conftest import CHATML, LLAMA

CONVERSATION = [
    ("system", "You are a counselor's assistant."),
    ("user", "קשה לי מאוד בזמן האחרון"),
    ("assistant", "תודה שכתבת, זה דורש אומץ."),
    ("user", "أشعر بالتعب الشديد"),
]


def model_dir(directory: Path, config: object, template_file: str | None = None) -> Path:
    (directory / "tokenizer_config.json").write_text(json.dumps(config, ensure_ascii=False), "utf-8")
    if template_file is not None:
        (directory / "chat_template.jinja").write_text(template_file, "utf-8")
    return directory


def test_chatml_with_generation_prompt(tmp_path: Path) -> None:
    template = ChatTemplate.from_model_dir(model_dir(tmp_path, {"chat_template": CHATML}))
    assert template.render(CONVERSATION) == (
        "<|im_start|>system\nYou are a counselor's assistant.<|im_end|>\n"
        "<|im_start|>user\nקשה לי מאוד בזמן האחרון<|im_end|>\n"
        "<|im_start|>assistant\nתודה שכתבת, זה דורש אומץ.<|im_end|>\n"
        "<|im_start|>user\nأشعر بالتعب الشديد<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    assert not template.render(CONVERSATION, add_generation_prompt=False).endswith("assistant\n")


def test_llama_like_with_bos_and_eos_as_added_token_dicts(tmp_path: Path) -> None:
    config = {
        "bos_token": {"content": "<s>", "lstrip": False, "normalized": False, "special": True},
        "eos_token": {"content": "</s>", "lstrip": False, "normalized": False, "special": True},
        "unk_token": None,
        "chat_template": LLAMA,
    }
    template = ChatTemplate.from_model_dir(model_dir(tmp_path, config))
    assert template.special_tokens == {"bos_token": "<s>", "eos_token": "</s>"}
    assert template.render(CONVERSATION) == (
        "<s>[INST] <<SYS>>\nYou are a counselor's assistant.\n<</SYS>>\n\nקשה לי מאוד בזמן האחרון [/INST]"
        " תודה שכתבת, זה דורש אומץ. </s>"
        "<s>[INST] أشعر بالتعب الشديد [/INST]"
    )


def test_messages_with_role_and_content_attributes(tmp_path: Path) -> None:
    template = ChatTemplate.from_model_dir(model_dir(tmp_path, {"chat_template": CHATML}))
    as_objects = [PromptMessage(role, content) for role, content in CONVERSATION]
    assert template.render(as_objects) == template.render(CONVERSATION)


def test_list_form_picks_the_default_template(tmp_path: Path) -> None:
    config = {
        "bos_token": "<s>",
        "chat_template": [
            {"name": "tool_use", "template": "TOOLS{{ messages | length }}"},
            {
                "name": "default",
                "template": "{{ bos_token }}{% for m in messages %}[{{ m['role'] }}]{% endfor %}",
            },
        ],
    }
    template = ChatTemplate.from_model_dir(model_dir(tmp_path, config))
    assert template.render(CONVERSATION) == "<s>[system][user][assistant][user]"


def test_template_file_overrides_the_config(tmp_path: Path) -> None:
    template = ChatTemplate.from_model_dir(
        model_dir(tmp_path, {"chat_template": CHATML}, "FILE{{ bos_token }}")
    )
    assert template.render(CONVERSATION) == "FILE"


def test_trim_and_lstrip_blocks_like_transformers() -> None:
    source = (
        "{% for m in messages %}\n"
        "    {% if m['role'] != 'system' %}\n"
        "{{ m['content'] }}\n"
        "    {% endif %}\n"
        "{% endfor %}"
    )
    assert ChatTemplate(source).render([("system", "s"), ("user", "a"), ("assistant", "b")]) == "a\nb\n"


def test_tojson_keeps_hebrew_and_arabic_and_loop_controls_work() -> None:
    source = (
        "{% for m in messages %}{% if loop.index > 1 %}{% break %}{% endif %}{{ m | tojson }}{% endfor %}"
    )
    assert ChatTemplate(source).render([("user", "שלום مرحبا"), ("assistant", "x")]) == (
        '{"role": "user", "content": "שלום مرحبا"}'
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (None, r"cannot read .*tokenizer_config\.json \(FileNotFoundError\)"),
        ("{not json", r"tokenizer_config\.json is not JSON"),
        ([1, 2], r"tokenizer_config\.json is not a JSON object"),
        ({"bos_token": "<s>"}, r"tokenizer_config\.json: no chat_template"),
        ({"chat_template": ""}, r"tokenizer_config\.json: no chat_template"),
        ({"chat_template": [{"name": "tool_use", "template": "x"}]}, r"chat_template has no 'default' entry"),
        ({"chat_template": "{% for m in messages %}"}, r"does not compile \(TemplateSyntaxError\)"),
    ],
)
def test_unusable_model_dir(tmp_path: Path, config: object, message: str) -> None:
    if isinstance(config, str):
        (tmp_path / "tokenizer_config.json").write_text(config, "utf-8")
    elif config is not None:
        model_dir(tmp_path, config)
    with pytest.raises(TemplateError, match=message):
        ChatTemplate.from_model_dir(tmp_path)


def test_rejection_by_the_template_never_quotes_the_conversation() -> None:
    template = ChatTemplate("{{ raise_exception('bad turn: ' + messages[0]['content']) }}")
    with pytest.raises(TemplateError, match=r"rejected the messages \(raise_exception\)") as raised:
        template.render([("user", "סוד אישי")])
    assert "סוד" not in str(raised.value)
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__


def test_llama_like_rejects_roles_that_do_not_alternate() -> None:
    with pytest.raises(TemplateError, match="raise_exception"):
        ChatTemplate(LLAMA, {"bos_token": "<s>", "eos_token": "</s>"}).render([("user", "a"), ("user", "b")])


def test_render_failure_names_only_the_error_type() -> None:
    template = ChatTemplate("{{ messages[0]['content'] + 1 }}")
    with pytest.raises(TemplateError, match=r"failed to render \(TypeError\)") as raised:
        template.render([("user", "סוד אישי")])
    assert "סוד" not in str(raised.value)
    assert raised.value.__suppress_context__


def test_sandbox_refuses_mutation() -> None:
    template = ChatTemplate(
        "{% set _ = messages.append({'role': 'user', 'content': 'x'}) %}{{ messages | length }}"
    )
    with pytest.raises(TemplateError, match="SecurityError"):
        template.render([("user", "a")])
