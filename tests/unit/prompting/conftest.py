"""A small byte-level BPE tokenizer trained here on synthetic Hebrew, Arabic and English lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from care.inference.strategies import STRATEGIES, steering_line
from care.prompting.tokens import ModelTokenizer

CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

# Llama 2's template shape: the system prompt folded into the first user message, BOS before
# every user message, and roles that must alternate.
LLAMA = (
    "{% if messages[0]['role'] == 'system' %}"
    "{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}"
    "{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}"
    "{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
    "{% endif %}"
    "{% if loop.index0 == 0 and system_message != false %}"
    "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
    "{% else %}{% set content = message['content'] %}{% endif %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ ' ' + content.strip() + ' ' + eos_token }}{% endif %}"
    "{% endfor %}"
)

SPECIAL_TOKENS = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"]

# Written for these tests: counselor and help-seeker lines in the three languages.
SENTENCES = [
    "שלום, אני כאן כדי להקשיב לך.",
    "קשה לי מאוד בזמן האחרון ואני לא ישן בלילות.",
    "תודה שכתבת, זה דורש אומץ.",
    "אני מרגישה לבד ואין לי עם מי לדבר.",
    "מה עוזר לך להירגע כשקשה?",
    "אני לא יודע מה לעשות עם המחשבות האלה.",
    "مرحبا، أنا هنا لأستمع إليك.",
    "أشعر بالتعب الشديد ولا أستطيع النوم.",
    "شكرا لأنك كتبت لنا، هذا يحتاج إلى شجاعة.",
    "لا أعرف مع من أتكلم.",
    "ما الذي يساعدك على الهدوء؟",
    "Hi, I am here to listen to you.",
    "I feel tired and I cannot sleep at night.",
    "Thank you for reaching out, that takes courage.",
    "What helps you calm down when things get hard?",
]

# Role names and the elision marker occur in every rendered prompt; a real model's vocabulary
# holds them as single tokens, so the training text repeats them.
FRAMING = [
    "system user assistant",
    "[earlier messages omitted]",
    "You are a counselor's assistant.",
    # A real model's tokenizer spells the English steering line in a few tokens; left out of
    # training it would cost dozens of byte tokens and swamp the prefix figures.
    *(steering_line(strategy) for strategy in STRATEGIES),
]


def train_tokenizer() -> Tokenizer:
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(SENTENCES * 3 + FRAMING * 10, trainer)
    return tokenizer


def write_model_dir(directory: Path, tokenizer: Tokenizer, chat_template: object = CHATML) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(directory / "tokenizer.json"))
    config = {"bos_token": "<s>", "eos_token": "</s>", "chat_template": chat_template}
    (directory / "tokenizer_config.json").write_text(json.dumps(config, ensure_ascii=False), "utf-8")
    return directory


@pytest.fixture(scope="session")
def trained_tokenizer() -> Tokenizer:
    return train_tokenizer()


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory, trained_tokenizer: Tokenizer) -> Path:
    return write_model_dir(tmp_path_factory.mktemp("model"), trained_tokenizer)


@pytest.fixture(scope="session")
def model_tokenizer(model_dir: Path) -> ModelTokenizer:
    return ModelTokenizer.from_model_dir(model_dir)
