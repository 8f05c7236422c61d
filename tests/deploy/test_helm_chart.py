"""charts/care: lint, render over several value combinations, validate strictly against the
Kubernetes schemas, and check what the schemas cannot (security, wiring, network, CRDs)."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from care.config import Settings
from care.safety.protocol import protocol_template
from care.topics import ALL_TOPICS

from .conftest import CHART, RULES_PATH, VALUES, Validate, check, helm_template_argv, run

# name -> values file (None: the chart's defaults)
COMBOS: dict[str, Path | None] = {
    "defaults": None,
    "tgi-lora": VALUES / "tgi-lora.yaml",
    "tgi-separate": VALUES / "tgi-separate.yaml",
    "operators": VALUES / "operators.yaml",
    "secure-kafka": VALUES / "secure-kafka.yaml",
    "tracing-safety": VALUES / "tracing-safety.yaml",
}
STAGES = ("deid", "router", "assembler")
Doc = dict[str, Any]


@functools.cache
def _render(helm: str, combo: str) -> str:
    values = [p for p in (COMBOS[combo],) if p is not None]
    return check(helm_template_argv(helm, values))


def render(helm: str, combo: str) -> list[Doc]:
    return [d for d in yaml.safe_load_all(_render(helm, combo)) if d]


def by_kind(docs: list[Doc], kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def pod_specs(docs: list[Doc]) -> Iterator[tuple[str, Doc]]:
    for d in docs:
        if d["kind"] in ("Deployment", "Job"):
            yield d["metadata"]["name"], d["spec"]["template"]["spec"]


def container(docs: list[Doc], deployment: str) -> Doc:
    spec = by_kind(docs, "Deployment")[deployment]["spec"]["template"]["spec"]
    only: Doc = spec["containers"][0]
    return only


def env(c: Doc) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in c.get("env", [])}


# --- lint and schema validation ---------------------------------------------------------------------
@pytest.mark.parametrize("combo", sorted(COMBOS))
def test_helm_lint_strict(helm: str, combo: str) -> None:
    argv = [helm, "lint", "--strict", str(CHART), "--set", "crdCheck=false"]
    if COMBOS[combo] is not None:
        argv += ["--values", str(COMBOS[combo])]
    out = check(argv)
    assert "0 chart(s) failed" in out


@pytest.mark.parametrize("combo", sorted(COMBOS))
def test_rendering_validates_strictly(helm: str, validate: Validate, combo: str) -> None:
    unknown = validate(_render(helm, combo))
    crds = {d["kind"] for d in render(helm, combo) if d["kind"] in {"ServiceMonitor", "PrometheusRule"}}
    crds |= {d["kind"] for d in render(helm, combo) if d["kind"] in {"ScaledObject", "KafkaTopic"}}
    assert set(unknown) == crds  # the validator skipped exactly the operator CRDs (checked below)


def test_defaults_render_no_operator_crds(helm: str) -> None:
    kinds = {d["kind"] for d in render(helm, "defaults")}
    assert not kinds & {"ServiceMonitor", "PrometheusRule", "ScaledObject", "KafkaTopic"}
    assert {
        "Deployment",
        "Service",
        "ConfigMap",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "ServiceAccount",
        "Job",
    } <= kinds


def test_crd_resources_fail_early_without_their_api(helm: str) -> None:
    argv = [helm, "template", "care", str(CHART), "--values", str(COMBOS["operators"])]
    result = run(argv)
    assert result.returncode != 0
    assert "--api-versions" in result.stderr
    assert "crdCheck=false" in result.stderr


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["tgi.enabled=true", "tgi.mode=both"], "tgi.mode must be lora or separate"),
        (["tgi.enabled=true", "tgi.modelVolume.type=nfs"], "tgi.modelVolume.type must be pvc or hostPath"),
        (["secrets.create=true"], "secrets.deidMapKeys is required"),
        (["tracing.enabled=true"], "tracing.otlpEndpoint must be the collector's http:// or https:// URL"),
        (
            [
                "tracing.enabled=true",
                "tracing.otlpEndpoint=http://otel:4317",
                "tracing.protocol=http/protobuf",
            ],
            "tracing.protocol must be grpc",
        ),
        (
            ["tracing.enabled=true", "tracing.otlpEndpoint=http://otel:4318"],
            "networkPolicy.tracing.ports [4317] lacks 4318",
        ),
    ],
)
def test_bad_values_fail_with_a_reason(helm: str, values: list[str], message: str) -> None:
    argv = [helm, "template", "care", str(CHART)]
    for value in values:
        argv += ["--set", value]
    result = run(argv)
    assert result.returncode != 0
    assert message in result.stderr


# --- what every pod must be -------------------------------------------------------------------------
@pytest.mark.parametrize("combo", sorted(COMBOS))
def test_pods_are_locked_down(helm: str, combo: str) -> None:
    for name, spec in pod_specs(render(helm, combo)):
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True, name
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        mounts = set()
        for c in spec["containers"]:
            sc = c["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False, name
            assert sc["readOnlyRootFilesystem"] is True, name
            assert sc["capabilities"] == {"drop": ["ALL"]}, name
            assert c["resources"].get("limits", {}).get("memory"), f"{name}: no memory limit"
            mounts |= {m["mountPath"] for m in c.get("volumeMounts", [])}
        assert "/tmp" in mounts, f"{name}: a read-only root needs a writable /tmp"  # noqa: S108


@pytest.mark.parametrize("combo", sorted(COMBOS))
def test_every_resource_carries_the_recommended_labels(helm: str, combo: str) -> None:
    for doc in render(helm, combo):
        labels = doc["metadata"]["labels"]
        for label in (
            "app.kubernetes.io/name",
            "app.kubernetes.io/instance",
            "app.kubernetes.io/version",
            "app.kubernetes.io/managed-by",
            "app.kubernetes.io/part-of",
            "helm.sh/chart",
        ):
            assert label in labels, f"{doc['kind']}/{doc['metadata']['name']} lacks {label}"


# --- components and their wiring --------------------------------------------------------------------
def test_one_deployment_per_stage_and_the_inference_service(helm: str) -> None:
    docs = render(helm, "defaults")
    deployments = by_kind(docs, "Deployment")
    assert set(deployments) == {"care-deid", "care-router", "care-assembler", "care-inference"}
    for stage in STAGES:
        c = container(docs, f"care-{stage}")
        assert c["args"][:3] == ["worker", "--stages", stage]
        assert c["readinessProbe"]["exec"]["command"][-1] == c["args"][-1]  # the --ready-file
        assert c["envFrom"] == [{"configMapRef": {"name": "care-settings"}}]
        assert env(c)["CARE_METRICS_PORT"] == "9464"
    assert container(docs, "care-inference")["args"] == ["inference"]
    # only deid holds the placeholder-map keys
    assert "CARE_DEID_MAP_KEYS" in env(container(docs, "care-deid"))
    for other in ("care-router", "care-assembler", "care-inference"):
        assert "CARE_DEID_MAP_KEYS" not in env(container(docs, other))
    for name in ("care-deid", "care-router", "care-assembler", "care-inference"):
        ports = {p["name"] for p in by_kind(docs, "Service")[name]["spec"]["ports"]}
        assert "metrics" in ports
    hpas = by_kind(docs, "HorizontalPodAutoscaler")
    assert set(hpas) == set(deployments)
    for hpa in hpas.values():
        assert hpa["spec"]["maxReplicas"] <= 10
    assert set(by_kind(docs, "PodDisruptionBudget")) == set(deployments)


def settings_of(docs: list[Doc]) -> dict[str, str]:
    data: dict[str, str] = by_kind(docs, "ConfigMap")["care-settings"]["data"]
    return data


def test_settings_use_the_config_objects_names(helm: str) -> None:
    fields = {f"CARE_{name.upper()}" for name in Settings.model_fields}
    for combo in COMBOS:
        docs = render(helm, combo)
        unknown = set(settings_of(docs)) - fields
        assert not unknown, f"{combo}: {unknown} are not fields of care.config.Settings"
        for _, spec in pod_specs(docs):
            for c in spec["containers"]:
                for name in env(c):
                    if name.startswith("CARE_") and name != "CARE_METRICS_PORT":
                        assert name in fields, f"{combo}: {name}"
    values = yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))
    assert {f"CARE_{k.upper()}" for k in values["config"]} <= fields


def test_settings_parse_with_the_config_object(helm: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for combo in COMBOS:
        for key, value in settings_of(render(helm, combo)).items():
            monkeypatch.setenv(key, value)
        settings = Settings()
        assert settings.inference_target == "care-inference:50051"
        for key in settings_of(render(helm, combo)):
            monkeypatch.delenv(key)


def test_the_assembler_finds_the_inference_service(helm: str) -> None:
    docs = render(helm, "defaults")
    target = settings_of(docs)["CARE_INFERENCE_TARGET"]
    host, port = target.split(":")
    service = by_kind(docs, "Service")[host]
    assert int(port) in {p["port"] for p in service["spec"]["ports"]}


def test_tgi_with_lora_adapters(helm: str) -> None:
    docs = render(helm, "tgi-lora")
    settings = settings_of(docs)
    assert settings["CARE_BACKEND_URL"] == "http://care-tgi:8080"
    assert settings["CARE_BACKEND_HE_ADAPTER"] == "care-he"
    assert settings["CARE_BACKEND_AR_ADAPTER"] == "care-ar"
    spec = by_kind(docs, "Deployment")["care-tgi"]["spec"]["template"]["spec"]
    c = spec["containers"][0]
    assert c["image"].startswith("ghcr.io/huggingface/text-generation-inference:")
    assert c["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert env(c)["LORA_ADAPTERS"] == "care-ar=/models/adapters/ar,care-he=/models/adapters/he"
    assert env(c)["MAX_BATCH_PREFILL_TOKENS"] == "8192"
    assert c["readinessProbe"]["httpGet"]["path"] == "/health"
    startup = c["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 20 * 60
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes["shm"]["emptyDir"]["medium"] == "Memory"
    assert volumes["models"]["persistentVolumeClaim"]["claimName"] == "care-models"
    assert {"mountPath": "/dev/shm", "name": "shm"} in c["volumeMounts"]  # noqa: S108
    assert "http" in {p["name"] for p in by_kind(docs, "Service")["care-tgi"]["spec"]["ports"]}


def test_tgi_with_separate_endpoints(helm: str) -> None:
    docs = render(helm, "tgi-separate")
    settings = settings_of(docs)
    for route in ("he", "ar", "multi"):
        assert settings[f"CARE_BACKEND_{route.upper()}_URL"] == f"http://care-tgi-{route}:8080"
        c = container(docs, f"care-tgi-{route}")
        assert "LORA_ADAPTERS" not in env(c)
        assert c["args"][:2] == ["--model-id", f"/models/{route}"]
        assert "HF_HUB_OFFLINE" not in env(c)  # allowInternetEgress
    assert "CARE_BACKEND_URL" not in settings
    spec = by_kind(docs, "Deployment")["care-tgi-he"]["spec"]["template"]["spec"]
    models = {v["name"]: v for v in spec["volumes"]}["models"]
    assert models["hostPath"] == {"path": "/mnt/models", "type": "Directory"}


# --- network policies -------------------------------------------------------------------------------
def policies(docs: list[Doc]) -> dict[str, Doc]:
    return by_kind(docs, "NetworkPolicy")


def selects(selector: Doc, labels: dict[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expr in selector.get("matchExpressions", []):
        assert expr["operator"] == "In"
        if labels.get(expr["key"]) not in expr["values"]:
            return False
    return True


def pod_labels(docs: list[Doc]) -> dict[str, dict[str, str]]:
    out = {}
    for d in docs:
        if d["kind"] in ("Deployment", "Job"):
            out[d["metadata"]["name"]] = d["spec"]["template"]["metadata"]["labels"]
    return out


def egress_ports(docs: list[Doc], pod: str) -> set[int]:
    labels = pod_labels(docs)[pod]
    ports = set()
    for policy in policies(docs).values():
        if selects(policy["spec"]["podSelector"], labels):
            for rule in policy["spec"].get("egress", []):
                ports |= {p["port"] for p in rule.get("ports", [])}
    return ports


def ingress_peers(docs: list[Doc], pod: str, port: int) -> list[Doc]:
    labels = pod_labels(docs)[pod]
    peers = []
    for policy in policies(docs).values():
        if selects(policy["spec"]["podSelector"], labels):
            for rule in policy["spec"].get("ingress", []):
                if port in {p["port"] for p in rule.get("ports", [])}:
                    peers += rule["from"]
    return peers


@pytest.mark.parametrize("combo", ["defaults", "tgi-lora"])
def test_network_policies_allow_only_what_each_component_needs(helm: str, combo: str) -> None:
    docs = render(helm, combo)
    deny = policies(docs)["care-default-deny"]["spec"]
    assert deny["policyTypes"] == ["Ingress", "Egress"]
    for pod, labels in pod_labels(docs).items():
        assert selects(deny["podSelector"], labels), f"{pod} escapes the default deny"
        assert 53 in egress_ports(docs, pod), f"{pod} cannot resolve names"
    kafka = {9092, 9093, 9094}
    for pod in ("care-deid", "care-router", "care-assembler", "care-topics"):
        assert kafka <= egress_ports(docs, pod), pod
    assert not kafka & egress_ports(docs, "care-inference")
    assert 50051 in egress_ports(docs, "care-assembler")
    for pod in ("care-deid", "care-router"):
        assert 50051 not in egress_ports(docs, pod)
    # only the assembler reaches the inference service
    peers = ingress_peers(docs, "care-inference", 50051)
    assert peers == [{"podSelector": {"matchLabels": {**pod_labels(docs)["care-assembler"]}}}]
    # Prometheus scrapes every CARE process
    for pod in ("care-deid", "care-router", "care-assembler", "care-inference"):
        assert ingress_peers(docs, pod, 9464), pod
    if combo == "tgi-lora":
        assert 8080 in egress_ports(docs, "care-inference")
        assert (
            ingress_peers(docs, "care-tgi", 8080)[0]["podSelector"]["matchLabels"]
            == (pod_labels(docs)["care-inference"])
        )
        assert egress_ports(docs, "care-tgi") == {53}  # offline: models come from the volume


# --- secrets, prompts, TLS --------------------------------------------------------------------------
def test_secrets_tls_and_prompts(helm: str) -> None:
    docs = render(helm, "secure-kafka")
    secret = by_kind(docs, "Secret")["care-secrets"]
    assert set(secret["stringData"]) == {"CARE_DEID_MAP_KEYS", "CARE_BACKEND_TOKEN"}
    settings = settings_of(docs)
    assert settings["CARE_KAFKA_SSL_CAFILE"] == "/etc/care/kafka/ca/ca.crt"
    assert settings["CARE_SYSTEM_PROMPT_DIR"] == "/etc/care/prompts"
    assert settings["CARE_DEID_MAP_TTL_SECONDS"] == "1000000"  # never 1e+06
    deid = container(docs, "care-deid")
    assert env(deid)["CARE_KAFKA_SASL_PASSWORD"] == {
        "secretKeyRef": {"name": "care-kafka-user", "key": "password"}
    }
    assert env(deid)["CARE_DEID_TIMEOUT_SECONDS"] == "1.5"
    assert "@sha256:" in deid["image"]
    assert {m["mountPath"] for m in deid["volumeMounts"]} >= {"/etc/care/kafka/ca", "/etc/care/kafka/client"}
    assembler = container(docs, "care-assembler")
    assert {"name": "prompts", "mountPath": "/etc/care/prompts", "readOnly": True} in assembler[
        "volumeMounts"
    ]
    prompts = by_kind(docs, "ConfigMap")["care-prompts"]["data"]
    assert set(prompts) == {"he.txt", "ar.txt"}
    assert "care-router" not in by_kind(docs, "Deployment")
    assert "care-deid" not in by_kind(docs, "HorizontalPodAutoscaler")
    assert by_kind(docs, "Deployment")["care-deid"]["spec"]["replicas"] == 2


# --- risk, safety protocols, tracing ----------------------------------------------------------------
CARE_PODS = ("care-deid", "care-router", "care-assembler", "care-inference")


def test_risk_and_safety_settings_default_to_the_config_object(helm: str) -> None:
    settings = settings_of(render(helm, "defaults"))
    defaults = Settings.model_fields
    for name in (
        "risk_alert_threshold",
        "safety_allowed_numbers",
        "safety_allowed_links",
        "safety_emergency_number",
        "safety_hotline_number",
    ):
        assert settings[f"CARE_{name.upper()}"] == defaults[name].default, name
    assert "CARE_SAFETY_PROTOCOL_DIR" not in settings  # the packaged texts
    docs = render(helm, "tracing-safety")
    assert settings_of(docs)["CARE_RISK_ALERT_THRESHOLD"] == "high"
    assert settings_of(docs)["CARE_SAFETY_ALLOWED_NUMBERS"] == "101,100,102,1201,105"


def test_safety_protocols_are_mounted_for_the_assembler_only(helm: str, tmp_path: Path) -> None:
    docs = render(helm, "tracing-safety")
    assert settings_of(docs)["CARE_SAFETY_PROTOCOL_DIR"] == "/etc/care/safety-protocols"
    texts = by_kind(docs, "ConfigMap")["care-safety-protocols"]["data"]
    assert set(texts) == {"he.txt", "ar.txt"}
    # the texts as the assembler reads them: every served route, only the fields the policy fills
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    for route in ("he", "ar"):
        assert "{emergency_number}" in protocol_template(route, str(tmp_path))
    for name in CARE_PODS:
        spec = by_kind(docs, "Deployment")[name]["spec"]["template"]["spec"]
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        mounts = spec["containers"][0].get("volumeMounts", [])
        if name == "care-assembler":
            assert volumes["safety-protocols"] == {
                "name": "safety-protocols",
                "configMap": {"name": "care-safety-protocols"},
            }
            assert {
                "name": "safety-protocols",
                "mountPath": "/etc/care/safety-protocols",
                "readOnly": True,
            } in mounts
        else:
            assert "safety-protocols" not in volumes, name
            assert "safety-protocols" not in {m["name"] for m in mounts}, name
    # an existing ConfigMap instead: mounted by name, none rendered
    existing = [
        d
        for d in yaml.safe_load_all(
            check(
                helm_template_argv(
                    helm,
                    [VALUES / "tracing-safety.yaml"],
                    ["--set", "safetyProtocols.existingConfigMap=line-protocols"],
                )
            )
        )
        if d
    ]
    assert "care-safety-protocols" not in by_kind(existing, "ConfigMap")
    assembler = by_kind(existing, "Deployment")["care-assembler"]["spec"]["template"]["spec"]
    assert {"name": "safety-protocols", "configMap": {"name": "line-protocols"}} in assembler["volumes"]


def test_tracing_env_on_every_care_pod(helm: str) -> None:
    docs = render(helm, "tracing-safety")
    for name in CARE_PODS:
        e = env(container(docs, name))
        assert e["OTEL_TRACES_EXPORTER"] == "otlp", name
        assert e["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector.observability.svc:4317", name
        assert e["OTEL_EXPORTER_OTLP_PROTOCOL"] == "grpc", name
        assert e["OTEL_SERVICE_NAME"] == name, name  # care-deid, care-router, care-assembler, care-inference
        assert e["OTEL_TRACES_SAMPLER"] == "parentbased_traceidratio", name
        assert e["OTEL_TRACES_SAMPLER_ARG"] == "0.25", name
        assert e["OTEL_K8S_POD_NAME"] == {"fieldRef": {"fieldPath": "metadata.name"}}, name
        attributes = dict(a.split("=", 1) for a in e["OTEL_RESOURCE_ATTRIBUTES"].split(","))
        assert attributes["k8s.pod.name"] == "$(OTEL_K8S_POD_NAME)", name
        assert attributes["k8s.namespace.name"] == "$(OTEL_K8S_NAMESPACE)", name
        assert attributes["deployment.environment"] == "staging", name
        assert attributes["service.namespace"] == "care", name
        # $(VAR) expands only from variables defined earlier in the list
        names = [v["name"] for v in container(docs, name)["env"]]
        assert names.index("OTEL_K8S_POD_NAME") < names.index("OTEL_RESOURCE_ATTRIBUTES"), name
    topics = env(by_kind(docs, "Job")["care-topics"]["spec"]["template"]["spec"]["containers"][0])
    assert not [n for n in topics if n.startswith("OTEL_")]
    tgi = env(container(docs, "care-tgi"))
    assert tgi["OTLP_ENDPOINT"] == "http://otel-collector.observability.svc:4317"
    assert tgi["OTLP_SERVICE_NAME"] == "care-tgi"
    # off by default: no OTEL_*/OTLP_* anywhere, no collector egress
    for combo in ("defaults", "tgi-lora"):
        off = render(helm, combo)
        for name, spec in pod_specs(off):
            for c in spec["containers"]:
                assert not [n for n in env(c) if n.startswith(("OTEL_", "OTLP_"))], f"{combo}: {name}"
        assert "care-tracing" not in policies(off)


def test_tracing_network_policy_opens_the_collector_only(helm: str) -> None:
    docs = render(helm, "tracing-safety")
    policy = policies(docs)["care-tracing"]["spec"]
    assert policy["policyTypes"] == ["Egress"]
    assert policy["egress"] == [
        {
            "to": [
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "observability"}},
                    "podSelector": {"matchLabels": {"app.kubernetes.io/name": "opentelemetry-collector"}},
                }
            ],
            "ports": [{"protocol": "TCP", "port": 4317}],
        }
    ]
    for pod in (*CARE_PODS, "care-tgi"):
        assert 4317 in egress_ports(docs, pod), pod
    assert 4317 not in egress_ports(docs, "care-topics")
    assert 4317 not in egress_ports(render(helm, "tgi-lora"), "care-tgi")
    # separate TGI servers are each selected
    separate = [
        d
        for d in yaml.safe_load_all(
            check(
                helm_template_argv(
                    helm,
                    [VALUES / "tgi-separate.yaml", VALUES / "tracing-safety.yaml"],
                    ["--set", "tgi.mode=separate"],
                )
            )
        )
        if d
    ]
    for route in ("he", "ar", "multi"):
        assert 4317 in egress_ports(separate, f"care-tgi-{route}"), route
        assert env(container(separate, f"care-tgi-{route}"))["OTLP_SERVICE_NAME"] == f"care-tgi-{route}"


# --- topics -----------------------------------------------------------------------------------------
def test_topics_job_is_a_hook_with_inline_settings(helm: str) -> None:
    docs = render(helm, "defaults")
    job = by_kind(docs, "Job")["care-topics"]
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    spec = job["spec"]["template"]["spec"]
    c = spec["containers"][0]
    assert c["args"] == ["topics", "create"]
    assert "envFrom" not in c  # the ConfigMap does not exist yet when a pre-install hook runs
    assert env(c)["CARE_TOPIC_PARTITIONS"] == "6"
    assert spec["serviceAccountName"] == "default"


def test_strimzi_topics_mirror_care_topics(helm: str) -> None:
    docs = render(helm, "operators")
    assert "care-topics" not in by_kind(docs, "Job")
    topics = {d["spec"]["topicName"]: d for d in docs if d["kind"] == "KafkaTopic"}
    assert set(topics) == {t.name for t in ALL_TOPICS}
    for spec in ALL_TOPICS:
        topic = topics[spec.name]
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == "kafka"
        assert topic["spec"]["partitions"] == 6
        assert topic["spec"]["replicas"] == 3
        assert topic["spec"]["config"] == spec.config()


# --- operator CRDs (no schema in the validator: checked here) ---------------------------------------
def test_keda_scaled_objects(helm: str) -> None:
    docs = render(helm, "operators")
    deployments = by_kind(docs, "Deployment")
    scaled = by_kind(docs, "ScaledObject")
    assert set(scaled) == {f"care-{s}" for s in STAGES}
    assert not set(scaled) & set(by_kind(docs, "HorizontalPodAutoscaler"))  # KEDA owns their HPA
    inputs = {
        "deid": {"care.chat.inbound", "care.suggestions.internal"},
        "router": {"care.chat.deidentified"},
        "assembler": {"care.chat.routed"},
    }
    names = {t.name for t in ALL_TOPICS}
    for stage in STAGES:
        spec = scaled[f"care-{stage}"]["spec"]
        assert spec["scaleTargetRef"]["name"] in deployments
        assert spec["maxReplicaCount"] <= 6
        topics = set()
        for trigger in spec["triggers"]:
            assert trigger["type"] == "kafka"
            assert all(isinstance(v, str) for v in trigger["metadata"].values()), "KEDA wants strings"
            assert trigger["metadata"]["consumerGroup"] == f"care-{stage}"
            assert trigger["authenticationRef"] == {"name": "care-kafka"}
            topics.add(trigger["metadata"]["topic"])
        assert topics == inputs[stage]
        assert topics <= names


def test_service_monitors_select_the_metrics_ports(helm: str) -> None:
    docs = render(helm, "operators")
    monitors = by_kind(docs, "ServiceMonitor")
    services = by_kind(docs, "Service")
    care = monitors["care"]["spec"]
    assert care["jobLabel"] == "app.kubernetes.io/part-of"
    assert monitors["care"]["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    selected = {n for n, s in services.items() if selects(care["selector"], s["metadata"]["labels"])}
    assert selected == {"care-deid", "care-router", "care-assembler", "care-inference"}
    for name in selected:
        assert care["endpoints"][0]["port"] in {p["name"] for p in services[name]["spec"]["ports"]}
    tgi = monitors["care-tgi"]["spec"]
    assert {n for n, s in services.items() if selects(tgi["selector"], s["metadata"]["labels"])} == {
        "care-tgi"
    }


def test_prometheus_rule_is_the_rules_file(helm: str, promtool: str, tmp_path: Path) -> None:
    rule = by_kind(render(helm, "operators"), "PrometheusRule")["care"]
    assert rule["spec"] == yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(rule["spec"]), encoding="utf-8")
    check([promtool, "check", "rules", str(path)])


def test_grafana_dashboard_config_map(helm: str) -> None:
    cm = by_kind(render(helm, "defaults"), "ConfigMap")["care-dashboard"]
    assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"
    dashboard = json.loads(cm["data"]["care-overview.json"])
    assert dashboard["uid"] == "care-overview"
