import pytest
from google.protobuf.message import Message

from care.config import Profile, Settings
from care.topics import ALL_TOPICS, BY_NAME, Cleanup
from care.worker.app import STAGES, faust_settings
from care.worker.transport import partitions_to_toggle


def test_topics_are_declared_once_with_a_protobuf_payload() -> None:
    names = [t.name for t in ALL_TOPICS]
    assert len(names) == len(set(names)) == len(BY_NAME)
    for spec in ALL_TOPICS:
        assert spec.name.startswith("care.")
        assert issubclass(spec.payload, Message)
        assert spec.key == "conversation_id"
        assert spec.config()["cleanup.policy"] in {c.value for c in Cleanup}
        assert int(spec.config()["retention.ms"]) > 0


def test_changelogs_are_compacted_and_flow_topics_are_not() -> None:
    assert BY_NAME["care.assembler.history-changelog"].cleanup is Cleanup.COMPACT
    assert BY_NAME["care.chat.inbound"].cleanup is Cleanup.DELETE


def test_only_inbound_feedback_and_displayed_suggestions_carry_raw_text() -> None:
    # deid's placeholder changelog holds PII sealed with AES-GCM, so it counts as carrying none.
    raw = {t.name for t in ALL_TOPICS if t.carries_raw_text}
    assert raw == {"care.chat.inbound", "care.suggestions", "care.feedback"}


def test_embedded_profile_applies_the_tansu_workarounds() -> None:
    conf = faust_settings(Settings(profile=Profile.EMBEDDED), STAGES)
    assert conf["producer_max_batch_size"] == 1
    assert conf["broker_session_timeout"] <= 10
    assert conf["topic_allow_declare"] is False


def test_production_profile_never_applies_them() -> None:
    conf = faust_settings(
        Settings(profile=Profile.PRODUCTION, kafka_bootstrap_servers="k1:9093,k2:9093"), ["deid"]
    )
    assert "producer_max_batch_size" not in conf
    assert "broker_session_timeout" not in conf
    assert conf["broker"] == ["kafka://k1:9093", "kafka://k2:9093"]
    assert conf["id"] == "care-deid"


def test_sasl_settings_become_faust_credentials() -> None:
    conf = faust_settings(
        Settings(kafka_security_protocol="SASL_SSL", kafka_sasl_username="u", kafka_sasl_password="p"),
        ["router"],
    )
    assert conf["broker_credentials"].username == "u"


def test_settings_are_read_from_care_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARE_BACKEND_URL", "http://tgi:80")
    monkeypatch.setenv("CARE_BACKEND_AR_URL", "http://tgi-ar:80")
    monkeypatch.setenv("CARE_NUM_CANDIDATES", "2")
    settings = Settings()
    assert settings.num_candidates == 2
    assert settings.backend_url_for("ar") == "http://tgi-ar:80"
    assert settings.backend_url_for("he") == "http://tgi:80"


def test_only_partitions_faust_reads_are_fetched() -> None:
    assigned = {"in-0", "in-1", "changelog-0", "changelog-1"}
    reading = {"in-0", "in-1"}
    assert partitions_to_toggle(assigned, reading, set()) == ({"changelog-0", "changelog-1"}, set())
    # recovery reads a changelog again; a revoked partition is never resumed
    assert partitions_to_toggle(
        assigned, reading | {"changelog-0"}, {"changelog-0", "changelog-1", "gone-0"}
    ) == (
        set(),
        {"changelog-0"},
    )
