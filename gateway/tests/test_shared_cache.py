"""Public answers shared from the real Redis: one fetch for a burst, errors never kept."""

import asyncio

import pytest
from gateway.shared_cache import SharedCache
from localinfra.proc import free_port
from zezhou5g.platform.redis import make_async_redis


def test_a_burst_of_lookups_fetches_once_and_the_answer_expires(redis_server, redis_client):
    calls = []

    async def fetch():
        calls.append(1)
        await asyncio.sleep(0.2)  # a slow service: the burst arrives while it answers
        return {"code": "B-1", "events": [1, 2, 3]}

    async def run():
        client = make_async_redis(redis_server.url)
        cache = SharedCache(client, "test:cache:burst", ttl_s=0.5)
        answers = await asyncio.gather(*[cache.get("B-1", fetch) for _ in range(30)])
        again = await cache.get("B-1", fetch)
        await asyncio.sleep(0.6)
        later = await cache.get("B-1", fetch)
        await client.aclose()
        return answers, again, later

    answers, again, later = asyncio.run(run())
    assert len(calls) == 2  # the burst and the one after expiry
    assert all(a == answers[0] for a in answers) and again == answers[0]
    assert answers[0]["events"] == [1, 2, 3] and answers[0]["fetched_at"].endswith("+00:00")
    assert later["fetched_at"] >= answers[0]["fetched_at"]
    assert redis_client.pttl("test:cache:burst:B-1") > 0


def test_an_error_is_not_kept_and_reaches_every_waiter(redis_server):
    calls = []

    async def failing():
        calls.append(1)
        await asyncio.sleep(0.1)
        raise LookupError("no batch")

    async def run():
        client = make_async_redis(redis_server.url)
        cache = SharedCache(client, "test:cache:err", ttl_s=30)
        results = await asyncio.gather(*[cache.get("X", failing) for _ in range(5)],
                                       return_exceptions=True)
        ok = await cache.get("X", lambda: asyncio.sleep(0, {"found": True}))
        await client.aclose()
        return results, ok

    results, ok = asyncio.run(run())
    assert len(calls) == 1 and all(isinstance(r, LookupError) for r in results)
    assert ok["found"] is True  # the error was not cached


def test_redis_down_means_fetching_directly():
    async def run():
        client = make_async_redis(f"redis://127.0.0.1:{free_port()}/0")
        cache = SharedCache(client, "test:cache:down", ttl_s=30)
        answer = await cache.get("Y", lambda: asyncio.sleep(0, {"y": 1}))
        await client.aclose()
        return answer

    assert asyncio.run(run())["y"] == 1


def test_a_non_positive_ttl_is_refused(redis_server):
    with pytest.raises(ValueError, match="ttl_s"):
        SharedCache(make_async_redis(redis_server.url), "p", ttl_s=0)
