"""The project's Redis clients against a real Redis: round trips counted (one per command,
one per pipeline), and every pooled connection ridden over a restart of the server."""

from __future__ import annotations

import asyncio
import uuid

from localinfra import RedisServer
from localinfra.proc import free_port
from zezhou5g.platform.redis import ROUND_TRIPS, make_async_redis, make_redis


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


def test_every_pooled_connection_survives_a_redis_restart(run_dir):
    """After a restart each pooled connection is dead; its next command reconnects, not fails.

    (The asyncio client once carried the synchronous Retry, which retried nothing: readiness
    PINGed on one fresh connection and said ready while sign-in failed on the stale others.)
    """
    server = RedisServer(run_dir / f"restart-{uuid.uuid4().hex[:6]}", free_port())
    server.start()
    sync = make_redis(server.url)
    sync.set("restart:sync", "1")

    async def bump(client, i: int) -> list[object]:
        pipe = client.pipeline()
        pipe.incr(f"restart:{i}")
        pipe.expire(f"restart:{i}", 60)
        return await pipe.execute()

    async def run() -> list[list[object]]:
        client = make_async_redis(server.url)
        try:
            await asyncio.gather(*(bump(client, i) for i in range(6)))  # six pooled connections
            assert len(client.connection_pool._available_connections) == 6
            server.stop()
            server.start()
            return await asyncio.wait_for(
                asyncio.gather(*(bump(client, i) for i in range(6))), 5)
        finally:
            await client.aclose()

    try:
        assert asyncio.run(run()) == [[2, True]] * 6  # the AOF kept the first round
        assert sync.get("restart:sync") == "1"
    finally:
        server.stop()
