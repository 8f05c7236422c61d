"""The model's chat template, rendered locally for raw ``text_generation`` prompts.

Rendered the way Hugging Face transformers renders it (``apply_chat_template``): a sandboxed,
immutable Jinja environment with ``trim_blocks`` and ``lstrip_blocks``, loop controls, a
non-ASCII-preserving ``tojson``, and ``raise_exception`` for templates that reject a conversation.
Any other environment renders whitespace differently, and the prompt would then differ from the
one the model was fine-tuned on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, Protocol

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

CONFIG_FILE = "tokenizer_config.json"
# transformers >= 4.50 saves the template to its own file, which then overrides the config's.
TEMPLATE_FILE = "chat_template.jinja"
DEFAULT_TEMPLATE_NAME = "default"
SPECIAL_TOKENS = ("bos_token", "eos_token", "unk_token", "pad_token")


class TemplateError(Exception):
    """The chat template is missing, unreadable, or failed to render.

    Messages name files and exception types only: a template's own error text or Jinja's may quote
    the conversation, so it is never carried, nor chained as a cause.
    """


class RoleContent(Protocol):
    @property
    def role(self) -> str: ...

    @property
    def content(self) -> str: ...


Message = tuple[str, str] | RoleContent


class _Rejected(Exception):
    """Raised by the template's ``raise_exception``; its text is deliberately dropped."""


def _raise_exception(_message: str) -> NoReturn:
    raise _Rejected


def _tojson(
    value: Any,
    ensure_ascii: bool = False,
    indent: int | None = None,
    separators: tuple[str, str] | None = None,
    sort_keys: bool = False,
) -> str:
    # Jinja's built-in tojson escapes HTML characters and non-ASCII text, unlike transformers'.
    return json.dumps(
        value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys
    )


def _strftime_now(date_format: str) -> str:
    # Some templates (e.g. Llama 3.2) print today's date into the system header; the prompt prefix
    # then changes once a day, which is what the model was trained with.
    return datetime.now().strftime(date_format)


def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols]
    )
    env.filters["tojson"] = _tojson
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = _strftime_now
    return env


def _token_text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    # An AddedToken serialised as a dict: {"content": "<s>", "lstrip": false, ...}.
    if isinstance(value, Mapping) and isinstance(value.get("content"), str):
        return str(value["content"])
    return None


def _select_template(value: object, source: Path) -> str:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, Mapping) and entry.get("name") == DEFAULT_TEMPLATE_NAME:
                template = entry.get("template")
                if isinstance(template, str) and template:
                    return template
        raise TemplateError(f"{source}: chat_template has no '{DEFAULT_TEMPLATE_NAME}' entry")
    raise TemplateError(f"{source}: no chat_template")


class ChatTemplate:
    def __init__(self, source: str, special_tokens: Mapping[str, str] | None = None) -> None:
        try:
            self._template = _environment().from_string(source)
        except jinja2.TemplateError as error:
            raise TemplateError(f"chat template does not compile ({type(error).__name__})") from None
        self.special_tokens: dict[str, str] = dict(special_tokens or {})

    @classmethod
    def from_model_dir(cls, model_dir: str | Path) -> ChatTemplate:
        directory = Path(model_dir)
        config_path = directory / CONFIG_FILE
        try:
            config = json.loads(config_path.read_text("utf-8"))
        except OSError as error:
            raise TemplateError(f"cannot read {config_path} ({type(error).__name__})") from None
        except ValueError:
            raise TemplateError(f"{config_path} is not JSON") from None
        if not isinstance(config, dict):
            raise TemplateError(f"{config_path} is not a JSON object")
        template_path = directory / TEMPLATE_FILE
        if template_path.is_file():
            try:
                source = _select_template(template_path.read_text("utf-8"), template_path)
            except OSError as error:
                raise TemplateError(f"cannot read {template_path} ({type(error).__name__})") from None
        else:
            source = _select_template(config.get("chat_template"), config_path)
        special = {
            name: text for name in SPECIAL_TOKENS if (text := _token_text(config.get(name))) is not None
        }
        return cls(source, special)

    def render(self, messages: Sequence[Message], *, add_generation_prompt: bool = True) -> str:
        payload = [
            {"role": m[0], "content": m[1]}
            if isinstance(m, tuple)
            else {"role": m.role, "content": m.content}
            for m in messages
        ]
        try:
            return self._template.render(
                messages=payload, add_generation_prompt=add_generation_prompt, **self.special_tokens
            )
        except _Rejected:
            raise TemplateError("the chat template rejected the messages (raise_exception)") from None
        except Exception as error:  # Jinja and the sandbox raise many types; all mean "cannot render"
            raise TemplateError(f"chat template failed to render ({type(error).__name__})") from None
