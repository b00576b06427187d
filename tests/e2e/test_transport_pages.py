"""Transport end to end: the gateway's REST API and pages in headless Chromium, with all
services running as real processes (the ``stack`` fixture).

Photos and video: shared/testdata/faces_ageitgey (ageitgey/face_recognition @
2e2dccea9dd0ce730c8d464d0f67c6eebb40c9d1, MIT).
"""

from __future__ import annotations

import base64
import re
import uuid
from datetime import UTC, datetime, timedelta

import cv2
import httpx
from zezhou5g.platform import paths

TD = paths.testdata_dir()
LIN = TD / "faces_ageitgey/examples/lin-manuel-miranda.png"
CLIP = TD / "faces_ageitgey/examples/short_hamilton_clip.mp4"




def clip_frames() -> list[dict[str, object]]:
    """Frames 95-160 (every 2nd) as the kiosk posts them: base64 JPEG data URLs, ms."""
    cap = cv2.VideoCapture(str(CLIP))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    out, i = [], 0
    while i <= 160:
        ok, frame = cap.read()
        if not ok:
            break
        if i >= 95 and (i - 95) % 2 == 0:
            b64 = base64.b64encode(cv2.imencode(".jpg", frame)[1].tobytes()).decode()
            out.append({"image_b64": f"data:image/jpeg;base64,{b64}",
                        "t_ms": round((i - 95) / fps * 1000)})
        i += 1
    cap.release()
    return out


def sign_in(page, url: str, password: str, target: str) -> None:
    page.goto(f"{url}{target}")
    page.wait_for_url(re.compile(r"/login\.html\?next="), timeout=15_000)
    page.fill("#username", "station-ops")
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_url(re.compile(re.escape(target) + "$"), timeout=15_000)


def test_enrol_page_kiosk_and_console(stack, browser, wait):
    url, run = stack["url"], uuid.uuid4().hex[:6]
    ticket = f"E2E-{run}"
    errors: list[str] = []

    # 1. A passenger enrols on the public page: upload, separate consent.
    page = browser.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{url}/transport/enrol.html")
    assert "个人信息保护法" in page.get_by_test_id("consent-text").inner_text()
    page.get_by_test_id("enrol-ticket").fill(ticket)
    page.get_by_test_id("enrol-id").fill(f"1401{run}")
    two = TD / "faces_ageitgey/examples/two_people.jpg"
    page.get_by_test_id("enrol-photo").set_input_files(str(two))
    page.get_by_test_id("enrol-submit").click()
    page.get_by_test_id("enrol-refused").wait_for(timeout=60_000)  # no consent ticked
    assert "consent_missing" in page.get_by_test_id("enrol-refused").inner_text()
    page.get_by_test_id("enrol-consent").check()
    page.get_by_test_id("enrol-submit").click()
    page.get_by_test_id("enrol-refused").filter(has_text="several_faces").wait_for(
        timeout=60_000)
    page.get_by_test_id("enrol-photo").set_input_files(str(LIN))
    page.get_by_test_id("enrol-submit").click()
    page.get_by_test_id("enrol-ok").wait_for(timeout=60_000)

    # 2. Station staff open the console and the kiosk.
    ctx = browser.new_context()
    console = ctx.new_page()
    console.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(console, url, stack["password"], "/console/transport.html")
    console.get_by_test_id("tr-station").wait_for(timeout=30_000)
    kiosk = ctx.new_page()
    kiosk.on("pageerror", lambda exc: errors.append(str(exc)))
    kiosk.goto(f"{url}/transport/kiosk.html?gate=gate-hsr-1")
    start = kiosk.get_by_test_id("kiosk-start")
    wait(lambda: start.is_enabled(), 30, "the kiosk camera")
    # Chromium's fake camera shows a test pattern, not a face: the gate must refuse.
    start.click()
    kiosk.get_by_test_id("kiosk-instruction").filter(has_text=re.compile(r"\S")).wait_for(
        timeout=10_000)
    outcome = kiosk.get_by_test_id("kiosk-outcome")
    outcome.wait_for(timeout=60_000)
    assert outcome.inner_text() == "未通过"
    assert "活体检测未通过" in kiosk.locator("#kiosk-outcome").inner_text()

    # 3. The enrolled passenger at a gate (real clip frames through the gateway, as the kiosk
    #    posts them): admitted; the same request retried 3 times is charged once.
    cookies = {c["name"]: c["value"] for c in ctx.cookies()}
    with httpx.Client(base_url=url, cookies=cookies, timeout=90) as http:
        for _ in range(40):
            p = http.post("/api/transport/gates/gate-hsr-1/passages",
                          json={"ticket_id": ticket}).json()
            if p["challenge"] == "turn_right":
                break
        # The stack's transport database may outlive one run: compare against the total before.
        before = int(http.get("/api/transport/summary").json()["charged_fen"])
        request_id = str(uuid.uuid4())
        body = {"request_id": request_id, "frames": clip_frames()}
        replies = [http.post(f"/api/transport/passages/{p['passage_id']}/decision", json=body)
                   for _ in range(3)]
        assert [r.status_code for r in replies] == [200] * 3
        d = replies[0].json()["decision"]
        assert (d["outcome"], d["reason"]) == ("open", "match_1to1"), d
        assert [r.json().get("replayed", False) for r in replies] == [False, True, True]
        # uint64 fields come as JSON strings (proto3 JSON mapping).
        wait(lambda: int(http.get("/api/transport/summary").json()["charged_fen"]) - before
             == 1250, 30,
             "one fare charged")

        # The kiosk is the gate's display: the gate camera's admission shows there large, and
        # its list holds both of this gate's decisions (the three replies are one decision).
        kiosk.get_by_test_id("kiosk-outcome").filter(has_text="请通行").wait_for(timeout=30_000)
        assert "闸机摄像头" in kiosk.locator("#kiosk-outcome").inner_text()
        listed = kiosk.get_by_test_id("kiosk-recent").locator("li")
        assert [li.get_attribute("data-outcome") for li in listed.all()] == ["open", "deny"]
        kiosk.get_by_test_id("lang-switch").click()
        kiosk.get_by_test_id("kiosk-outcome").filter(has_text="Please pass").wait_for(
            timeout=10_000)
        assert "gate camera" in listed.first.inner_text()

        # 4. The console shows it live: rates, payment total, the decisions.
        total = f"¥{(before + 1250) / 100:.2f}"
        console.get_by_test_id("tr-charged").filter(has_text=total).wait_for(timeout=30_000)
        recent = console.get_by_test_id("tr-recent")
        recent.locator('tr[data-outcome="open"]').first.wait_for(timeout=30_000)
        recent.locator('tr[data-outcome="deny"]').first.wait_for(timeout=30_000)
        assert console.get_by_test_id("tr-open-rate").inner_text().endswith("50 %")
        assert int(http.get("/api/transport/summary").json()["charged_fen"]) - before == 1250

        # 5. Withdrawal on the public API; a second withdrawal finds nothing.
        w = http.post("/api/transport/withdraw", json={"ticket_id": ticket,
                                                       "id_number": f"1401{run}"}).json()
        assert w["withdrawn"] is True
        again = http.post("/api/transport/withdraw", json={"ticket_id": ticket,
                                                           "id_number": f"1401{run}"}).json()
        assert again["withdrawn"] is False
        assert http.post("/api/transport/withdraw", json={
            "ticket_id": ticket, "id_number": "wrong-id"}).status_code == 403
    console.get_by_test_id("lang-switch").click()
    console.get_by_text("Recent gate decisions").wait_for(timeout=10_000)
    assert not errors, errors


def test_console_needs_a_station_operator(stack):
    r = httpx.get(f"{stack['url']}/api/transport/summary", timeout=10)
    assert r.status_code == 401
    departure = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    bad = httpx.post(f"{stack['url']}/api/transport/enrol", timeout=30, data={
        "ticket_id": "X", "trip_id": "G1", "seat": "1A", "departure": departure,
        "station_id": "zezhou-hsr", "id_number": "1234567", "consent": "true",
        "consent_version": "face-2025-06"}, files={"photo": ("x.jpg", b"not a jpeg")})
    assert bad.status_code == 422
