"""Device tokens kept per registry generation, on a real Redis and a real SQLite registry: a
cached device is served without SQL; a change made through another replica (a generation bump)
is seen from the next lookup on; without Redis every lookup reads SQL."""

import asyncio

from gateway.app import MIGRATIONS
from gateway.device_tokens import GENERATION_KEY, DeviceTokens
from localinfra.proc import free_port
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
