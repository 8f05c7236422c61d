"""Run a faust worker for a set of stages, with CARE's structured logging."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from faust.worker import Worker

from care import metrics
from care.config import Settings
from care.worker.app import create_app

LOGGING_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "care.logging.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stderr"]},
}


# The metric stage labels of each worker stage: deid also restores suggestions for display.
METRIC_STAGES = {"deid": ("deid", "restore"), "router": ("router",), "assembler": ("assembler",)}


def run_worker(settings: Settings, stages: Sequence[str], ready_file: Path | None) -> int:
    app = create_app(settings, stages, ready_file)
    metrics.serve_metrics(settings.metrics_port)
    metrics.init_series(
        stages=[label for stage in stages for label in METRIC_STAGES.get(stage, (stage,))],
        routes=settings.model_routes,
    )
    worker = Worker(
        app,
        loglevel=settings.log_level,
        quiet=True,
        logging_config=LOGGING_CONFIG,
        redirect_stdouts=False,
    )
    worker.execute_from_commandline()  # returns only by raising SystemExit
    return 0
