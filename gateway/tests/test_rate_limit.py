"""Public endpoints are limited per client IP with counters in the real Redis."""

from contextlib import asynccontextmanager
from types import SimpleNamespace

from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from gateway.ratelimit import public_limit
from zezhou5g.platform.redis import make_async_redis


def _app(redis_url: str, limit: int) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.redis = make_async_redis(redis_url)
        yield
        await app.state.redis.aclose()

    app = FastAPI(lifespan=lifespan)
    app.state.settings = SimpleNamespace(public_rate_per_min=limit)

    @app.get("/public", dependencies=[Depends(public_limit)])
    async def public() -> dict[str, str]:
        return {"ok": "yes"}

    return app


def test_public_limit_per_client(redis_server, redis_client):
    with TestClient(_app(redis_server.url, 5)) as client:
        codes = [client.get("/public").status_code for _ in range(7)]
        assert codes == [200] * 5 + [429, 429]
        refused = client.get("/public")
        assert "at most 5 per minute" in refused.json()["detail"]
        assert 0 < int(refused.headers["retry-after"]) <= 60
    # The counter lives in Redis (shared by every gateway replica), keyed by client and minute.
    keys = list(redis_client.scan_iter("ratelimit:public:*"))
    assert len(keys) == 1 and int(redis_client.get(keys[0])) == 8
    assert 0 < redis_client.ttl(keys[0]) <= 61
