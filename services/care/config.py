"""The one configuration object of every CARE process, read from the environment (12-factor).

Every field is read from ``CARE_<FIELD>`` (upper case); the Helm chart's values use the same names.
The ``embedded`` profile applies the workarounds that the in-memory Tansu broker needs; the
``production`` profile never does (see docs in README, "Configuration").
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Profile(StrEnum):
    EMBEDDED = "embedded"
    PRODUCTION = "production"


class KafkaSecurityProtocol(StrEnum):
    PLAINTEXT = "PLAINTEXT"
    SSL = "SSL"
    SASL_PLAINTEXT = "SASL_PLAINTEXT"
    SASL_SSL = "SASL_SSL"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CARE_", extra="ignore", frozen=True)

    profile: Profile = Profile.PRODUCTION
    log_level: str = "INFO"
    # Where faust keeps its worker files (the tables live in memory and in their changelogs).
    data_dir: str = "/tmp/care-data"  # noqa: S108 - holds no data of conversations

    # Kafka
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_security_protocol: KafkaSecurityProtocol = KafkaSecurityProtocol.PLAINTEXT
    kafka_sasl_mechanism: str = "SCRAM-SHA-512"
    kafka_sasl_username: str = ""
    kafka_sasl_password: SecretStr = SecretStr("")
    kafka_ssl_cafile: str = ""
    kafka_ssl_certfile: str = ""
    kafka_ssl_keyfile: str = ""
    topic_partitions: int = Field(default=6, ge=1)
    topic_replication_factor: int = Field(default=3, ge=1)
    # faust consumer-group id prefix; each worker deployment appends its stage names
    app_id_prefix: str = "care"

    # De-identification
    # Comma-separated base64 AES-256 keys for the placeholder maps at rest; the first one seals.
    deid_map_keys: SecretStr = SecretStr("")
    deid_map_ttl_seconds: float = Field(default=24 * 3600, gt=0)
    deid_map_sweep_seconds: float = Field(default=60, gt=0)
    deid_timeout_seconds: float = Field(default=2.0, gt=0)
    # Comma-separated directories of ONNX token-classification models (off when empty).
    deid_ner_model_dirs: str = ""

    # Language routing: the language routes with a model on this line (comma-separated, of "he,ar"),
    # and where other languages go: "multi" (a multilingual model) or "" (no suggestions, with a reason).
    routes_served: str = "he,ar"
    route_fallback: str = ""
    # Languages the statistical detector tells apart, most frequent on the line first (ISO 639-1).
    router_latin_languages: str = "en,fr,es,pt,de,it,ro"
    router_cyrillic_languages: str = "ru,uk"

    # Inference service (gRPC)
    inference_listen: str = "0.0.0.0:50051"
    inference_target: str = "127.0.0.1:50051"
    inference_timeout_seconds: float = Field(default=20.0, gt=0)
    # Model calls the assembler runs at once (across conversations; one at a time within each).
    max_inference_in_flight: int = Field(default=64, ge=1)
    num_candidates: int = Field(default=3, ge=1, le=8)
    max_new_tokens: int = Field(default=160, ge=1)
    temperature: float = Field(default=0.7, ge=0)
    # How long a counselor may wait for a suggestion, from the assembler's request to the answer;
    # past it, the candidates come from the fallback bank.
    suggestion_deadline_seconds: float = Field(default=8.0, gt=0)
    # Stream partial suggestions to care.suggestions (complete=false), at most one per interval.
    stream_partials: bool = False
    partial_interval_seconds: float = Field(default=0.25, gt=0)

    # Prompts: the system prompt of each route is "<route>.txt" in this directory (packaged
    # defaults when empty); the context window is the model server's max_total_tokens.
    system_prompt_dir: str = ""
    context_tokens: int = Field(default=4096, ge=256)
    context_opening_turns: int = Field(default=2, ge=0)
    context_block_fraction: float = Field(default=1 / 3, gt=0, lt=1)

    # Risk: a RiskAlert goes to care.alerts when a conversation's running maximum level rises to
    # this level or above (none, low, moderate, high, imminent); at high or above one candidate
    # follows the line's safety protocol. An optional fine-tuned classifier (ONNX model directory
    # with tokenizer.json) is combined with the lexicons by maximum.
    risk_alert_threshold: Literal["low", "moderate", "high", "imminent"] = "moderate"
    risk_model_dir: str = ""

    # Safety gate: numbers and sites a candidate may name (comma-separated), the numbers the
    # protocol text gives, and a directory of "<route>.txt" protocol texts (packaged when empty).
    safety_allowed_numbers: str = "101,100,102,1201"
    safety_allowed_links: str = "eran.org.il,sahar.org.il"
    safety_emergency_number: str = "101"
    safety_hotline_number: str = "1201"
    safety_protocol_dir: str = ""

    # Model backends, per language: a base URL each, or one URL plus LoRA adapter ids.
    backend_url: str = ""
    backend_he_url: str = ""
    backend_ar_url: str = ""
    backend_multi_url: str = ""
    backend_he_adapter: str = ""
    backend_ar_adapter: str = ""
    backend_multi_adapter: str = ""
    backend_token: SecretStr = SecretStr("")
    # One attempt's wait for its first token (and the longest silence mid-stream): short enough that
    # a hung replica leaves time for the fallback well inside the suggestion deadline.
    backend_timeout_seconds: float = Field(default=4.0, gt=0)
    # "tgi" (text-generation-inference) or "openai" (vLLM, SGLang: any OpenAI-compatible server).
    backend_api: Literal["tgi", "openai"] = "tgi"
    # "chat": chat completions, the server applies the chat template; "text": raw text generation
    # with the template rendered here from the model directory's tokenizer_config.json.
    prompt_mode: Literal["chat", "text"] = "chat"
    # Mounted model directories (tokenizer.json, tokenizer_config.json) per route; empty = estimate.
    backend_model_dir: str = ""
    backend_he_model_dir: str = ""
    backend_ar_model_dir: str = ""
    backend_multi_model_dir: str = ""
    # Refuse to start when a configured LoRA adapter is not served (TGI would silently use the base model).
    backend_validate_adapters: bool = True
    # Resilience per backend: retries on 429/503 within the deadline, a circuit breaker, a bulkhead.
    backend_max_attempts: int = Field(default=3, ge=1)
    backend_retry_base_delay_seconds: float = Field(default=0.1, ge=0)
    backend_retry_max_delay_seconds: float = Field(default=1.0, ge=0)
    backend_min_attempt_seconds: float = Field(default=0.25, ge=0)
    backend_breaker_failures: int = Field(default=5, ge=1)
    backend_breaker_open_seconds: float = Field(default=10.0, gt=0)
    backend_max_in_flight: int = Field(default=32, ge=1)

    # TGI stand-in (development and tests only)
    standin_host: str = "127.0.0.1"
    standin_port: int = 8080
    standin_time_to_first_token_ms: float = Field(default=0.0, ge=0)
    standin_time_per_token_ms: float = Field(default=0.0, ge=0)
    # "tgi", or "openai" to act as a vLLM-like server; the LoRA adapters it serves (comma-separated).
    standin_flavour: Literal["tgi", "openai"] = "tgi"
    standin_adapters: str = ""

    # Observability: every `care worker` and `care inference` serves Prometheus /metrics on this
    # port (the chart's metrics.port); 0 turns it off. Each process needs its own port on one host
    # (the embedded stack gives each a free one); Kubernetes pods each have their own.
    metrics_port: int = Field(default=9464, ge=0, le=65535)
    # How often a worker samples its consumer group's lag (end offset - committed offset).
    consumer_lag_interval_seconds: float = Field(default=15.0, gt=0)
    # With OTEL_TRACES_EXPORTER=file, finished spans go to <dir>/<service>-<pid>.jsonl (tests, debugging).
    traces_dir: str = ""

    # Embedded broker
    broker_host: str = "127.0.0.1"
    broker_port: int = 9092

    def backend_url_for(self, route: str) -> str:
        specific = {"he": self.backend_he_url, "ar": self.backend_ar_url, "multi": self.backend_multi_url}
        return specific.get(route, "") or self.backend_url

    def backend_adapter_for(self, route: str) -> str:
        adapters = {
            "he": self.backend_he_adapter,
            "ar": self.backend_ar_adapter,
            "multi": self.backend_multi_adapter,
        }
        return adapters.get(route, "")

    def model_dir_for(self, route: str) -> str:
        specific = {
            "he": self.backend_he_model_dir,
            "ar": self.backend_ar_model_dir,
            "multi": self.backend_multi_model_dir,
        }
        return specific.get(route, "") or self.backend_model_dir

    @property
    def safety_allowed_number_list(self) -> tuple[str, ...]:
        return _split(self.safety_allowed_numbers)

    @property
    def safety_allowed_link_list(self) -> tuple[str, ...]:
        return _split(self.safety_allowed_links)

    @property
    def served_routes(self) -> tuple[str, ...]:
        return _split(self.routes_served)

    @property
    def model_routes(self) -> tuple[str, ...]:
        """Every route a model answers on this line: the served languages and the fallback model."""
        return (*self.served_routes, self.route_fallback) if self.route_fallback else self.served_routes

    @property
    def is_embedded(self) -> bool:
        return self.profile is Profile.EMBEDDED


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
