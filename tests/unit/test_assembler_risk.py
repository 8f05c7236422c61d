"""The assembler's risk step: the context a turn is read in, the running maximum, alerts only on a
rise to the threshold, redeliveries never re-assessed, and the state surviving the Table."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from care.assembler.agent import risk_policy
from care.assembler.assemble import assemble
from care.assembler.history import History, Speaker, Turn
from care.assembler.risk_step import RiskPolicy, assess_turn, pending_counselor_text, risk_alert
from care.assembler.state import history_from_proto, history_to_proto
from care.config import Settings
from care.risk import RiskLevel, default_detector
from care.risk.classifier import RiskModelError
from care.v1 import events_pb2

POLICY = RiskPolicy(default_detector(), RiskLevel.MODERATE)
ASK = "את חושבת על התאבדות?"


def turn(index: int, speaker: Speaker, text: str) -> Turn:
    return Turn(f"e{index}", speaker, text)


def routed(event_id: str, text: str, role: int = events_pb2.ROLE_HELP_SEEKER) -> events_pb2.PipelineEvent:
    return events_pb2.PipelineEvent(
        event=events_pb2.ChatEvent(
            event_id=event_id,
            conversation_id="c1",
            type=events_pb2.CHAT_EVENT_TYPE_MESSAGE,
            role=role,  # type: ignore[arg-type]
            text=text,
        ),
        route=events_pb2.Route(name="he"),
    )


def test_the_pending_question_is_the_last_unanswered_counselor_message() -> None:
    asked = (turn(1, Speaker.HELP_SEEKER, "היי"), turn(2, Speaker.COUNSELOR, ASK))
    assert pending_counselor_text(asked) == ASK
    # A turn without words ("...") does not answer it; one with words does.
    assert pending_counselor_text((*asked, turn(3, Speaker.HELP_SEEKER, "..."))) == ASK
    assert pending_counselor_text((*asked, turn(3, Speaker.HELP_SEEKER, "אני לא יודעת מה לענות לך"))) is None
    # A short answer leaves the question open for one more message, as the batch fold reads it.
    assert pending_counselor_text((*asked, turn(3, Speaker.HELP_SEEKER, "לא יודעת"))) == ASK
    assert (
        pending_counselor_text(
            (*asked, turn(3, Speaker.HELP_SEEKER, "כן"), turn(4, Speaker.HELP_SEEKER, "הרבה"))
        )
        is None
    )
    assert pending_counselor_text(()) is None


def test_the_live_step_reads_a_burst_like_the_batch_fold() -> None:
    history = History(turns=(turn(1, Speaker.COUNSELOR, ASK), turn(2, Speaker.HELP_SEEKER, "כן")))
    _, step = assess_turn(history, "הרבה, בעיקר בלילה", POLICY.detector, POLICY.alert_threshold)
    assert step.turn.level >= RiskLevel.MODERATE


def test_a_yes_to_the_suicide_question_is_moderate_and_alerts() -> None:
    history = History(turns=(turn(1, Speaker.COUNSELOR, ASK),))
    updated, step = assess_turn(history, "כן", POLICY.detector, POLICY.alert_threshold)
    assert step.turn.level == RiskLevel.MODERATE
    assert step.alert
    assert (updated.risk_max, updated.risk_alerted) == (RiskLevel.MODERATE, RiskLevel.MODERATE)


def test_the_same_yes_without_the_question_is_nothing() -> None:
    _, step = assess_turn(History(), "כן", POLICY.detector, POLICY.alert_threshold)
    assert step.turn.level == RiskLevel.NONE
    assert not step.alert


def test_below_the_threshold_raises_the_maximum_without_alerting() -> None:
    updated, step = assess_turn(
        History(), "אין לי כבר כוח לכלום, הכל חסר טעם", POLICY.detector, RiskLevel.MODERATE
    )
    assert step.turn.level == RiskLevel.LOW
    assert not step.alert
    assert (updated.risk_max, updated.risk_alerted) == (RiskLevel.LOW, RiskLevel.NONE)


@pytest.mark.parametrize(
    ("alerted", "expect_alert"),
    [
        (RiskLevel.NONE, True),
        (RiskLevel.MODERATE, True),
        (RiskLevel.HIGH, False),
        (RiskLevel.IMMINENT, False),
    ],
)
def test_re_alert_only_on_a_rise(alerted: RiskLevel, expect_alert: bool) -> None:
    history = History(risk_max=int(alerted), risk_alerted=int(alerted))
    text = "אני מתכננת להתאבד בסוף השבוע, כבר כתבתי מכתבי פרידה"
    updated, step = assess_turn(history, text, POLICY.detector, POLICY.alert_threshold)
    assert step.turn.level >= RiskLevel.HIGH
    assert step.alert is expect_alert
    assert updated.risk_alerted == (step.level_max if expect_alert else alerted)


def test_the_threshold_is_configurable() -> None:
    strict = RiskPolicy(default_detector(), RiskLevel.HIGH)
    history = History(turns=(turn(1, Speaker.COUNSELOR, ASK),))
    _, step = assess_turn(history, "כן", strict.detector, strict.alert_threshold)
    assert step.level_max == RiskLevel.MODERATE
    assert not step.alert


def test_the_alert_carries_levels_and_categories_never_text() -> None:
    text = "אני מתכננת להתאבד בסוף השבוע"
    _, step = assess_turn(History(), text, POLICY.detector, POLICY.alert_threshold)
    alert = risk_alert("c1", "e7", step)
    assert alert.alert_id == "e7/alert"
    assert alert.level >= events_pb2.RISK_LEVEL_HIGH
    assert alert.previous_level == events_pb2.RISK_LEVEL_NONE
    assert alert.categories
    assert text not in alert.SerializeToString().decode("utf-8", "replace")
    assert alert.HasField("created_at")


def test_assemble_assesses_new_help_seeker_turns_only() -> None:
    prompts: dict[str, object] = {}
    first = assemble(History(), routed("e1", "אני חושבת להתאבד"), prompts)  # type: ignore[arg-type]
    assert first.risk is None, "without a policy nothing is assessed"
    with_risk = assemble(History(), routed("e1", "אני חושבת להתאבד"), prompts, POLICY)  # type: ignore[arg-type]
    assert with_risk.risk is not None
    assert with_risk.risk.alert
    assert with_risk.history.risk_max >= RiskLevel.MODERATE
    # A redelivery of the same turn is neither re-assessed nor re-alerted.
    again = assemble(with_risk.history, routed("e1", "אני חושבת להתאבד"), prompts, POLICY)  # type: ignore[arg-type]
    assert again.risk is None
    counselor = assemble(
        with_risk.history,
        routed("e2", "אני חושבת להתאבד", events_pb2.ROLE_COUNSELOR),
        prompts,  # type: ignore[arg-type]
        POLICY,
    )
    assert counselor.risk is None, "a counselor's words are never the help-seeker's risk"


def test_unserved_languages_are_assessed_too() -> None:
    event = routed("e1", "I want to kill myself tonight, I have the pills here")
    event.route.name = "unsupported"
    assembly = assemble(History(), event, {}, POLICY)
    assert assembly.risk is not None
    assert assembly.risk.alert
    assert assembly.risk.level_max >= RiskLevel.HIGH


def test_risk_state_survives_the_table() -> None:
    history = replace(History(turns=(turn(1, Speaker.HELP_SEEKER, "x"),)), risk_max=3, risk_alerted=2)
    restored = history_from_proto(history_to_proto(history))
    assert (restored.risk_max, restored.risk_alerted) == (3, 2)
    assert history_from_proto(history_to_proto(History())).risk_max == 0


def test_a_mounted_risk_model_joins_the_lexicons(tmp_path: Path) -> None:
    from tests.unit.risk.test_classifier import write_model_dir

    settings = Settings(
        risk_model_dir=str(write_model_dir(tmp_path / "risk-model")), risk_alert_threshold="high"
    )
    policy = risk_policy(settings)
    assert policy.alert_threshold == RiskLevel.HIGH
    assert policy.detector.classifier is not None
    # The tiny model calls this phrase high; the lexicons alone do not.
    assert default_detector().assess("i want to vanish quietly").level < RiskLevel.HIGH
    _, step = assess_turn(History(), "i want to vanish quietly", policy.detector, policy.alert_threshold)
    assert step.alert
    assert risk_policy(Settings()).detector is default_detector()


def test_a_broken_risk_model_stops_the_worker_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(RiskModelError, match="does not exist"):
        risk_policy(Settings(risk_model_dir=str(tmp_path / "missing")))
