"""End to end through a real browser: simulator → Kafka → tourism service → Redis and status event
→ gateway SSE → the public page in headless Chromium shows the value, and it changes; an operator
signs in and sees the live console."""

import re


def _number(text: str) -> float:
    match = re.search(r"-?\d+(\.\d+)?", text)
    assert match, f"no number in {text!r}"
    return float(match.group())


def test_public_page_shows_live_changing_values(stack, spawn, base_env, browser, wait):
    sim = spawn("simulators", base_env | {"Z5G_METRICS_PORT": "0"}, "tourism", "--interval",
                "0.5")
    page = browser.new_page(viewport={"width": 375, "height": 812})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{stack['url']}/public.html")
    temp = page.get_by_test_id("tourism-temp-jueshan")
    temp.filter(has_text=re.compile(r"\d+\.\d°C")).wait_for(timeout=30_000)
    first = _number(temp.inner_text())
    assert -40 < first < 60
    # The simulated sensors drift every tick, so the shown value must move on its own.
    wait(lambda: _number(temp.inner_text()) != first, 30, "temperature to change on the page",
         (sim,))
    comfort = page.get_by_test_id("tourism-comfort-jueshan")
    assert comfort.get_attribute("data-level") in {"comfortable", "fair", "uncomfortable"}
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "scrolls sideways"
    assert not errors, errors


def test_operator_signs_in_and_sees_the_live_console(stack, spawn, base_env, browser):
    spawn("simulators", base_env | {"Z5G_METRICS_PORT": "0"}, "tourism", "--interval", "0.5")
    page = browser.new_page()
    page.goto(f"{stack['url']}/console/tourism.html")
    page.wait_for_url(re.compile(r"/login\.html\?next="), timeout=15_000)
    page.fill("#username", "jueshan-ops")
    page.fill("#password", "wrong-password")
    page.click("#login-submit")
    page.locator("#login-error").filter(has_text="wrong username or password").wait_for(
        timeout=10_000)
    page.fill("#password", stack["password"])
    page.click("#login-submit")
    page.wait_for_url(re.compile(r"/console/tourism\.html$"), timeout=15_000)
    page.get_by_test_id("live-status").filter(has_text=re.compile("实时|live")).wait_for(
        timeout=30_000)
    page.get_by_test_id("tourism-temp-dayang").filter(
        has_text=re.compile(r"\d+\.\d°C")).wait_for(timeout=30_000)
    page.get_by_test_id("lang-switch").click()
    assert page.evaluate("document.documentElement.lang").startswith("en")
