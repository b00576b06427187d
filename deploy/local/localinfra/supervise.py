"""Keep the local processes running: restart a crashed one with back-off, stop all cleanly.

``make demo`` runs ``python -m localinfra.demo run --procfile Procfile`` (:mod:`localinfra.demo`,
the Procfile read by :mod:`localinfra.procfile`). Each line is one program; a program that
exits for any reason while the supervisor is not stopping is started again after a delay that
doubles with each crash in a row (1 s, 2 s, 4 s … 30 s) and falls back to the first delay once
the program has stayed up for a minute, like a Kubernetes pod's ``CrashLoopBackOff`` under
``restartPolicy: Always``; it never gives up.
Kafka, Redis and PostgreSQL are not programs here: ``python -m localinfra`` runs them detached,
so a crashing service never takes them down, and ``make infra-stop`` can still stop them under
a running demo to show an outage.

Each program runs in a session of its own, so a Ctrl-C on the terminal reaches the supervisor,
not the programs; stopping sends SIGTERM to every program's process group at once, waits up to
``grace_s`` seconds, then SIGKILLs what is left. Output goes line by line to
``<log_dir>/<name>.log`` (a marker line for every start and exit) and, when a console is given,
to it as ``hh:mm:ss name | line``.

The same class is the API for tests that kill a service and expect it back::

    from localinfra.supervise import Backoff, Program, Supervisor

    programs = [Program("medical", (sys.executable, "-m", "medical"), env=service_env)]
    with Supervisor(programs, log_dir=tmp_path, env=clean_env,
                    backoff=Backoff(initial_s=0.5)) as sup:
        pid = sup.wait_running("medical")
        os.kill(pid, signal.SIGKILL)
        pid = sup.wait_restarted("medical", pid)     # a new process, after the back-off delay
        assert sup.exits("medical")[-1].returncode == -signal.SIGKILL
    # leaving the block stops every program (SIGTERM, SIGKILL after grace_s)

``exits(name)`` lists every exit with its return code (negative: killed by that signal), how
long the process ran and the delay chosen before the restart, so a test can check the back-off;
``restarts(name)`` counts them; ``stop()`` returns each program's last return code (0 for a
service that shut down gracefully on SIGTERM). ``tests/integration/test_supervisor.py`` is a
complete example against the session's Kafka and Redis.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

_COLOURS = ("36", "33", "32", "35", "34", "96", "93", "92")


@dataclass(frozen=True)
class Backoff:
    """Delay before restarting a program that exited: ``initial_s * factor**(crashes - 1)``.

    ``crashes`` counts exits in a row; it starts again from 1 after a run of at least
    ``reset_after_s`` seconds. The delay never exceeds ``max_s``. All values in seconds.
    """

    initial_s: float = 1.0
    factor: float = 2.0
    max_s: float = 30.0
    reset_after_s: float = 60.0

    def delay(self, crashes: int) -> float:
        """Seconds to wait before the restart that follows the ``crashes``-th exit in a row."""
        return float(min(self.max_s, self.initial_s * self.factor ** max(0, crashes - 1)))


@dataclass(frozen=True)
class Program:
    """One supervised program: ``argv`` run directly (no shell), ``env`` added to the base."""

    name: str
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Exit:
    """One exit of a program: ``returncode`` (negative: killed by that signal), run time (s).

    ``restart_in_s`` is the back-off delay chosen, or None when the supervisor was stopping.
    """

    pid: int
    returncode: int
    ran_s: float
    restart_in_s: float | None


class _Slot:
    """What the supervisor knows about one program (guarded by the supervisor's lock)."""

    def __init__(self, program: Program, colour: str) -> None:
        self.program = program
        self.colour = colour
        self.popen: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.crashes = 0
        self.restart_at: float | None = None
        self.exits: list[Exit] = []
        self.readers: list[threading.Thread] = []


class Supervisor:
    """Runs programs, restarts each one that exits (see :class:`Backoff`), stops them on demand.

    Args:
        programs: what to run; names must be unique.
        log_dir: one ``<name>.log`` per program (truncated when the supervisor starts).
        env: the base environment of every program (default: this process's); each program's
            own ``env`` is added on top.
        cwd: working folder of the programs (default: this process's).
        backoff: the restart delays.
        grace_s: seconds between SIGTERM and SIGKILL when stopping.
        console: where to echo output (``hh:mm:ss name | line``); None echoes nothing.
        show: ``show(name, line) -> bool`` decides which output lines reach the console (log
            files always get every line).
        state_file: a JSON file kept up to date with each program's pid, restarts and state,
            read by ``python -m localinfra.supervise status``.
    """

    def __init__(self, programs: Sequence[Program], *, log_dir: Path,
                 env: Mapping[str, str] | None = None, cwd: Path | None = None,
                 backoff: Backoff | None = None, grace_s: float = 20.0,
                 console: TextIO | None = None, show: Callable[[str, str], bool] | None = None,
                 state_file: Path | None = None) -> None:
        names = [p.name for p in programs]
        if len(set(names)) != len(names):
            raise ValueError(f"program names must be unique: {names}")
        self._slots = {p.name: _Slot(p, _COLOURS[i % len(_COLOURS)])
                       for i, p in enumerate(programs)}
        self.log_dir = log_dir
        self._env = dict(os.environ if env is None else env)
        self._cwd = cwd
        self.backoff = backoff or Backoff()
        self.grace_s = grace_s
        self._console = console
        self._show = show
        self._state_file = state_file
        self._colour = bool(console is not None and console.isatty())
        self._width = max([len(n) for n in names] + [len("supervise")])
        self._lock = threading.RLock()
        self._print_lock = threading.RLock()
        self._stopping = threading.Event()
        self._killed = False
        self._monitor: threading.Thread | None = None

    # -- the API tests use -------------------------------------------------------------------

    def start(self) -> Supervisor:
        """Start every program and the thread that restarts them; returns ``self``."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self._lock:
            for slot in self._slots.values():
                (self.log_dir / f"{slot.program.name}.log").write_bytes(b"")
                self._spawn(slot)
        self._monitor = threading.Thread(target=self._watch, name="supervise", daemon=True)
        self._monitor.start()
        return self

    def pid(self, name: str) -> int | None:
        """The pid of ``name``'s current process, or None while it is down or waiting."""
        with self._lock:
            popen = self._slots[name].popen
            return popen.pid if popen is not None and popen.poll() is None else None

    def restarts(self, name: str) -> int:
        """How many times ``name`` exited and was (or is about to be) started again."""
        with self._lock:
            return sum(1 for e in self._slots[name].exits if e.restart_in_s is not None)

    def exits(self, name: str) -> list[Exit]:
        """Every exit of ``name`` so far, oldest first."""
        with self._lock:
            return list(self._slots[name].exits)

    def wait_running(self, name: str, timeout: float = 30.0) -> int:
        """Wait until ``name`` has a live process; returns its pid (TimeoutError after)."""
        return self._wait(name, lambda pid: True, timeout, "running")

    def wait_restarted(self, name: str, old_pid: int, timeout: float = 60.0) -> int:
        """Wait until ``name`` runs as a process other than ``old_pid``; returns the new pid."""
        return self._wait(name, lambda pid: pid != old_pid, timeout, f"restarted (was {old_pid})")

    def stop(self) -> dict[str, int | None]:
        """Stop every program (SIGTERM, SIGKILL after ``grace_s``); their last return codes.

        Idempotent. A program that was waiting for its restart is simply not started again.
        """
        self._stopping.set()
        if self._monitor is not None:
            self._monitor.join()
        with self._lock:
            live = [(s, s.popen) for s in self._slots.values() if s.popen is not None]
            for slot, popen in live:
                if popen.poll() is None:
                    self.say(f"stopping {slot.program.name} (pid {popen.pid})")
                    _signal_group(popen.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.grace_s
        for slot, popen in live:
            try:
                popen.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"{slot.program.name} still running after {self.grace_s:g} s: SIGKILL")
                _signal_group(popen.pid, signal.SIGKILL)
                popen.wait()
        codes: dict[str, int | None] = {}
        with self._lock:
            for slot, _ in live:
                self._record_exit(slot, restart=False)
            for slot in self._slots.values():
                codes[slot.program.name] = slot.exits[-1].returncode if slot.exits else None
                for reader in slot.readers:
                    reader.join(5)
            self._write_state()
        return codes

    def kill(self) -> None:
        """SIGKILL every running program now and start none again (a second Ctrl-C).

        Safe to call from a signal handler while :meth:`stop` waits: it takes only the
        re-entrant lock and prints nothing.
        """
        self._killed = True
        with self._lock:
            for slot in self._slots.values():
                if slot.popen is not None and slot.popen.poll() is None:
                    _signal_group(slot.popen.pid, signal.SIGKILL)

    def __enter__(self) -> Supervisor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- console -----------------------------------------------------------------------------

    def say(self, message: str) -> None:
        """Print a line of the supervisor's own on the console as ``supervise | …``."""
        self._echo("supervise", "1", message)

    def _echo(self, name: str, colour: str, line: str) -> None:
        if self._console is None:
            return
        stamp = time.strftime("%H:%M:%S")
        label = f"{name:<{self._width}} |"
        if self._colour:
            label = f"\x1b[{colour}m{label}\x1b[0m"
        with self._print_lock:
            self._console.write(f"{stamp} {label} {line}\n")
            self._console.flush()

    # -- internals ---------------------------------------------------------------------------

    def _wait(self, name: str, ok: Callable[[int], bool], timeout: float, what: str) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid = self.pid(name)
            if pid is not None and ok(pid):
                return pid
            time.sleep(0.05)
        raise TimeoutError(f"{name} not {what} after {timeout:.0f} s; last log lines:\n"
                           f"{self.log_tail(name)}")

    def log_tail(self, name: str, lines: int = 30) -> str:
        """The last lines of ``name``'s log file, for error messages."""
        try:
            text = (self.log_dir / f"{name}.log").read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def _spawn(self, slot: _Slot) -> None:
        program = slot.program
        log_path = self.log_dir / f"{program.name}.log"
        env = self._env | dict(program.env)
        try:
            popen = subprocess.Popen(  # noqa: S603 - argv comes from the Procfile or a test
                list(program.argv), env=env, cwd=self._cwd, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as exc:
            # Not startable (missing executable): treated like an immediate crash.
            self.say(f"{program.name} could not start: {exc}")
            slot.popen = None
            slot.started_at = time.monotonic()
            slot.exits.append(Exit(0, 127, 0.0, self._schedule(slot, 0.0)))
            self._write_state()
            return
        slot.popen = popen
        slot.started_at = time.monotonic()
        slot.restart_at = None
        with open(log_path, "ab") as log:
            log.write(f"--- {_now()} started pid {popen.pid}: {shlex.join(program.argv)}\n"
                      .encode())
        reader = threading.Thread(target=self._read, args=(slot, popen, log_path),
                                  name=f"supervise-{program.name}", daemon=True)
        reader.start()
        slot.readers = [r for r in slot.readers if r.is_alive()] + [reader]
        self.say(f"{program.name} started (pid {popen.pid})")
        self._write_state()

    def _read(self, slot: _Slot, popen: subprocess.Popen[bytes], log_path: Path) -> None:
        assert popen.stdout is not None
        name = slot.program.name
        with open(log_path, "ab", buffering=0) as log:
            for raw in iter(popen.stdout.readline, b""):
                log.write(raw)
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if self._show is None or self._show(name, line):
                    self._echo(name, slot.colour, line)
        popen.stdout.close()

    def _schedule(self, slot: _Slot, ran_s: float) -> float:
        if ran_s >= self.backoff.reset_after_s:
            slot.crashes = 0
        slot.crashes += 1
        delay = self.backoff.delay(slot.crashes)
        slot.restart_at = time.monotonic() + delay
        return delay

    def _record_exit(self, slot: _Slot, restart: bool) -> None:
        popen = slot.popen
        assert popen is not None and popen.returncode is not None
        ran_s = time.monotonic() - slot.started_at
        delay = self._schedule(slot, ran_s) if restart else None
        slot.exits.append(Exit(popen.pid, popen.returncode, ran_s, delay))
        slot.popen = None
        with open(self.log_dir / f"{slot.program.name}.log", "ab") as log:
            log.write(f"--- {_now()} pid {popen.pid} {_describe(popen.returncode)}\n".encode())
        if delay is not None:
            restarts = sum(e.restart_in_s is not None for e in slot.exits)
            self.say(f"{slot.program.name} (pid {popen.pid}) {_describe(popen.returncode)} after "
                     f"{ran_s:.1f} s; restart #{restarts} in {delay:g} s")
        else:
            self.say(f"{slot.program.name} stopped ({_describe(popen.returncode)})")
        self._write_state()

    def _watch(self) -> None:
        while not self._stopping.wait(0.05):
            with self._lock:
                if self._stopping.is_set():
                    return
                now = time.monotonic()
                for slot in self._slots.values():
                    if slot.popen is not None and slot.popen.poll() is not None:
                        self._record_exit(slot, restart=True)
                    elif slot.popen is None and slot.restart_at is not None \
                            and now >= slot.restart_at and not self._killed:
                        self._spawn(slot)

    def _write_state(self) -> None:
        if self._state_file is None:
            return
        state = {}
        for name, slot in self._slots.items():
            running = slot.popen is not None and slot.popen.poll() is None
            state[name] = {
                "pid": slot.popen.pid if running and slot.popen else None,
                "state": "running" if running else (
                    "stopped" if self._stopping.is_set() or slot.restart_at is None
                    else "waiting to restart"),
                "restarts": sum(1 for e in slot.exits if e.restart_in_s is not None),
                "last_exit": _describe(slot.exits[-1].returncode) if slot.exits else None,
            }
        tmp = self._state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"supervisor_pid": os.getpid(), "programs": state}, indent=1))
        tmp.replace(self._state_file)


def _describe(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with status {returncode}"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def _signal_group(pid: int, sig: signal.Signals) -> None:
    # Each program leads its own process group: whatever it started goes with it.
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)
