"""The agri REST API through the real gateway and service: roles, farmer scoping, public trace,
and the locust scenario without a single failure."""

from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def test_farmer_sees_only_own_fields_and_bureau_all(stack, sign_in):
    bureau = sign_in(stack, "agri-bureau")
    farmer = sign_in(stack, "farmer-zhao")
    assert {f["id"] for f in bureau.get("/api/agri/fields").json()} == {
        "field-e1", "field-e2", "field-e3"}
    assert {f["id"] for f in farmer.get("/api/agri/fields").json()} == {"field-e1", "field-e2"}
    assert farmer.get("/api/agri/history/soil-e3-1/soil_moisture_vwc").status_code == 403
    assert farmer.get("/api/agri/history/soil-e1-1/soil_moisture_vwc").status_code == 200
    assert farmer.post("/api/agri/orders", json={"task": "irrigation",
                                                 "field_id": "field-e3"}).status_code == 403
    assert bureau.get("/api/agri/history/soil-e1-1/not_a_metric").status_code == 422
    ops = sign_in(stack, "jueshan-ops")
    assert ops.get("/api/agri/fields").status_code == 403
    assert httpx.get(f"{stack['url']}/api/agri/fields").status_code == 401


def test_orders_by_people_follow_the_state_machine(stack, sign_in):
    bureau = sign_in(stack, "agri-bureau")
    r = bureau.post("/api/agri/orders", json={"task": "spraying", "field_id": "field-e2",
                                              "note": "aphids"})
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["state"] == "ORDER_STATE_CREATED"      # no machine has reported yet
    assert bureau.post(f"/api/agri/orders/{order['id']}/state",
                       json={"state": "working"}).status_code == 409
    done = bureau.post(f"/api/agri/orders/{order['id']}/state", json={"state": "cancelled"})
    assert done.status_code == 200 and done.json()["state"] == "ORDER_STATE_CANCELLED"
    assert bureau.post("/api/agri/orders", json={"task": "spraying",
                                                 "field_id": "nowhere"}).status_code == 404


def test_public_trace_lookup_needs_no_sign_in(stack):
    r = httpx.get(f"{stack['url']}/api/public/agri/trace/ZZ-WHEAT-2026-0001")
    assert r.status_code == 200
    body = r.json()
    assert body["verified"] is True and len(body["events"]) == 7
    assert body["events"][0]["event"]["type"] == "ObjectEvent"
    assert body["events"][1]["prev_hash"] == body["events"][0]["hash"]
    # The next visitor gets the same reading of the chain, shared from Redis (not asked again).
    again = httpx.get(f"{stack['url']}/api/public/agri/trace/ZZ-WHEAT-2026-0001").json()
    assert again == body and body["fetched_at"]
    assert httpx.get(f"{stack['url']}/api/public/agri/trace/NOPE-1").status_code == 404
    assert httpx.get(f"{stack['url']}/api/public/agri/trace/bad%20code").status_code == 422


def test_agri_locust_scenario_has_no_failures(stack, tmp_path, stack_client):
    rows = stack_client.run_locust(stack, "agri.py", tmp_path, users=10, seconds=8)
    assert int(rows["Aggregated"][2]) > 20, rows


def test_farmer_live_stream_carries_only_own_fields(stack, kafka, wait, sign_in):
    import json
    import threading
    import time

    from zezhou5g.agri.v1 import agri_pb2
    from zezhou5g.platform.kafka import EventProducer

    farmer, bureau = sign_in(stack, "farmer-zhao"), sign_in(stack, "agri-bureau")
    got: dict[str, list[dict]] = {"farmer": [], "bureau": []}
    stop = threading.Event()

    def listen(name: str, c: httpx.Client) -> None:
        try:
            with c.stream("GET", "/api/stream/agri", timeout=30) as r:
                for line in r.iter_lines():
                    if stop.is_set():
                        return
                    # Heartbeats ("event: heartbeat") carry no topic: only events count.
                    if line.startswith("data: ") and "topic" in (e := json.loads(line[6:])):
                        got[name].append(e)
        except httpx.HTTPError:
            pass

    threads = [threading.Thread(target=listen, args=a, daemon=True)
               for a in (("farmer", farmer), ("bureau", bureau))]
    for t in threads:
        t.start()
    time.sleep(1.5)
    producer = EventProducer(kafka.bootstrap, "test-probes")
    for device, field in (("soil-e1-1", "field-e1"), ("soil-e3-1", "field-e3")):
        producer.publish("agri.telemetry", agri_pb2.SensorReading(
            device_id=device, field_id=field, soil_moisture_vwc=0.25), key=device)
    producer.flush(10)
    producer.close()

    def fields(name: str) -> set[str]:
        return {e["data"].get("field_id") for e in got[name]
                if e["topic"] == "agri.field.status"}

    wait(lambda: {"field-e1", "field-e3"} <= fields("bureau"), 30, "both fields on the bureau")
    wait(lambda: "field-e1" in fields("farmer"), 10, "own field on the farmer's stream")
    stop.set()
    assert "field-e3" not in fields("farmer"), "a farmer saw another farmer's field"
