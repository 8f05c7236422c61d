"""Nothing lost, nothing duplicated, under faults: 2,000 messages over 200 conversations while the
worker is killed with SIGKILL and restarted, the model server answers 429/503 or hangs for a window,
and malformed events are interleaved (see ``fault_scenario.py`` for the scenario and the checks).

``CARE_FAULT_CONVERSATIONS`` makes it larger (``make bench`` runs 1,000 conversations).
"""

from __future__ import annotations

import os

import pytest

from care.v1 import events_pb2
from tests.integration.fault_scenario import MALFORMED, ScenarioResult, ScenarioSize, run_scenario

pytestmark = pytest.mark.integration

CONVERSATIONS = int(os.environ.get("CARE_FAULT_CONVERSATIONS", "200"))


@pytest.fixture(scope="module")
async def outcome(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScenarioResult, list[str]]:
    return await run_scenario(tmp_path_factory.mktemp("faults"), ScenarioSize(conversations=CONVERSATIONS))


async def test_the_run_is_as_large_as_promised(outcome: tuple[ScenarioResult, list[str]]) -> None:
    result, _ = outcome
    assert result.valid_messages >= 10 * CONVERSATIONS
    assert len(result.expected) == CONVERSATIONS
    # The worker was killed while conversations were under way, not before or after them all.
    total = sum(len(e.help_seeker) for e in result.expected.values())
    assert 0 < result.kill_after_deliveries < total
    kinds = {d.name for d in result.dead_letters_expected}
    assert kinds >= {name for name, _ in MALFORMED} | {"after_end"}


async def test_the_model_server_failed_in_every_way_during_the_window(
    outcome: tuple[ScenarioResult, list[str]],
) -> None:
    result, _ = outcome
    assert {"429", "503", "timeout"} <= set(result.faults_injected)


async def test_every_promise_held(outcome: tuple[ScenarioResult, list[str]]) -> None:
    """Exactly one terminal suggestion per valid help-seeker message, in order, with history that
    kept counting across the kill; every malformed event dead-lettered with its code; the
    placeholder map recovered (numbering and restore)."""
    _, problems = outcome
    assert problems == [], f"{len(problems)} problems, first: {problems[:10]}"


async def test_suggestions_came_from_the_model_and_the_fallback_bank(
    outcome: tuple[ScenarioResult, list[str]],
) -> None:
    result, _ = outcome
    assert result.platform is not None
    statuses = {d.suggestion.status for d in result.platform.deliveries.values()}
    assert events_pb2.SUGGESTION_STATUS_OK in statuses
    assert events_pb2.SUGGESTION_STATUS_NO_SUGGESTION in statuses
