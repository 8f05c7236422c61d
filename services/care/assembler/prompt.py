"""Build the chat prompt from the COMPLETE conversation so far.

The model must see every turn, both roles, in order: CARE's fine-tunes were trained on complete
conversations, and the evolving emotional context is what aligns their replies with counselors.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from care.assembler.history import History, Speaker

ROLE_OF = {Speaker.HELP_SEEKER: "user", Speaker.COUNSELOR: "assistant"}


@dataclass(frozen=True)
class PromptMessage:
    role: str
    content: str


@cache
def default_system_prompt(route: str) -> str:
    return resources.files("care.assembler").joinpath("prompts", f"{route}.txt").read_text("utf-8").strip()


def build_messages(history: History, system_prompt: str) -> list[PromptMessage]:
    """System prompt, then the turns as chat roles.

    Help-seekers often send several short messages in a row; chat templates want the roles to
    alternate, so consecutive turns of one speaker become one message, one line per turn.
    """
    messages = [PromptMessage("system", system_prompt)]
    for turn in history.turns:
        role = ROLE_OF[turn.speaker]
        if messages[-1].role == role:
            messages[-1] = PromptMessage(role, f"{messages[-1].content}\n{turn.text}")
        else:
            messages.append(PromptMessage(role, turn.text))
    return messages
