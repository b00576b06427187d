"""The gateway against the real stack: services, Kafka and Redis started for the test."""

import json
import threading

import httpx
import pytest
import redis


def _login(url, user, password):
    client = httpx.Client(base_url=url, timeout=10)
    r = client.post("/api/auth/login", json={"username": user, "password": password})
    assert r.status_code == 200, r.text
    return client


def test_health_readiness_and_docs(stack):
    url = stack["url"]
    assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{url}/readyz").json()
    assert ready["status"] == "ready"
    assert set(ready["checks"]) == {"kafka", "redis", "tourism", "medical", "agri", "transport"}
    assert all(c["ok"] for c in ready["checks"].values())
    spec = httpx.get(f"{url}/openapi.json").json()
    assert "/api/devices/{scenario}/{kind}" in spec["paths"]
    assert "z5g_gateway" in httpx.get(f"{url}/metrics/").text


def test_sign_in_roles_and_care_team(stack):
    url, password = stack["url"], stack["password"]
    assert httpx.get(f"{url}/api/tourism/environment").status_code == 401
    bad = httpx.post(f"{url}/api/auth/login", json={"username": "admin", "password": "nope"})
    assert bad.status_code == 401 and "wrong username or password" in bad.json()["detail"]
    farmer = _login(url, "farmer-zhao", password)
    assert farmer.get("/api/auth/me").json()["scenarios"] == ["agri"]
    assert farmer.get("/api/agri/fields").status_code == 200
    denied = farmer.get("/api/tourism/environment")
    assert denied.status_code == 403 and "farmer" in denied.json()["detail"]
    clinician = _login(url, "dr-wang", password)
    assert clinician.get("/api/auth/me").json()["care_team"] == "team-a"
    assert clinician.post("/api/auth/logout").status_code == 204
    assert clinician.get("/api/auth/me").status_code == 401


def _clear_login_limits(stack):
    client = redis.Redis.from_url(stack["redis_url"])
    for key in client.scan_iter("ratelimit:login:*"):
        client.delete(key)


def test_login_attempts_are_rate_limited_per_client(stack):
    url = stack["url"]
    _clear_login_limits(stack)  # earlier tests of this module signed in within this minute
    codes = [httpx.post(f"{url}/api/auth/login",
                        json={"username": "admin", "password": f"guess-{i}"}).status_code
             for i in range(12)]
    assert codes[:10] == [401] * 10
    assert codes[10:] == [429, 429]
    r = httpx.post(f"{url}/api/auth/login", json={"username": "admin", "password": "x"})
    assert int(r.headers["retry-after"]) > 0
    _clear_login_limits(stack)


def test_device_ingestion_checks_token_device_and_body(stack):
    url = stack["url"]
    post = lambda body, token="tok-env-jueshan-0001": httpx.post(  # noqa: E731
        f"{url}/api/devices/tourism/readings", json=body,
        headers={"Authorization": f"Bearer {token}"} if token else {})
    good = {"sensor_id": "env-jueshan-gate", "area_id": "jueshan", "temperature_c": 21.5,
            "humidity_pct": 55, "pm25_ug_m3": 18, "noise_db": 48}
    assert post(good, token=None).status_code == 401
    assert post(good, token="tok-wrong-wrong-wrong").status_code == 401
    other = post(good | {"sensor_id": "env-dayang-street"})
    assert other.status_code == 403 and "does not belong" in other.json()["detail"]
    invalid = post(good | {"temperature": 21})
    assert invalid.status_code == 422 and "temperature" in invalid.json()["detail"]
    accepted = post(good)
    assert accepted.status_code == 202
    assert accepted.json()["topic"] == "tourism.env.readings"
    assert httpx.post(f"{url}/api/devices/nosuch/readings", json=good).status_code == 404


def test_device_posts_are_keyed_as_their_topic_declares(stack):
    """A wearable's vital signs are keyed by the patient (as declared), not by the device."""
    from kafka import KafkaConsumer, TopicPartition
    from zezhou5g.medical.v1 import medical_pb2

    consumer = KafkaConsumer(bootstrap_servers=stack["env"]["Z5G_KAFKA_BOOTSTRAP"],
                             enable_auto_commit=False)
    try:
        parts = [TopicPartition("medical.vitals", p)
                 for p in consumer.partitions_for_topic("medical.vitals") or ()]
        assert parts, "medical.vitals does not exist"
        consumer.assign(parts)
        consumer.seek_to_end(*parts)
        for tp in parts:
            consumer.position(tp)  # resolve the end now, before the post
        body = {"patient_id": "p-1001", "device_id": "wear-1001", "seq": 987654,
                "heart_rate_bpm": 71, "consciousness": "CONSCIOUSNESS_ALERT"}
        r = httpx.post(f"{stack['url']}/api/devices/medical/readings", json=body, timeout=10,
                       headers={"Authorization": "Bearer tok-wear-1001-0001"})
        assert r.status_code == 202, r.text
        keys = []
        for _ in range(40):
            for records in consumer.poll(timeout_ms=250).values():
                keys += [rec.key for rec in records
                         if medical_pb2.VitalSigns.FromString(rec.value).seq == 987654]
            if keys:
                break
        assert keys == [b"p-1001"]
    finally:
        consumer.close()


def test_device_reading_reaches_the_public_stream_and_overview(stack, wait):
    url = stack["url"]
    events: list[dict] = []
    opened = threading.Event()

    def listen():
        with httpx.stream("GET", f"{url}/api/public/stream", timeout=30) as r:
            opened.set()
            for line in r.iter_lines():
                # Heartbeats ("event: heartbeat") carry no topic: only events count here.
                if line.startswith("data: ") and "topic" in (event := json.loads(line[6:])):
                    events.append(event)
                    # Earlier tests' readings may still be on their way; wait for ours.
                    if events[-1]["data"].get("temperature_c") == 23.25:
                        return

    t = threading.Thread(target=listen, daemon=True)
    t.start()
    assert opened.wait(10)
    threading.Event().wait(1.5)  # the hub has assigned its partitions by now
    body = {"sensor_id": "env-jueshan-gate", "area_id": "jueshan", "temperature_c": 23.25,
            "humidity_pct": 50, "pm25_ug_m3": 10, "noise_db": 40}
    r = httpx.post(f"{url}/api/devices/tourism/readings", json=body,
                   headers={"Authorization": "Bearer tok-env-jueshan-0001"})
    assert r.status_code == 202
    t.join(20)
    if not events:
        metrics = [m for m in httpx.get(f"{url}/metrics/").text.splitlines()
                   if m.startswith("z5g_gateway_stream")]
        overview = httpx.get(f"{url}/api/public/overview").json()
        pytest.fail(f"no event on the public stream; overview={overview}; {metrics}")
    event = events[-1]
    assert event["topic"] == "tourism.env.status"
    assert event["data"]["area_id"] == "jueshan"
    assert event["data"]["temperature_c"] == pytest.approx(23.25)
    overview = httpx.get(f"{url}/api/public/overview").json()
    assert [a["area_id"] for a in overview["tourism"]] == ["jueshan"]


def test_console_stream_requires_an_allowed_role(stack):
    url, password = stack["url"], stack["password"]
    assert httpx.get(f"{url}/api/stream/medical").status_code == 401
    ops = _login(url, "jueshan-ops", password)
    assert ops.get("/api/stream/medical").status_code == 403
    assert ops.get("/api/stream/nosuch").status_code == 404


def test_public_crowding_names_areas_and_suggestions_as_the_service_decides(stack):
    """Area names and which spots get calmer suggestions come from ListSpotForecasts alone."""
    from tourism.adapters.flow_store import FlowStore
    from zezhou5g.tourism.v1 import flow_pb2

    store = FlowStore(redis.Redis.from_url(stack["redis_url"], decode_responses=True))
    for zone, count, level in (("jueshan-fair-square", 40, flow_pb2.CROWD_LEVEL_CROWDED),
                               ("jueshan-summit-terrace", 1, flow_pb2.CROWD_LEVEL_COMFORTABLE)):
        status = flow_pb2.ZoneStatus(zone_id=zone, area_id="jueshan", count=count,
                                     crowd_level=level)
        status.frame_time.GetCurrentTime()
        store.zones.put(zone, status)
    body = httpx.get(f"{stack['url']}/api/public/tourism/crowding", timeout=10).json()
    spots = {s["zone_id"]: s for s in body["spots"]}
    assert body["suggestions"] == {"jueshan-fair-square": ["jueshan-summit-terrace"]}, body
    assert spots["jueshan-summit-terrace"]["area_name_en"] == "Jueshan Scenic Area"
    assert spots["dayang-old-street"]["area_name_en"] == "Dayang Ancient Town"
    assert spots["dayang-old-street"]["count"] is None       # no status yet: unknown
    assert spots["dayang-old-street"]["crowd_level"] == "CROWD_LEVEL_UNSPECIFIED"
    assert spots["jueshan-fair-square"]["crowd_level"] == "CROWD_LEVEL_CROWDED"
    assert not any("suggest_calmer" in s for s in body["spots"])
