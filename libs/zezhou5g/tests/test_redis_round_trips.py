"""make_redis counts round trips to a real Redis: one per command, one per pipeline."""

from __future__ import annotations

from localinfra import RedisServer
from zezhou5g.platform.redis import ROUND_TRIPS, make_redis


def _count() -> float:
    return ROUND_TRIPS._value.get()  # the process's counter (no labels)


def test_a_command_is_one_round_trip_and_a_pipeline_of_fifty_is_one(redis_server: RedisServer):
    client = make_redis(redis_server.url)
    client.ping()  # connection set-up (handshake commands) happens here, not below
    before = _count()
    client.set("rt:a", "1")
    assert client.get("rt:a") == "1"
    assert _count() - before == 2
    before = _count()
    pipe = client.pipeline(transaction=False)
    for i in range(50):
        pipe.set(f"rt:{i}", i)
    pipe.execute()
    assert _count() - before == 1
    assert make_redis(redis_server.url, decode_responses=False).get("rt:7") == b"7"
