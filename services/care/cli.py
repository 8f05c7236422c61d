"""The `care` command: every process of CARE and its operator tools."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from care.config import get_settings
from care.jsonl import run_batch
from care.logging import configure_logging
from care.telemetry import init_tracing


def _broker(args: argparse.Namespace) -> int:
    from care.broker.embedded import run_broker

    settings = get_settings()
    return run_broker(args.host or settings.broker_host, args.port or settings.broker_port)


def _topics(args: argparse.Namespace) -> int:
    from care.topics import ALL_TOPICS

    if args.action == "list":
        for spec in ALL_TOPICS:
            sys.stdout.write(
                f"{spec.name}\t{spec.payload.DESCRIPTOR.full_name}\tkey={spec.key}\t"
                f"retention.ms={spec.retention_ms}\tcleanup={spec.cleanup.value}\n"
            )
        return 0
    from care.topic_admin import create_topics

    report = asyncio.run(create_topics(get_settings()))
    sys.stdout.write(f"created {len(report.created)} topics, {len(report.existing)} already existed\n")
    return 0


def _standin(args: argparse.Namespace) -> int:
    from care.standin.server import StandinConfig, parse_adapters, run_standin

    settings = get_settings()
    run_standin(
        StandinConfig(
            host=settings.standin_host,
            port=args.port if args.port is not None else settings.standin_port,
            time_to_first_token_ms=settings.standin_time_to_first_token_ms,
            time_per_token_ms=settings.standin_time_per_token_ms,
            fault_mode=args.fault_mode,
            fault_rate=args.fault_rate,
            record_requests=args.record_requests,
            flavour=args.flavour or settings.standin_flavour,
            adapters=parse_adapters(
                args.adapters if args.adapters is not None else settings.standin_adapters
            ),
        )
    )
    return 0


def _inference(_: argparse.Namespace) -> int:
    from care.inference.server import run_server

    run_server(get_settings())
    return 0


def _worker(args: argparse.Namespace) -> int:
    from care.worker.run import run_worker

    stages = [s for s in args.stages.split(",") if s]
    return run_worker(get_settings(), stages, Path(args.ready_file) if args.ready_file else None)


def _deid(_: argparse.Namespace) -> int:
    from care.deid.batch import BatchDeidentifier
    from care.deid.detectors import configured_detectors

    batch = BatchDeidentifier(configured_detectors(get_settings()))
    return run_batch(batch)


def _route(_: argparse.Namespace) -> int:
    from care.router.batch import BatchRouter
    from care.router.setup import detector_from_settings, policy_from_settings

    settings = get_settings()
    batch = BatchRouter(detector_from_settings(settings), policy_from_settings(settings))
    return run_batch(batch)


def _risk(args: argparse.Namespace) -> int:
    from care.risk.batch import BatchRisk
    from care.risk.detect import RiskDetector, default_detector

    detector = default_detector()
    if args.model_dir:
        from care.risk.classifier import OnnxRiskClassifier

        detector = RiskDetector(classifier=OnnxRiskClassifier.from_directory(args.model_dir))
    batch = BatchRisk(detector)
    return run_batch(batch)


def _demo(args: argparse.Namespace) -> int:
    from care.demo.run import DemoOptions, run_demo

    options = DemoOptions(
        output=Path(args.output) if args.output else None,
        time_to_first_token_ms=args.ttft_ms,
        time_per_token_ms=args.tpot_ms,
    )
    return asyncio.run(run_demo(options, sys.stdout))


def _replay(args: argparse.Namespace) -> int:
    from care.replay.run import ReplayOptions, run_replay

    options = ReplayOptions(
        path=Path(args.file),
        embedded=args.embedded,
        output=Path(args.output) if args.output else None,
        concurrency=args.concurrency,
        timeout_seconds=args.timeout,
        fault_mode=args.fault_mode,
        fault_rate=args.fault_rate,
        time_to_first_token_ms=args.ttft_ms,
        time_per_token_ms=args.tpot_ms,
    )
    return asyncio.run(run_replay(options, get_settings(), sys.stdout, sys.stderr))


def _operator_errors() -> tuple[type[Exception], ...]:
    from aiokafka.errors import KafkaError

    from care.broker.embedded import BrokerStartError
    from care.deid.vault import VaultError
    from care.embedded.stack import StackStartError
    from care.router.core import RouteConfigError
    from care.router.detect import UnknownLanguageError
    from care.topic_admin import TopicAdminError

    return (
        TopicAdminError,
        BrokerStartError,
        StackStartError,
        VaultError,
        KafkaError,
        RouteConfigError,
        UnknownLanguageError,
    )


OPERATOR_ERRORS = _operator_errors()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="care", description="CARE: Counselor-Aligned Response Engine")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("broker", help="run the embedded Kafka-protocol broker (Tansu, memory only)")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.set_defaults(func=_broker)

    p = sub.add_parser("topics", help="CARE's topics, declared in care.topics")
    p.add_argument("action", choices=["create", "list"])
    p.set_defaults(func=_topics)

    p = sub.add_parser("standin", help="run the local TGI stand-in model server")
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--fault-mode", default="none", choices=["none", "429", "503", "424", "500", "timeout"])
    p.add_argument("--fault-rate", type=float, default=0.0)
    p.add_argument("--record-requests", action="store_true", help="keep request bodies for privacy tests")
    p.add_argument("--flavour", choices=["tgi", "openai"], default=None, help="TGI, or a vLLM-like server")
    p.add_argument("--adapters", default=None, help="comma-separated LoRA adapter ids to serve")
    p.set_defaults(func=_standin)

    p = sub.add_parser("inference", help="run the inference gRPC service")
    p.set_defaults(func=_inference)

    p = sub.add_parser("worker", help="run pipeline stages as a faust worker")
    p.add_argument("--stages", default="deid,router,assembler", help="comma-separated: deid,router,assembler")
    p.add_argument(
        "--ready-file", default=None, help="written once partitions are assigned and tables recovered"
    )
    p.set_defaults(func=_worker)

    p = sub.add_parser("deid", help="de-identify JSON lines from stdin (exports, evaluation)")
    p.set_defaults(func=_deid)

    p = sub.add_parser("route", help="route JSON lines of conversations from stdin (evaluation, audits)")
    p.set_defaults(func=_route)

    p = sub.add_parser("risk", help="suicide-risk levels of JSON lines of conversations (evaluation)")
    p.add_argument(
        "--model-dir", default=None, help="an ONNX risk classifier directory, combined with the lexicons"
    )
    p.set_defaults(func=_risk)

    p = sub.add_parser("demo", help="run the whole pipeline on an embedded broker with the TGI stand-in")
    p.add_argument("--output", default=None, help="also write every published suggestion as JSON lines")
    p.add_argument("--ttft-ms", type=float, default=0.0, help="the stand-in's time to first token")
    p.add_argument("--tpot-ms", type=float, default=0.0, help="the stand-in's time per output token")
    p.set_defaults(func=_demo)

    p = sub.add_parser(
        "replay",
        help="replay conversations (JSONL) through the pipeline; one JSON line per help-seeker turn",
    )
    p.add_argument("file", help="conversations, one JSON object per line (the evaluation sets' format)")
    p.add_argument("--embedded", action="store_true", help="start an embedded pipeline with the stand-in")
    p.add_argument("--output", default=None, help="write the JSON lines here instead of stdout")
    p.add_argument("--concurrency", type=int, default=8, help="conversations replayed at once")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each suggestion")
    p.add_argument("--fault-mode", default="none", choices=["none", "429", "503", "424", "500", "timeout"])
    p.add_argument("--fault-rate", type=float, default=0.0, help="embedded: share of model calls that fail")
    p.add_argument("--ttft-ms", type=float, default=0.0, help="embedded: the stand-in's time to first token")
    p.add_argument("--tpot-ms", type=float, default=0.0, help="embedded: the stand-in's time per token")
    p.set_defaults(func=_replay)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    init_tracing(f"care-{args.command}", settings.traces_dir)
    try:
        result: int = args.func(args)
    except OPERATOR_ERRORS as error:
        # What an operator can act on, in one line; no traceback.
        sys.stderr.write(f"care {args.command}: {error}\n")
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
