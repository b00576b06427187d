"""Headless Chromium (Debian's package) for the end-to-end tests, driven by Playwright."""

import re
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
        # Chromium's built-in fake camera (a moving test pattern, no face) for the gate kiosk
        # and the enrolment page, granted without a prompt.
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def _console_sign_in(page, url: str, console: str, user: str, password: str) -> None:
    """Open ``/console/<console>.html`` signed out, sign in as ``user``, land back on it."""
    page.goto(f"{url}/console/{console}.html")
    page.wait_for_url(re.compile(r"/login\.html\?next="), timeout=15_000)
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_url(re.compile(rf"/console/{console}\.html$"), timeout=15_000)


@pytest.fixture
def console_sign_in():
    """``console_sign_in(page, url, console, user, password)``: sign in to an operator console."""
    return _console_sign_in
