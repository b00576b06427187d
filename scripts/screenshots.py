"""Screenshots of every page of a running gateway, to look at: both languages, both widths.

    uv run --frozen python scripts/screenshots.py [--url http://127.0.0.1:8080] [--out shots]

Signs in as each page's demo user with ``Z5G_DEMO_PASSWORD`` (from the environment, else
``.run/secrets.env`` of ``make demo``) and writes ``<page>-<lang>-<width>.png`` for the pages of
``tests/e2e/pages.py`` (the same list the screenshot test checks), in Debian's Chromium. Prints
what the test would fail on (sideways scrolling, text in the other language, console errors).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pages() -> object:
    spec = importlib.util.spec_from_file_location("e2e_pages", ROOT / "tests/e2e/pages.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


def _password() -> str:
    if os.environ.get("Z5G_DEMO_PASSWORD"):
        return os.environ["Z5G_DEMO_PASSWORD"]
    secrets = ROOT / ".run/secrets.env"
    for line in secrets.read_text().splitlines() if secrets.exists() else []:
        if line.startswith("Z5G_DEMO_PASSWORD="):
            return line.split("=", 1)[1].strip()
    raise SystemExit("set Z5G_DEMO_PASSWORD (or run make demo, which writes .run/secrets.env)")


def main() -> None:
    """Visit every page and save its screenshots."""
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    port = os.environ.get("Z5G_HTTP_PORT", "8080")
    parser.add_argument("--url", default=f"http://127.0.0.1:{port}")
    parser.add_argument("--out", type=Path, default=Path("shots"))
    parser.add_argument("--only", nargs="*", help="page names (default: all)")
    args = parser.parse_args()
    pages = _pages()
    password = _password()
    args.out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True,
                                    args=["--no-sandbox", "--use-fake-device-for-media-stream",
                                          "--use-fake-ui-for-media-stream"])
        contexts: dict[str | None, object] = {}
        for spec in pages.PAGES:
            if args.only and spec.name not in args.only:
                continue
            if spec.user not in contexts:
                ctx = browser.new_context()
                if spec.user:
                    r = ctx.request.post(f"{args.url}/api/auth/login",
                                         data={"username": spec.user, "password": password})
                    if r.status != 200:
                        raise SystemExit(f"sign-in as {spec.user}: HTTP {r.status}")
                contexts[spec.user] = ctx
            for lang in pages.LANGS:
                page = contexts[spec.user].new_page()
                page.add_init_script(f"localStorage.setItem('z5g.lang', '{lang}')")
                errors: list[str] = []
                page.on("console",
                        lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
                page.goto(f"{args.url}{spec.path}")
                try:
                    page.locator(spec.ready).first.wait_for(timeout=30_000)
                except Exception:  # noqa: BLE001 - still worth a look
                    print(f"{spec.name} {lang}: not ready ({spec.ready})")
                for width, height in pages.WIDTHS:
                    page.set_viewport_size({"width": width, "height": height})
                    page.wait_for_timeout(800)
                    out = args.out / f"{spec.name}-{lang}-{width}.png"
                    page.screenshot(path=str(out), full_page=True)
                    over = page.evaluate(pages.OVERFLOW)
                    wrong = page.evaluate(pages.LANGUAGE_CHECK, [lang, sorted(pages.LATIN_OK)]) \
                        if spec.i18n else []
                    notes = ([f"scrolls sideways by {over}px"] if over > 0 else []) + \
                        ([f"other language: {wrong[:6]}"] if wrong else [])
                    print(out, *notes, sep="  ")
                for e in errors:
                    print(f"  console error: {e}")
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
