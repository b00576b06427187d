"""Device tokens kept per registry generation, on a real Redis and a real SQLite registry: a
cached device is served without SQL; a change made through another replica (a generation bump)
is seen from the next lookup on; a listening replica serves without Redis round trips and sees
a change when its message arrives, and falls back to reading the generation when its
subscription is lost; without Redis every lookup reads SQL."""

import asyncio
import time

from gateway.app import MIGRATIONS
from gateway.device_tokens import GENERATION_KEY, DeviceTokens
from localinfra.proc import free_port
from localinfra.redis import RedisServer
from sqlalchemy import event
from zezhou5g.platform.db import make_engine, migrate
from zezhou5g.platform.redis import make_async_redis

from gateway import registry


def _engine(tmp_path):
    url = f"sqlite:///{tmp_path}/gateway.db"
    migrate(url, MIGRATIONS)
    engine = make_engine(url)
    queries: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_: queries.append(statement))
    return engine, queries


def test_cached_until_another_replica_changes_the_registry(tmp_path, redis_server):
    engine, queries = _engine(tmp_path)
    token = registry.register(engine, "test", "env-1", "tourism", "env_sensor", "jueshan")

    async def run() -> None:
        redis = make_async_redis(redis_server.url)
        await redis.delete(GENERATION_KEY)
        here, there = DeviceTokens(redis, engine), DeviceTokens(redis, engine)
        first = await here.by_token(token)
        assert first is not None and not first.revoked
        queries.clear()
        for _ in range(20):
            assert await here.by_token(token) == first
        assert queries == []                       # served from the cache
        # Revoked through the other replica: SQL, then the generation bump.
        registry.revoke(engine, "test", "env-1")
        await there.changed()
        again = await here.by_token(token)
        assert again is not None and again.revoked
        assert any("devices" in q for q in queries)
        assert await here.by_token("not-a-token") is None
        await redis.aclose()

    asyncio.run(run())
    engine.dispose()


def test_without_redis_every_lookup_reads_sql(tmp_path):
    engine, queries = _engine(tmp_path)
    token = registry.register(engine, "test", "env-2", "tourism", "env_sensor", "jueshan")

    async def run() -> None:
        redis = make_async_redis(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens
        tokens = DeviceTokens(redis, engine)
        assert (await tokens.by_token(token)).device_id == "env-2"
        registry.revoke(engine, "test", "env-2")
        await tokens.changed()                     # the bump fails; logged, not raised
        assert (await tokens.by_token(token)).revoked
        await redis.aclose()

    queries.clear()
    asyncio.run(run())
    assert sum("devices" in q for q in queries) >= 2
    engine.dispose()


async def _until(what, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not what():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def _gets(redis) -> int:
    stats = await redis.info("commandstats")
    return int(stats.get("cmdstat_get", {}).get("calls", 0))


def test_a_listening_replica_serves_without_redis_and_hears_changes(tmp_path):
    engine, queries = _engine(tmp_path)
    token = registry.register(engine, "test", "env-3", "tourism", "env_sensor", "jueshan")
    server = RedisServer(tmp_path, free_port())   # its own server: stopped and restarted below
    server.start()

    async def run() -> None:
        redis, admin = make_async_redis(server.url), make_async_redis(server.url)
        here, there = DeviceTokens(redis, engine), DeviceTokens(admin, engine)
        here.start()
        await _until(lambda: here.listening)
        assert not (await here.by_token(token)).revoked
        gets, queries_before = await _gets(admin), len(queries)
        for _ in range(50):
            assert (await here.by_token(token)).device_id == "env-3"
        assert await _gets(admin) == gets            # no generation read per lookup
        assert len(queries) == queries_before        # nor SQL
        # Revoked through the other replica: here applies it once the message arrives.
        registry.revoke(engine, "test", "env-3")
        changed_at = time.monotonic()
        await there.changed()
        while not (await here.by_token(token)).revoked:
            assert time.monotonic() - changed_at < 1.0, "the change was not heard"
            await asyncio.sleep(0.005)
        # Redis goes away: the subscription is lost, lookups read SQL and answer.
        server.stop()
        await _until(lambda: not here.listening)
        assert (await here.by_token(token)).revoked
        # A change made while Redis is down (its bump and message lost) is seen once it is
        # back: the new subscription starts from an empty cache.
        registry.assign(engine, "test", "env-3", "dayang")
        await there.changed()                        # fails, logged
        server.start()
        await _until(lambda: here.listening, timeout=30)
        assert (await here.by_token(token)).subject == "dayang"
        await here.stop()
        assert not here.listening
        await redis.aclose()
        await admin.aclose()

    try:
        asyncio.run(run())
    finally:
        server.stop()
        engine.dispose()
