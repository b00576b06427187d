"""``python -m localinfra.demo run|status``: what ``make demo`` runs on top of the supervisor.

``run [--procfile Procfile] [--ready-url URL] [--banner-file FILE]`` supervises every Procfile
program (:mod:`localinfra.supervise`) and adds what a person at the terminal needs:

- **Ctrl-C stops everything and exits 0.** The programs run in sessions of their own, and on a
  terminal the supervisor makes its own process group the foreground one (:func:`take_terminal`),
  so the terminal's SIGINT reaches the supervisor alone; it stops the programs with SIGTERM,
  gives the terminal back and exits 0, and so do the script and ``make`` above it. A second
  Ctrl-C kills what is still running at once. SIGTERM and SIGHUP stop it the same way.
- **Readiness.** ``--ready-url`` (the gateway's ``/readyz``) is polled every second; the first
  200 prints the banner (a file: it holds the demo password, which a command line would show
  in ``ps``), and every change after that (a service down, back) is one line.
- **A quiet start.** Until the first 200, the warnings every start-up produces while the
  services come up in parallel (see :mod:`localinfra.quiet`) are kept out of the terminal —
  they stay in ``.run/logs/<program>.log`` — and counted in one line at ready.
- **A readable outage.** When ``/readyz`` stops answering 200, one line says what is down; the
  Kafka/Redis clients' connection noise of every program is then counted, not echoed, and one
  line at "ready again" says how much was kept in the logs.

``status`` prints each program's pid, state and restart count from ``.run/supervise.json``.
Run data lives under ``Z5G_RUN_DIR`` (default ``./.run``).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from localinfra.procfile import parse_procfile
from localinfra.quiet import StartupQuiet
from localinfra.supervise import Supervisor

NOT_READY_HINT_S = 120.0


def take_terminal() -> Callable[[], None]:
    """Become the terminal's foreground process group; returns the function that gives it back.

    Then a Ctrl-C on the terminal reaches only this process: ``make`` and the script above it
    would otherwise get the SIGINT too, and GNU make, once its recipe has finished, re-raises it
    on itself (its exit status is then 130 even though everything stopped cleanly). Does nothing
    when stdin is not a terminal or this process is not in the terminal's foreground group.
    """
    try:
        fd = sys.stdin.fileno()
        if not os.isatty(fd) or os.tcgetpgrp(fd) != os.getpgrp():
            return lambda: None
        before = os.getpgrp()
        os.setpgid(0, 0)
        # A process outside the foreground group that changes it is sent SIGTTOU: ignored
        # while we switch, in either direction.
        old_ttou = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        os.tcsetpgrp(fd, os.getpgrp())
    except (OSError, ValueError):
        return lambda: None

    def give_back() -> None:
        try:
            os.tcsetpgrp(fd, before)
        except OSError:
            pass
        signal.signal(signal.SIGTTOU, old_ttou)

    return give_back


def _readyz(url: str) -> tuple[int | None, str]:
    """Status code of ``url`` (None when nothing answers) and the names of failing checks."""
    try:
        with urllib.request.urlopen(url, timeout=3) as reply:  # noqa: S310 - local URL
            return reply.status, ""
    except urllib.error.HTTPError as exc:
        try:
            checks = json.loads(exc.read()).get("checks", {})
            failing = [f"{k} ({v.get('detail')})" for k, v in checks.items() if not v.get("ok")]
        except (ValueError, AttributeError):
            failing = []
        return exc.code, ", ".join(failing)
    except (urllib.error.URLError, OSError):
        return None, "gateway not answering"


def _watch_ready(sup: Supervisor, url: str, banner: str, quiet: StartupQuiet,
                 stop: threading.Event) -> None:
    started = time.monotonic()
    ready: bool | None = None  # None until the first 200
    banner_shown = False
    while not stop.wait(1.0):
        code, detail = _readyz(url)
        now_ready = code == 200
        if now_ready and ready is None:
            quiet.ready()
            summary = quiet.summary()
            if summary:
                sup.say(summary)
            sup.say(f"ready after {time.monotonic() - started:.0f} s ({url} answers 200)")
        elif ready is not None and now_ready != ready:
            if now_ready:
                sup.say(f"{url}: 200, ready again")
                if summary := quiet.recovered():
                    sup.say(summary)
            else:
                sup.say(f"{url}: {code or 'no answer'}, not ready: {detail}")
                quiet.outage()
        elif ready is None and not banner_shown \
                and time.monotonic() - started > NOT_READY_HINT_S:
            sup.say(f"not ready after {NOT_READY_HINT_S:.0f} s: {detail or code}; "
                    "see .run/logs/<program>.log")
        if (now_ready or time.monotonic() - started > NOT_READY_HINT_S) and not banner_shown:
            banner_shown = True
            for line in banner.splitlines():
                sup.say(line)
        if now_ready or ready is not None:
            ready = now_ready


def run(procfile: Path, run_dir: Path, ready_url: str | None, banner: str = "") -> int:
    """Supervise the Procfile's programs until SIGINT/SIGTERM/SIGHUP; returns 0."""
    programs = parse_procfile(procfile.read_text())
    quiet = StartupQuiet()
    # A Procfile's ``python`` is the interpreter (and environment) the supervisor runs on.
    env = os.environ | {"PATH": os.pathsep.join([str(Path(sys.executable).parent),
                                                 os.environ.get("PATH", os.defpath)])}
    sup = Supervisor(programs, log_dir=run_dir / "logs", env=env, cwd=Path.cwd(),
                     console=sys.stdout, show=quiet.show, state_file=run_dir / "supervise.json")
    signals: list[int] = []
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        # No locks of our own and no printing here: the main thread may be inside either.
        signals.append(signum)
        if len(signals) > 1:
            sup.kill()

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    give_back = take_terminal()
    sup.start()
    try:
        sup.say(f"{len(programs)} programs from {procfile} under supervision (a crashed one "
                "restarts after 1 s, 2 s, 4 s … 30 s); logs in "
                f"{sup.log_dir}; Ctrl-C stops everything")
        if ready_url:
            threading.Thread(target=_watch_ready, args=(sup, ready_url, banner, quiet, stop),
                             name="readyz", daemon=True).start()
        while not signals:
            time.sleep(0.2)
        sup.say(f"{signal.Signals(signals[0]).name}: stopping (Ctrl-C again to kill at once)")
    finally:
        stop.set()
        sup.stop()
        give_back()
    if len(signals) > 1:
        sup.say("a second signal killed what was still running")
    summary = quiet.summary()
    if summary:
        sup.say(summary)
    sup.say(f"all {len(programs)} programs stopped")
    return 0


def status(run_dir: Path) -> int:
    """Print the programs' state from ``supervise.json`` (exit 0 either way: it only reports)."""
    try:
        state = json.loads((run_dir / "supervise.json").read_text())
    except FileNotFoundError:
        print(f"no supervisor has run here (no {run_dir / 'supervise.json'})")
        return 0
    pid = int(state["supervisor_pid"])
    try:
        os.kill(pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    print(f"supervisor pid {pid}: {'running' if alive else 'not running (state is old)'}")
    for name, info in state["programs"].items():
        print(f"  {name:<12} {info['state']:<20} pid {str(info['pid'] or '-'):<8} "
              f"restarts {info['restarts']}  last exit: {info['last_exit'] or '-'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m localinfra.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["run", "status"])
    parser.add_argument("--procfile", type=Path, default=Path("Procfile"))
    parser.add_argument("--ready-url", help="readiness URL to watch (the gateway's /readyz)")
    parser.add_argument("--banner-file", type=Path, help="text printed once ready")
    args = parser.parse_args(argv)
    run_dir = Path(os.environ.get("Z5G_RUN_DIR", ".run")).resolve()
    if args.action == "status":
        return status(run_dir)
    banner = args.banner_file.read_text() if args.banner_file else ""
    return run(args.procfile, run_dir, args.ready_url, banner)


if __name__ == "__main__":
    sys.exit(main())
