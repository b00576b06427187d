"""Integration fixtures: a service run under the project's supervisor (``localinfra.supervise``).

``supervised(name, env)`` starts ``python -m <name>`` under a :class:`Supervisor` (as
``make demo`` does), waits until its gRPC health says SERVING and returns a
:class:`SupervisedService`. A test SIGKILLs it with ``kill()``; the supervisor notices the exit
and starts it again after its back-off; ``wait_restarted()`` waits for the new process to be
SERVING. Everything it started is stopped when the test ends.

``supervised_stack(env, tmp)`` runs the whole stack (the four services and the gateway) under
one supervisor, as ``make demo`` does, and returns the stack (as ``stack_tools.start_stack``
does) with ``"services"``: a :class:`SupervisedService` per service.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from localinfra.supervise import Backoff, Exit, Program, Supervisor

ROOT = Path(__file__).resolve().parents[2]
# The caller's test material and models, as the session's other processes get them.
PASS_THROUGH = ("Z5G_TESTDATA", "Z5G_CACHE_DIR", "Z5G_MODELS_DIR")


def _base_env() -> dict[str, str]:
    """This process's environment without its ``Z5G_`` settings (``PASS_THROUGH`` excepted)."""
    return ({k: v for k, v in os.environ.items() if not k.startswith("Z5G_")}
            | {k: os.environ[k] for k in PASS_THROUGH if k in os.environ})


# Short delays: the first restart after 0.5 s, the second (in a row) after 1 s.
BACKOFF = Backoff(initial_s=0.5, factor=2.0, max_s=4.0, reset_after_s=300.0)


class SupervisedService:
    """One service process kept running by a :class:`Supervisor`; its gRPC port is ``port``."""

    def __init__(self, supervisor: Supervisor, name: str, port: int) -> None:
        self.supervisor = supervisor
        self.name = name
        self.port = port
        self.kills = 0

    @property
    def pid(self) -> int:
        """The pid of the running process (waits for one while it is being restarted)."""
        return self.supervisor.wait_running(self.name)

    def serving(self) -> bool:
        """Whether the gRPC health service answers SERVING now."""
        with grpc.insecure_channel(f"127.0.0.1:{self.port}") as channel:
            try:
                reply = health_pb2_grpc.HealthStub(channel).Check(
                    health_pb2.HealthCheckRequest(), timeout=2)
            except grpc.RpcError:
                return False
            return reply.status == health_pb2.HealthCheckResponse.SERVING

    def wait(self, check: Callable[[], object], timeout: float, what: str) -> object:
        """Poll ``check`` until truthy; fail with the service's log on timeout, or at once
        when the service exited without being killed by this test."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = check()
            except Exception:  # noqa: BLE001 - not there yet
                value = None
            if value:
                return value
            crashes = [e for e in self.supervisor.exits(self.name)
                       if e.restart_in_s is not None][self.kills:]
            if crashes:
                pytest.fail(f"{self.name} exited by itself ({crashes[0].returncode}) while "
                            f"waiting for {what}:\n{self.supervisor.log_tail(self.name)}")
            time.sleep(0.2)
        pytest.fail(f"timed out after {timeout}s waiting for {what}; {self.name} log:\n"
                    f"{self.supervisor.log_tail(self.name)}")

    def wait_serving(self, timeout: float = 90) -> None:
        """Wait until the current process reports SERVING."""
        self.wait(self.serving, timeout, f"{self.name} SERVING")

    def kill(self) -> Exit:
        """SIGKILL the running process; return once the supervisor has seen it die of it."""
        pid = self.pid
        self.kills += 1
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            seen = [e for e in self.supervisor.exits(self.name) if e.pid == pid]
            if seen:
                assert seen[0].returncode == -signal.SIGKILL, seen[0]
                assert seen[0].restart_in_s is not None, "the supervisor restarts it"
                return seen[0]
            time.sleep(0.05)
        pytest.fail(f"{self.name} (pid {pid}) still running 15 s after SIGKILL")

    def wait_restarted(self, timeout: float = 90) -> int:
        """Wait for the process the supervisor started after the last kill to be SERVING."""
        killed = self.supervisor.exits(self.name)[-1].pid
        pid = self.supervisor.wait_restarted(self.name, killed, timeout=30)
        self.wait_serving(timeout)
        return pid

    def kill_and_wait_restarted(self) -> int:
        """``kill()`` then ``wait_restarted()``: the new pid, SERVING."""
        self.kill()
        return self.wait_restarted()

    def stop(self) -> int | None:
        """Stop it gracefully (SIGTERM; SIGKILL after the grace): its last return code."""
        return self.supervisor.stop()[self.name]

    def log_tail(self, lines: int = 30) -> str:
        return self.supervisor.log_tail(self.name, lines)


@pytest.fixture
def supervised(tmp_path: Path) -> Iterator[Callable[..., SupervisedService]]:
    """``supervised(name, env)``: ``python -m <name>`` under a supervisor, SERVING.

    ``env`` is the service's environment on top of this process's, without its ``Z5G_``
    settings (the ``PASS_THROUGH`` ones excepted); it must set ``Z5G_GRPC_PORT``.
    """
    started: list[Supervisor] = []
    clean = _base_env()

    def start(name: str, env: dict[str, str], serving_timeout: float = 90) -> SupervisedService:
        program = Program(name, (sys.executable, "-m", name), env=env)
        sup = Supervisor([program], log_dir=tmp_path / f"supervised-{len(started)}", env=clean,
                         cwd=ROOT, backoff=BACKOFF, grace_s=20.0)
        started.append(sup.start())
        service = SupervisedService(sup, name, int(env["Z5G_GRPC_PORT"]))
        service.wait_serving(serving_timeout)
        return service

    yield start
    for sup in reversed(started):
        sup.stop()


@pytest.fixture
def supervised_stack(stack_tools: object) -> Iterator[Callable[..., dict[str, object]]]:
    """``supervised_stack(env, tmp, redis_url)``: the stack under one supervisor, /readyz 200."""
    started: list[dict[str, object]] = []
    clean = _base_env()

    def start(env: dict[str, str], tmp: Path, redis_url: str) -> dict[str, object]:
        programs, stack = stack_tools.stack_plan(env, tmp, redis_url)  # type: ignore[attr-defined]
        sup = Supervisor([Program(name, (sys.executable, "-m", name), env=penv)
                          for name, penv in programs.items()],
                         log_dir=tmp / "supervised-stack", env=clean, cwd=ROOT,
                         backoff=BACKOFF, grace_s=20.0)
        stack["supervisor"] = sup.start()
        started.append(stack)
        stack["services"] = {name: SupervisedService(sup, name, port)
                             for name, port in stack["ports"].items()}  # type: ignore[attr-defined]
        stack_tools.wait_ready(stack)  # type: ignore[attr-defined]
        return stack

    yield start
    for stack in reversed(started):
        stack_tools.stop_stack(stack)  # type: ignore[attr-defined]
