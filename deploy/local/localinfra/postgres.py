"""A PostgreSQL cluster from Debian's postgresql packages, for integration tests and local use."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

from localinfra.proc import InfraError, ManagedProcess, port_open, wait_until

HINT = "install it with apt-get install -y postgresql"


def pg_bin() -> Path:
    """The newest ``/usr/lib/postgresql/<major>/bin`` (initdb is not on PATH in Debian)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name))
    if not found:
        on_path = shutil.which("initdb")
        if on_path is None:
            raise InfraError(f"PostgreSQL server (initdb) not found: {HINT}")
        return Path(on_path).parent
    return found[-1].parent


class PostgresServer:
    """A throw-away cluster with trust authentication on 127.0.0.1 only.

    PostgreSQL refuses to run as root, so when we are root the cluster belongs to the
    ``postgres`` system user that Debian's package creates.
    """

    def __init__(self, run_dir: Path, port: int) -> None:
        self.dir = run_dir / "postgres"
        self.data = self.dir / "data"
        self.port = port
        self.proc = ManagedProcess("postgres", self.dir / "postgres.pid", self.dir / "postgres.log")
        self.user = "postgres" if os.geteuid() == 0 else None

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL (psycopg 3 driver) for ``database``."""
        role = self.user or pwd.getpwuid(os.geteuid()).pw_name
        return f"postgresql+psycopg://{role}@127.0.0.1:{self.port}/{database}"

    def _run(self, argv: list[str]) -> None:
        if self.user:
            argv = ["runuser", "-u", self.user, "--", *argv]
        result = subprocess.run(argv, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise InfraError(f"{' '.join(argv)} failed:\n{result.stdout}{result.stderr}")

    def start(self, timeout: float = 30.0) -> None:
        """Create the cluster once, start it and wait until it accepts connections."""
        if self.proc.running():
            self.wait_ready(timeout)
            return
        if port_open(self.port):
            raise InfraError(f"port {self.port} is taken by another process")
        bindir = pg_bin()
        if self.user:
            try:
                pwd.getpwnam(self.user)
            except KeyError as exc:
                raise InfraError(f"system user 'postgres' missing: {HINT}") from exc
        self.dir.mkdir(parents=True, exist_ok=True)
        self.dir.chmod(0o755)
        if self.user:
            shutil.chown(self.dir, self.user, self.user)
        if not (self.data / "PG_VERSION").exists():
            self._run([str(bindir / "initdb"), "-D", str(self.data), "--auth=trust",
                       "--encoding=UTF8", "--locale=C.UTF-8"])
        self.proc.spawn([
            str(bindir / "postgres"), "-D", str(self.data), "-p", str(self.port),
            "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.dir}",
            "-c", "fsync=off", "-c", "max_connections=200",
        ], user=self.user)
        self.wait_ready(timeout)

    def healthy(self) -> bool:
        """True when a connection to the ``postgres`` database succeeds."""
        import psycopg

        try:
            with psycopg.connect(self.url().replace("+psycopg", ""), connect_timeout=2):
                return True
        except psycopg.Error:
            return False

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Block until connections succeed, or raise with the server's log tail."""
        wait_until(self.healthy, timeout, f"PostgreSQL on port {self.port}", self.proc)

    def create_database(self, name: str) -> str:
        """Create ``name`` if missing; returns its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(self.url().replace("+psycopg", ""), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (name,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> bool:
        """Fast shutdown; True if it was running."""
        return self.proc.stop()
