"""Detached processes tracked by pid files, and small helpers shared by the servers."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path


class InfraError(RuntimeError):
    """A local server could not be prepared, started or reached; the message says what to do."""


def require_binary(name: str, hint: str) -> str:
    """Return the path of an executable on PATH or raise with an install hint."""
    path = shutil.which(name)
    if path is None:
        raise InfraError(f"{name} not found: {hint}")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_all(procs: list[subprocess.Popen[bytes]], timeout: float = 20.0) -> None:
    """SIGTERM every process, then wait for each; SIGKILL one that outlives ``timeout``."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


class ManagedProcess:
    """A server process started in its own session, remembered by a pid file.

    The process outlives the Python that started it (``make demo`` starts infrastructure, then
    hands over to the process runner), so state lives in the pid file, not in this object.
    """

    def __init__(self, name: str, pid_file: Path, log_file: Path) -> None:
        self.name = name
        self.pid_file = pid_file
        self.log_file = log_file

    def pid(self) -> int | None:
        """The pid of the running process, or None (stale pid files are removed)."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            self.pid_file.unlink(missing_ok=True)
            return None
        except PermissionError:
            return pid
        if _is_zombie(pid):
            self.pid_file.unlink(missing_ok=True)
            return None
        return pid

    def running(self) -> bool:
        """True when the remembered process is alive."""
        return self.pid() is not None

    def spawn(self, argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
              user: str | None = None) -> int:
        """Start ``argv`` detached, logging to the log file; returns the pid."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        if user is not None and os.geteuid() == 0:
            argv = ["runuser", "-u", user, "--", *argv]
        with open(self.log_file, "ab") as log:
            proc = subprocess.Popen(  # noqa: S603 - argv built from fixed parts
                argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        self.pid_file.write_text(str(proc.pid))
        return proc.pid

    def stop(self, timeout: float = 20.0) -> bool:
        """SIGTERM, then SIGKILL after ``timeout`` seconds; True if something was stopped."""
        pid = self.pid()
        if pid is None:
            return False
        _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                break
            time.sleep(0.1)
        else:
            _signal_group(pid, signal.SIGKILL)
            time.sleep(0.2)
        self.pid_file.unlink(missing_ok=True)
        return True

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of the log, for error messages."""
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # Our own children linger as zombies until reaped; a zombie no longer serves anything.
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def _signal_group(pid: int, sig: signal.Signals) -> None:
    # Servers run in their own session; signal the whole group so wrappers (runuser) and their
    # children go together.
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def wait_until(check, timeout: float, what: str, proc: ManagedProcess) -> None:  # type: ignore[no-untyped-def]
    """Poll ``check()`` until true; raise with the server's log tail on timeout or death."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if not proc.running():
            raise InfraError(f"{what} exited during start-up; last log lines:\n{proc.log_tail()}")
        time.sleep(0.25)
    raise InfraError(f"{what} not ready after {timeout:.0f}s; last log lines:\n{proc.log_tail()}")
