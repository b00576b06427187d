"""Every page in headless Chromium (Debian's, with Debian's Noto CJK fonts), as the user who works
on it: in zh-CN and English, at 1440×900 and 375×812. Each visit takes screenshots (kept in
``$Z5G_E2E_SHOTS`` when set, to look at) and fails on a console error, a page that scrolls
sideways, text in the other language, or a live value that does not change. The module shares
one stack, one browser and one signed-in context per user; the simulators feed every scenario.

Then the stale state: with a service stopped, its console says "stale" within 10 s.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def _load(name: str) -> object:
    # Beside this file (the tests folder is not a package under pytest's importlib mode).
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"e2e_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# The caller's settings the test processes keep (as the root conftest's processes do).
PASS_THROUGH = ("Z5G_TESTDATA", "Z5G_CACHE_DIR", "Z5G_MODELS_DIR")
pages = _load("pages")
PAGES, LANGS, WIDTHS, Page = pages.PAGES, pages.LANGS, pages.WIDTHS, pages.Page
KEEP = bool(os.environ.get("Z5G_E2E_SHOTS"))
# The last test stops the medical service: this module gets a stack of its own.
STACK_PRIVATE = True


@pytest.fixture(scope="module")
def simulators(stack, base_env) -> Iterator[subprocess.Popen[bytes]]:
    """The demo's devices for every scenario, feeding the module's stack."""
    env = ({k: v for k, v in os.environ.items() if not k.startswith("Z5G_")}
           | {k: os.environ[k] for k in PASS_THROUGH if k in os.environ}
           | base_env | {"Z5G_METRICS_PORT": "0"})
    with open(stack["tmp"] / "simulators.log", "wb") as log:
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "simulators", "tourism", "medical", "agri", "transport",
             "--interval", "1"], env=env, stdout=log, stderr=subprocess.STDOUT)
    yield proc
    proc.terminate()
    proc.wait(20)


@pytest.fixture(scope="module")
def chromium(launch_chromium) -> Iterator[object]:
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def contexts(stack, chromium, stack_client) -> Iterator[dict[str | None, object]]:
    """A browser context per user, signed in once (None: signed out)."""
    made: dict[str | None, object] = {}

    def get(user: str | None) -> object:
        if user not in made:
            ctx = chromium.new_context()
            if user:
                stack_client.clear_login_limits(stack)
                r = ctx.request.post(f"{stack['url']}/api/auth/login",
                                     data={"username": user, "password": stack["password"]})
                assert r.status == 200, r.text()
            made[user] = ctx
        return made[user]

    yield get  # type: ignore[misc]
    for ctx in made.values():
        ctx.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("Z5G_E2E_SHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _text(page, selector: str) -> str:
    loc = page.locator(selector).first
    return (loc.get_attribute("datetime") or "") + loc.inner_text()


@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_page_in_both_languages_and_widths(spec, stack, simulators, contexts, shots) -> None:
    ctx = contexts(spec.user)
    problems: list[str] = []
    # A tool in English only (the API docs) is looked at once.
    for lang in LANGS if spec.i18n else LANGS[:1]:
        page = ctx.new_page()
        page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
        page.add_init_script(f"localStorage.setItem('z5g.lang', '{lang}')")
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(f"pageerror: {exc}"))
        page.on("console", lambda m, errors=errors: errors.append(f"console: {m.text}")
                if m.type == "error" else None)
        page.on("response", lambda r, errors=errors: errors.append(f"HTTP {r.status} {r.url}")
                if r.status >= 400 else None)
        page.goto(f"{stack['url']}{spec.path}")
        try:
            page.locator(spec.ready).first.wait_for(timeout=45_000)
        except Exception:
            page.screenshot(path=str(shots / f"{spec.name}-{lang}-not-ready.png"), full_page=True)
            raise
        if spec.i18n:
            assert page.evaluate("document.documentElement.lang") == lang
        # Live values are watched in the first language (the data does not depend on it).
        watch = spec.live if lang == LANGS[0] else None
        before = _text(page, watch) if watch else None
        started = time.monotonic()
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            # Laid out again at the new width: two animation frames (charts redraw from a
            # ResizeObserver, which fires before the next frame), then a short settle.
            page.evaluate(pages.NEXT_FRAMES)
            page.wait_for_timeout(100)
            # Whole pages when someone will look ($Z5G_E2E_SHOTS), else the screen at desktop width.
            page.screenshot(path=str(shots / f"{spec.name}-{lang}-{width}.png"),
                            full_page=KEEP or width < 1000)
            if (over := page.evaluate(pages.OVERFLOW)) > 0:
                problems.append(f"{lang} {width}px: scrolls sideways by {over}px")
            if spec.i18n:
                wrong = page.evaluate(pages.LANGUAGE_CHECK, [lang, sorted(pages.LATIN_OK)])
                if wrong:
                    problems.append(f"{lang} {width}px: other language: {wrong[:12]}")
        if watch:
            # Live data moves by itself: within 25 s of opening the page the value changes.
            deadline = started + 25
            while _text(page, watch) == before and time.monotonic() < deadline:
                page.wait_for_timeout(500)
            if _text(page, watch) == before:
                problems.append(f"{lang}: {watch} stayed {before!r}")
        if spec.live:
            state = page.get_by_test_id("live-status").get_attribute("data-state")
            if state != "live":
                problems.append(f"{lang}: live indicator says {state}")
        problems += [f"{lang}: {e}" for e in errors]
        page.close()
    assert not problems, "\n".join(problems)


def test_metrics_answer_without_the_trailing_slash(stack) -> None:
    import httpx

    r = httpx.get(f"{stack['url']}/metrics", timeout=10, follow_redirects=False)
    assert r.status_code == 200 and "z5g_gateway_stream_subscribers" in r.text


def test_sign_in_with_a_wrong_password_says_so_in_the_page_language(stack, chromium,
                                                                     stack_client) -> None:
    stack_client.clear_login_limits(stack)
    ctx = chromium.new_context()
    page = ctx.new_page()
    page.goto(f"{stack['url']}/console/tourism.html")
    page.wait_for_url(re.compile(r"/login\.html\?next="), timeout=15_000)
    page.fill("#username", "jueshan-ops")
    page.fill("#password", "wrong-password")
    page.click("#login-submit")
    page.locator("#login-error").filter(has_text="用户名或密码错误").wait_for(timeout=10_000)
    page.get_by_test_id("lang-switch").click()
    page.locator("#login-error").filter(has_text="Wrong username or password").wait_for(
        timeout=5_000)
    page.fill("#password", stack["password"])
    page.click("#login-submit")
    page.wait_for_url(re.compile(r"/console/tourism\.html$"), timeout=15_000)
    page.get_by_test_id("live-status").filter(has_text="live").wait_for(timeout=30_000)
    ctx.close()


def test_a_console_says_stale_within_10_s_when_its_service_stops(stack, simulators, contexts
                                                                 ) -> None:
    """Runs last: it stops the stack's medical service."""
    page = contexts("dr-wang").new_page()
    page.add_init_script("localStorage.setItem('z5g.lang', 'zh-CN')")
    page.goto(f"{stack['url']}/console/medical.html")
    status = page.get_by_test_id("live-status")
    page.locator('[data-testid="live-status"][data-state="live"]').wait_for(timeout=30_000)
    medical = next(p for p in stack["procs"] if p.module == "medical")
    medical.stop()
    stopped = time.monotonic()
    page.locator('[data-testid="live-status"][data-state="stale"]').wait_for(timeout=10_000)
    assert time.monotonic() - stopped < 10
    assert "数据已过期" in status.inner_text()
    assert "医疗服务" in page.get_by_test_id("live-detail").inner_text()
    assert page.evaluate("document.body.dataset.live") == "stale"
    page.close()
