"""The final prompt for one request, in either mode the inference backends speak.

Chat completion: the messages, and the server applies the model's chat template. Text
generation: the same messages rendered locally with the model's template into one string.

Both carry ``budgeted_tokens``, the window's running estimate of the prompt's size (an upper
bound up to the per-turn slack, see :data:`care.prompting.window.ROLE_OVERHEAD`), so that no
request re-tokenises the conversation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from care.prompting.template import ChatTemplate
from care.prompting.window import WindowPolicy, WindowState, fits, select

# (role, content), as the inference service's ChatMessage.
ChatMessage = tuple[str, str]


@dataclass(frozen=True)
class ChatPrompt:
    messages: tuple[ChatMessage, ...]
    elided: int
    budgeted_tokens: int
    fits: bool


@dataclass(frozen=True)
class TextPrompt:
    text: str
    elided: int
    budgeted_tokens: int
    fits: bool


def merge_turns(system_prompt: str, turns: Sequence[ChatMessage]) -> list[ChatMessage]:
    """System prompt, then the turns as chat roles.

    Help-seekers often send several short messages in a row; chat templates want the roles to
    alternate, so consecutive turns of one role become one message, one line per turn (as
    ``care.assembler.prompt.build_messages`` does).
    """
    messages: list[ChatMessage] = [("system", system_prompt)]
    for role, text in turns:
        if messages[-1][0] == role:
            messages[-1] = (role, f"{messages[-1][1]}\n{text}")
        else:
            messages.append((role, text))
    return messages


def build_chat_prompt(
    system_prompt: str, turns: Sequence[ChatMessage], state: WindowState, policy: WindowPolicy
) -> ChatPrompt:
    """The kept turns as chat messages, the elision marker first in the first turn after the gap.

    The marker is a line of that turn rather than a message of its own: several templates (Llama 2,
    Mistral, Gemma) reject a system message anywhere but first, or roles that do not alternate.
    Placed there, it moves only when the cut does, so it does not disturb the prefix in between.
    """
    kept, elided = select(turns, state)
    if elided:
        role, text = kept[state.opening]
        kept[state.opening] = (role, f"{policy.marker}\n{text}")
    return ChatPrompt(
        tuple(merge_turns(system_prompt, kept)),
        elided,
        policy.system_cost + state.kept_cost(policy.marker_cost),
        fits(state, policy),
    )


def build_text_prompt(
    template: ChatTemplate,
    system_prompt: str,
    turns: Sequence[ChatMessage],
    state: WindowState,
    policy: WindowPolicy,
) -> TextPrompt:
    """The chat prompt rendered with the model's template, ending with the generation prompt.

    Raises :class:`care.prompting.template.TemplateError` when the template rejects it.
    """
    chat = build_chat_prompt(system_prompt, turns, state, policy)
    return TextPrompt(template.render(chat.messages), chat.elided, chat.budgeted_tokens, chat.fits)
