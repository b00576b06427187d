"""End to end in headless Chromium: a frost night reaches the agri console live (critical field on
the map, the emergency view, a work order with the nearest machine); the public trace page shows a
batch's verified chain, and after one stored event is altered, shows the chain as broken."""

from __future__ import annotations

import re
import sqlite3
import threading
import time

import pytest
import redis as redis_lib
from zezhou5g.agri.v1 import agri_pb2
from zezhou5g.platform.kafka import EventProducer

CODE = "ZZ-WHEAT-2026-0001"


@pytest.fixture(scope="module")
def agri_stack(stack):
    """The shared stack; the agri records are its ``agri.db`` (so the test can alter them)."""
    stack["agri_db"] = stack["tmp"] / "agri.db"
    return stack




def test_frost_night_shows_live_on_the_console(agri_stack, kafka, browser, console_sign_in):
    producer = EventProducer(kafka.bootstrap, "agri-e2e-devices")
    stop = threading.Event()

    def machines() -> None:
        while not stop.is_set():
            for mid, lat, lon in (("fan-01", 35.51, 112.83), ("sprayer-01", 35.48, 112.86)):
                producer.publish("agri.machine.positions", agri_pb2.MachinePosition(
                    machine_id=mid, lat=lat, lon=lon), key=mid)
            stop.wait(1.0)

    fleet = threading.Thread(target=machines, daemon=True)
    fleet.start()
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        console_sign_in(page, agri_stack["url"], "agri", "agri-bureau", agri_stack["password"])
        page.get_by_test_id("live-status").filter(has_text=re.compile("实时|live")).wait_for(
            timeout=30_000)
        # A calm evening first: whatever earlier tests left on the shared broker is overtaken
        # by fresh readings (moist soil, 12 °C) and any open order is cancelled by the bureau.
        for f in ("e1", "e2", "e3"):
            producer.publish("agri.telemetry", agri_pb2.SensorReading(
                device_id=f"soil-{f}-1", field_id=f"field-{f}", soil_moisture_vwc=0.22),
                key=f"soil-{f}-1")
            producer.publish("agri.telemetry", agri_pb2.SensorReading(
                device_id=f"air-{f}-1", field_id=f"field-{f}", air_temp_c=12.0),
                key=f"air-{f}-1")
        producer.flush(10)
        page.locator('[data-testid="map-field-field-e1"][data-severity="0"]').wait_for(
            timeout=30_000)
        api = agri_stack["url"]
        for o in page.request.get(f"{api}/api/agri/orders?open_only=true").json():
            page.request.post(f"{api}/api/agri/orders/{o['id']}/state",
                              data={"state": "cancelled"})
        page.reload()
        page.get_by_test_id("emergency-none").wait_for(timeout=30_000)
        assert page.locator('[data-testid="alarm-row"][data-type="FROST"][data-status="1"]'
                            ).count() == 0
        # Both machines have reported and are free (else the order goes to whichever is known).
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            states = {m["id"]: m["state"] for m in page.request.get(
                f"{agri_stack['url']}/api/agri/machines").json()}
            if states.get("fan-01") == states.get("sprayer-01") == "free":
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"machines not free: {states}")
        for temp in (3.0, 0.5, -2.0):
            producer.publish("agri.telemetry", agri_pb2.SensorReading(
                device_id="air-e1-1", field_id="field-e1", air_temp_c=temp), key="air-e1-1")
            producer.flush(10)
            time.sleep(0.5)
        # Live, without reloading: the field turns critical, the emergency view lists it and the
        # frost order with its machine appears.
        page.locator('[data-testid="map-field-field-e1"][data-severity="4"]').wait_for(
            timeout=30_000)
        page.locator('[data-testid="emergency-alarm"][data-field="field-e1"]').wait_for(
            timeout=30_000)
        order = page.locator('[data-testid="order-row"][data-field="field-e1"]').first
        order.wait_for(timeout=30_000)
        page.locator('[data-testid="order-row"][data-field="field-e1"][data-machine="fan-01"]'
                     ).first.wait_for(timeout=30_000)
        alarm = page.locator('[data-testid="alarm-row"][data-type="FROST"][data-status="1"]')
        assert alarm.count() == 1
        alarm.get_by_test_id("ack").click()
        page.locator('[data-testid="alarm-row"][data-type="FROST"][data-status="2"]').wait_for(
            timeout=15_000)
        page.get_by_test_id("lang-switch").click()
        page.get_by_text("Emergency command").wait_for(timeout=5_000)
    finally:
        stop.set()
        fleet.join(5)
        producer.close()
    assert not errors, errors


def test_public_trace_page_shows_the_chain_and_a_tampered_event(agri_stack, browser):
    page = browser.new_page(viewport={"width": 375, "height": 812})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{agri_stack['url']}/trace.html?code={CODE}")   # no sign-in
    banner = page.get_by_test_id("trace-verified")
    banner.wait_for(timeout=15_000)
    assert banner.get_attribute("data-ok") == "true"
    events = page.get_by_test_id("trace-event")
    assert events.count() == 7
    assert all(events.nth(i).get_attribute("data-valid") == "true" for i in range(7))

    with sqlite3.connect(agri_stack["agri_db"]) as db:
        before = db.execute("SELECT event_json FROM agri_trace_events WHERE code = ? AND seq = 1",
                            (CODE,)).fetchone()[0]
        after = before.replace('"kg_per_ha": 120', '"kg_per_ha": 60')
        assert after != before
        db.execute("UPDATE agri_trace_events SET event_json = ? WHERE code = ? AND seq = 1",
                   (after, CODE))
    # The gateway shares each chain it read for Z5G_TRACE_CACHE_S (30 s): end that entry now, as
    # its expiry would, so the reload reads the altered chain.
    with redis_lib.Redis.from_url(str(agri_stack["redis_url"])) as client:
        assert client.delete(f"gateway:cache:trace:{CODE}") == 1
    try:
        page.reload()
        banner.wait_for(timeout=15_000)
        assert banner.get_attribute("data-ok") == "false"
        assert "2" in banner.inner_text()            # the second record (seq 1) was altered
        assert [events.nth(i).get_attribute("data-valid") for i in range(7)] == \
            ["true"] + ["false"] * 6
    finally:
        # The stack is shared with other modules: put the record back as it was.
        with sqlite3.connect(agri_stack["agri_db"]) as db:
            db.execute("UPDATE agri_trace_events SET event_json = ? WHERE code = ? AND seq = 1",
                       (before, CODE))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "scrolls sideways"
    assert not errors, errors


def test_farmer_sees_only_his_own_fields(agri_stack, browser):
    page = browser.new_page(viewport={"width": 1024, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{agri_stack['url']}/agri/farmer.html")
    page.wait_for_url(re.compile(r"/login\.html\?next="), timeout=15_000)
    page.fill("#username", "farmer-zhao")
    page.fill("#password", agri_stack["password"])
    page.click("#login-submit")
    page.wait_for_url(re.compile(r"/agri/farmer\.html$"), timeout=15_000)
    page.get_by_test_id("field-field-e1").wait_for(timeout=15_000)
    page.get_by_test_id("field-field-e2").wait_for(timeout=5_000)
    assert page.get_by_test_id("field-field-e3").count() == 0
    assert page.locator("#agri-emergency").count() == 0      # the bureau's view only
    assert not errors, errors
