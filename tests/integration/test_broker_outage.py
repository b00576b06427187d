"""Acceptance: stopping the Kafka broker shows in /readyz within 10 s; after it restarts the flow
resumes with no service restarted, and no event the simulator published meanwhile is lost."""

import json
import time

import httpx
import pytest
import redis
from localinfra import KafkaServer
from localinfra.proc import free_port


@pytest.fixture
def own_kafka(run_dir):
    server = KafkaServer(run_dir / "outage", free_port(), free_port(), heap="384m")
    server.start()
    yield server
    server.stop()


def _readings_total(client: redis.Redis) -> int:
    return sum(int(client.get(f"tourism:env:readings_total:{a}") or 0)
               for a in ("jueshan", "dayang"))


def test_broker_outage_is_reported_and_nothing_is_lost(own_kafka, redis_server, base_env,
                                                       tmp_path, stack_tools):
    start_stack, stop_stack, wait_for = (stack_tools.start_stack, stack_tools.stop_stack,
                                         stack_tools.wait_for)
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    client.flushdb()
    env = base_env | {"Z5G_KAFKA_BOOTSTRAP": own_kafka.bootstrap}
    stack = start_stack(env, tmp_path, redis_server.url)
    sim = stack_tools.Proc("simulators", env | {"Z5G_METRICS_PORT": "0"}, tmp_path,
               ("tourism", "--interval", "0.25"))
    try:
        url = stack["url"]
        wait_for(lambda: _readings_total(client) > 20, 60, "readings flowing", (sim,))

        own_kafka.stop()
        stopped_at = time.monotonic()
        wait_for(lambda: httpx.get(f"{url}/readyz", timeout=5).status_code == 503, 10,
                 "/readyz to report the broker down")
        noticed_s = time.monotonic() - stopped_at
        body = httpx.get(f"{url}/readyz", timeout=5).json()
        assert body["checks"]["kafka"]["ok"] is False
        assert body["checks"]["redis"]["ok"] is True
        total_during_outage = _readings_total(client)
        time.sleep(8)  # the simulator keeps publishing into the outage

        own_kafka.start()
        wait_for(lambda: httpx.get(f"{url}/readyz", timeout=5).status_code == 200, 60,
                 "/readyz ready again", tuple(stack["procs"]))
        wait_for(lambda: _readings_total(client) > total_during_outage + 20, 90,
                 "the flow to resume", tuple(stack["procs"]))
        assert all(p.popen.poll() is None for p in stack["procs"]), "a service restarted"

        assert sim.stop(timeout=90) == 0
        final = [json.loads(line) for line in sim.output().splitlines()
                 if '"msg": "stopped"' in line]
        assert final, sim.output()
        assert final[-1]["all_acknowledged"] is True
        published = final[-1]["published"]["tourism"]  # events, one per sensor per tick
        try:
            wait_for(lambda: _readings_total(client) == published, 60, "")
        except BaseException:
            pytest.fail(f"published {published}, processed {_readings_total(client)}; "
                        f"simulator: {final[-1]}")
        time.sleep(2)
        assert _readings_total(client) == published, "an event was processed twice"
        print(f"outage noticed by /readyz after {noticed_s:.1f}s; {published} events, none lost")
    finally:
        sim.stop()
        stop_stack(stack)
