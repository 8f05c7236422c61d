"""Start and stop the whole pipeline as separate processes, as Kubernetes would run them.

Used by `care demo` and the integration tests. Every process gets its settings through CARE_*
environment variables, exactly as a Deployment does; their logs go to files under the work dir.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import aiohttp
import grpc

from care.broker.embedded import EmbeddedBroker, free_port
from care.config import Settings
from care.deid.vault import new_key
from care.logging import get_logger
from care.topic_admin import create_topics

log = get_logger(__name__)


class StackStartError(RuntimeError):
    pass


@dataclass
class StackOptions:
    workdir: Path
    partitions: int = 4
    num_candidates: int = 3
    standin_time_to_first_token_ms: float = 0.0
    standin_time_per_token_ms: float = 0.0
    inference_timeout_seconds: float = 20.0
    backend_timeout_seconds: float = 4.0
    ready_timeout_seconds: float = 90.0
    record_model_requests: bool = False  # the stand-in keeps request bodies (privacy tests)
    # Every process writes its finished spans to <traces_dir>/<service>-<pid>.jsonl (tracing tests).
    traces_dir: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    # Empty: one worker process ("worker") runs every stage. Otherwise one worker process per entry,
    # each a comma-separated set of stages, named "worker-<stages>" (e.g. "worker-deid"), as the
    # Kubernetes Deployments run them.
    worker_stages: tuple[str, ...] = ()

    def worker_names(self) -> dict[str, str]:
        """Worker process name -> the stages it runs."""
        if not self.worker_stages:
            return {"worker": "deid,router,assembler"}
        return {f"worker-{stages.replace(',', '-')}": stages for stages in self.worker_stages}


@dataclass
class _Process:
    name: str
    popen: subprocess.Popen[bytes]
    log_file: IO[bytes]


class EmbeddedStack:
    def __init__(self, options: StackOptions) -> None:
        self.options = options
        self.broker = EmbeddedBroker(port=free_port())
        self.standin_port = free_port()
        self.inference_port = free_port()
        # /metrics of each process that serves it (workers, inference), by process name: a port of
        # its own on this one host, kept when the process is restarted.
        self.metrics_ports: dict[str, int] = {"inference": free_port()}
        self.ready_file = options.workdir / "worker.ready"  # the single worker's (worker_stages empty)
        self._processes: list[_Process] = []
        self.env = self._environment()
        # The same values the processes read from their environment, for this process's own clients.
        self.settings = Settings.model_validate(
            {k.removeprefix("CARE_").lower(): v for k, v in self.env.items() if k.startswith("CARE_")}
        )

    @property
    def standin_url(self) -> str:
        return f"http://127.0.0.1:{self.standin_port}"

    def _environment(self) -> dict[str, str]:
        o = self.options
        env = {
            "CARE_PROFILE": "embedded",
            "CARE_KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap_servers,
            "CARE_TOPIC_PARTITIONS": str(o.partitions),
            "CARE_TOPIC_REPLICATION_FACTOR": "1",
            "CARE_INFERENCE_LISTEN": f"127.0.0.1:{self.inference_port}",
            "CARE_INFERENCE_TARGET": f"127.0.0.1:{self.inference_port}",
            "CARE_INFERENCE_TIMEOUT_SECONDS": str(o.inference_timeout_seconds),
            "CARE_NUM_CANDIDATES": str(o.num_candidates),
            "CARE_BACKEND_URL": f"http://127.0.0.1:{self.standin_port}",
            "CARE_BACKEND_TIMEOUT_SECONDS": str(o.backend_timeout_seconds),
            "CARE_STANDIN_HOST": "127.0.0.1",
            "CARE_STANDIN_PORT": str(self.standin_port),
            "CARE_STANDIN_TIME_TO_FIRST_TOKEN_MS": str(o.standin_time_to_first_token_ms),
            "CARE_STANDIN_TIME_PER_TOKEN_MS": str(o.standin_time_per_token_ms),
            "CARE_DATA_DIR": str(o.workdir / "data"),
            # One key for every process of the stack, so that a restarted worker opens its maps.
            "CARE_DEID_MAP_KEYS": new_key(),
            # Off unless a process gets its own port (see metrics_ports).
            "CARE_METRICS_PORT": "0",
        }
        if o.traces_dir is not None:
            env["OTEL_TRACES_EXPORTER"] = "file"
            env["CARE_TRACES_DIR"] = str(o.traces_dir)
        env.update(o.extra_env)
        return env

    async def start(self) -> None:
        self.options.workdir.mkdir(parents=True, exist_ok=True)
        self.ready_file.unlink(missing_ok=True)
        started = time.perf_counter()
        try:
            self.broker.start()
            # Every topic exists before any producer or consumer starts (Tansu stalls otherwise).
            await create_topics(self.settings)
            self._spawn(
                "standin", "standin", *(["--record-requests"] if self.options.record_model_requests else [])
            )
            self._spawn("inference", "inference")
            await self._wait_http(f"{self.standin_url}/health", "standin")
            await self._wait_grpc()
            for name in self.options.worker_names():
                self._spawn_worker(name)
            for name in self.options.worker_names():
                await self._wait_file(self._ready_file(name), name)
        except BaseException:
            await self.stop()
            raise
        log.info(
            "embedded stack ready", extra={"fields": {"seconds": round(time.perf_counter() - started, 2)}}
        )

    def metrics_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.metrics_ports[name]}/metrics"

    def _spawn(self, name: str, *args: str) -> None:
        log_file = (self.options.workdir / f"{name}.log").open("ab")
        own = {}
        if args[0] in ("worker", "inference"):
            port = self.metrics_ports.setdefault(name, free_port())
            own["CARE_METRICS_PORT"] = str(port)
        popen = subprocess.Popen(
            [sys.executable, "-m", "care.cli", *args],
            env={**os.environ, **self.env, **own},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in a terminal reaches the demo only; it stops the rest in order
        )
        self._processes.append(_Process(name, popen, log_file))

    def _ready_file(self, name: str) -> Path:
        return self.ready_file if name == "worker" else self.options.workdir / f"{name}.ready"

    def _spawn_worker(self, name: str) -> None:
        ready_file = self._ready_file(name)
        ready_file.unlink(missing_ok=True)
        stages = self.options.worker_names()[name]
        self._spawn(name, "worker", "--stages", stages, "--ready-file", str(ready_file))

    def process(self, name: str) -> subprocess.Popen[bytes]:
        return next(p.popen for p in self._processes if p.name == name)

    async def stop_worker(self, name: str = "worker", kill: bool = True) -> None:
        """Kill (SIGKILL) or stop a worker process and wait until it is gone."""
        worker = next(p for p in self._processes if p.name == name)
        self._processes.remove(worker)
        worker.popen.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        await asyncio.to_thread(worker.popen.wait)
        worker.log_file.close()

    async def start_worker(self, name: str = "worker") -> None:
        """Start a worker process and wait until it has joined its group and recovered its tables."""
        self._spawn_worker(name)
        await self._wait_file(self._ready_file(name), name)

    async def restart_worker(self, kill: bool = True, name: str = "worker") -> None:
        """Kill (SIGKILL) or stop a worker, then start a new one and wait until it has recovered."""
        await self.stop_worker(name, kill)
        await self.start_worker(name)

    async def _wait_until(self, name: str, probe: Callable[[], Awaitable[bool]]) -> None:
        deadline = time.monotonic() + self.options.ready_timeout_seconds
        while time.monotonic() < deadline:
            self._check_alive()
            if await probe():
                return
            await asyncio.sleep(0.1)
        raise StackStartError(f"{name} was not ready within {self.options.ready_timeout_seconds} s")

    async def _wait_http(self, url: str, name: str) -> None:
        async with aiohttp.ClientSession() as session:

            async def probe() -> bool:
                try:
                    async with session.get(url) as response:
                        return response.status == 200
                except aiohttp.ClientError:
                    return False

            await self._wait_until(name, probe)

    async def _wait_grpc(self) -> None:
        async with grpc.aio.insecure_channel(self.settings.inference_target) as channel:

            async def probe() -> bool:
                try:
                    await asyncio.wait_for(channel.channel_ready(), timeout=0.5)
                    return True
                except TimeoutError:
                    return False

            await self._wait_until("inference", probe)

    async def _wait_file(self, path: Path, name: str) -> None:
        async def probe() -> bool:
            return path.exists()  # noqa: ASYNC240 - one stat of a local file per poll

        await self._wait_until(name, probe)

    def _check_alive(self) -> None:
        for p in self._processes:
            if p.popen.poll() is not None:
                log_path = self.options.workdir / f"{p.name}.log"
                raise StackStartError(f"{p.name} exited with code {p.popen.returncode}; see {log_path}")

    async def stop(self) -> None:
        # Upstream first: the worker stops consuming before its dependencies go away.
        for p in reversed(self._processes):
            if p.popen.poll() is None:
                p.popen.terminate()
        for p in reversed(self._processes):
            try:
                await asyncio.to_thread(p.popen.wait, 15)
            except subprocess.TimeoutExpired:
                p.popen.kill()
                await asyncio.to_thread(p.popen.wait)
            p.log_file.close()
        self._processes.clear()
        self.broker.stop()

    async def __aenter__(self) -> EmbeddedStack:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()
