"""The local supervisor (``make demo``): a SIGKILLed service comes back after its back-off
while the other programs and the infrastructure keep running, and stop is clean.

The supervised programs are real: the medical service and the medical wearables simulator,
against the session's Kafka and Redis. The first tests are pure (Procfile, back-off, the
console filter) and need no server.
"""

import os
import signal
import sys
import time
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from localinfra import quiet as quiet_module
from localinfra.proc import free_port
from localinfra.procfile import parse_procfile
from localinfra.quiet import SETTLE_S, StartupQuiet
from localinfra.supervise import Backoff, Program, Supervisor

ROOT = Path(__file__).resolve().parents[2]


def test_the_repository_procfile_lists_every_program_once():
    programs = parse_procfile((ROOT / "Procfile").read_text())
    assert [p.name for p in programs] == ["tourism", "medical", "agri", "transport",
                                          "simulators", "gateway"]
    medical = next(p for p in programs if p.name == "medical")
    assert medical.argv == ("python", "-m", "medical")
    assert medical.env["Z5G_GRPC_PORT"] == "50062"


@pytest.mark.parametrize("line", ["a: x | y", "a: x; y", "a: x > out", "a: x 2>&1",
                                  "a: echo $HOME", "a: X=1", "no colon here"])
def test_procfile_lines_that_need_a_shell_or_are_malformed_are_refused(line):
    with pytest.raises(ValueError, match="line 1"):
        parse_procfile(line)


def test_quoted_shell_characters_stay_in_their_word():
    (program,) = parse_procfile("""a: X="1 2" python -c 'import sys; print(sys.argv)' "|" """)
    assert program.argv == ("python", "-c", "import sys; print(sys.argv)", "|")
    assert program.env == {"X": "1 2"}


@pytest.mark.parametrize(("crashes", "delay"), [(1, 1.0), (2, 2.0), (3, 4.0), (5, 16.0),
                                                (6, 30.0), (50, 30.0)])
def test_backoff_doubles_up_to_its_cap(crashes, delay):
    assert Backoff().delay(crashes) == delay


def test_expected_startup_warnings_are_hidden_until_ready_and_shown_after():
    quiet = StartupQuiet()
    waits = ('{"level": "WARNING", "logger": "simulators.transport", '
             '"msg": "gate camera: transport not reachable"}')
    slow = ('{"level": "WARNING", "logger": "kafka.net.selector", '
            '"msg": "Task <x> ran for 0.120s (>0.100s threshold)."}')
    other = '{"level": "WARNING", "logger": "medical", "msg": "alert escalated"}'
    assert not quiet.show("simulators", waits)
    assert not quiet.show("medical", slow)
    assert quiet.show("medical", other)
    assert quiet.show("gateway", "plain text from a program")
    quiet.ready()
    assert quiet.show("simulators", waits)
    assert not quiet.show("medical", slow)
    assert "1 × simulators calling a service" in quiet.summary()


def test_client_noise_of_an_outage_is_counted_not_shown_until_ready_again(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(quiet_module.time, "monotonic", lambda: clock[0])
    quiet = StartupQuiet()
    quiet.ready()
    lost = ('{"level": "ERROR", "logger": "kafka.net.connection", '
            '"msg": "<KafkaConnection node_id=1> Connection lost: socket disconnected"}')
    retry = ('{"level": "WARNING", "logger": "kafka.producer.sender", '
             '"msg": "Got error produce response, retrying"}')
    ours = '{"level": "ERROR", "logger": "medical.app.vitals", "msg": "handler failed"}'
    # Before the supervisor notices: the first client line of each program, then thinned.
    assert quiet.show("agri", lost) and quiet.show("simulators", retry)
    assert not quiet.show("agri", lost)
    quiet.outage()
    assert not quiet.show("agri", lost) and not quiet.show("simulators", retry)
    assert not quiet.show("medical", lost)
    assert quiet.show("medical", ours)  # the programs' own errors are always shown
    summary = quiet.recovered()
    assert summary.startswith("4 log lines of the outage kept in .run/logs")
    assert "3 × Kafka / Redis client connection errors" in summary
    clock[0] += SETTLE_S - 1  # clients still settling: counted
    assert not quiet.show("agri", lost)
    clock[0] += 2
    assert quiet.show("agri", lost)  # settled: a new problem is shown again
    assert quiet.recovered().startswith("1 log line of the outage")


def _serving(port: int) -> bool:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=2)
        except grpc.RpcError:
            return False
        return reply.status == health_pb2.HealthCheckResponse.SERVING


def _wait_serving(sup: Supervisor, port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _serving(port):
            return
        time.sleep(0.3)
    pytest.fail(f"medical not SERVING after {timeout} s:\n{sup.log_tail('medical')}")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_sigkilled_service_is_restarted_with_backoff_and_stop_is_clean(
        base_env, kafka, redis_server, tmp_path):
    env = ({k: v for k, v in os.environ.items() if not k.startswith("Z5G_")}
           | {k: os.environ[k] for k in ("Z5G_TESTDATA", "Z5G_CACHE_DIR", "Z5G_MODELS_DIR")
              if k in os.environ}
           | base_env)
    port = free_port()
    programs = [
        Program("medical", (sys.executable, "-m", "medical"),
                {"Z5G_GRPC_PORT": str(port), "Z5G_METRICS_PORT": "0",
                 "Z5G_DATABASE_URL": f"sqlite:///{tmp_path}/medical.db"}),
        Program("simulators", (sys.executable, "-m", "simulators", "medical", "--interval", "0.5"),
                {"Z5G_METRICS_PORT": "0"}),
    ]
    backoff = Backoff(initial_s=1.0, factor=2.0, max_s=8.0, reset_after_s=300.0)
    sup = Supervisor(programs, log_dir=tmp_path / "logs", env=env, cwd=ROOT, backoff=backoff,
                     grace_s=20.0)
    with sup:
        first = sup.wait_running("medical")
        simulators = sup.wait_running("simulators")
        _wait_serving(sup, port)

        # Two kills in a row: the second restart waits twice as long as the first.
        os.kill(first, signal.SIGKILL)
        killed_at = time.monotonic()
        second = sup.wait_restarted("medical", first, timeout=30)
        first_gap = time.monotonic() - killed_at
        os.kill(second, signal.SIGKILL)
        killed_at = time.monotonic()
        third = sup.wait_restarted("medical", second, timeout=30)
        second_gap = time.monotonic() - killed_at

        exits = sup.exits("medical")
        assert [(e.pid, e.returncode) for e in exits] == [(first, -signal.SIGKILL),
                                                          (second, -signal.SIGKILL)]
        assert [e.restart_in_s for e in exits] == [1.0, 2.0]
        assert 1.0 <= first_gap < 10 and 2.0 <= second_gap < 12, (first_gap, second_gap)
        assert sup.restarts("medical") == 2
        assert _gone(first) and _gone(second)

        # The restarted service really serves: its consumers reached Kafka and Redis again.
        _wait_serving(sup, port)
        # Nothing else was touched: the simulator is the same process, the broker and Redis
        # (started outside the supervisor) still answer.
        assert sup.pid("simulators") == simulators and sup.restarts("simulators") == 0
        assert kafka.healthy() and redis_server.healthy()

        stop_started = time.monotonic()
        codes = sup.stop()
        stop_took = time.monotonic() - stop_started

    # Stopped by SIGTERM within the grace, each program ending by itself with status 0.
    assert codes == {"medical": 0, "simulators": 0}, (codes, sup.log_tail("medical"))
    assert stop_took < sup.grace_s
    assert _gone(third) and _gone(simulators)
    assert sup.pid("medical") is None and sup.restarts("medical") == 2
    log = (tmp_path / "logs" / "medical.log").read_text()
    assert log.count("killed by SIGKILL") == 2 and log.count("started pid") == 3
    assert kafka.healthy() and redis_server.healthy()
