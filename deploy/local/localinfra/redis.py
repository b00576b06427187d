"""A Redis server from Debian's redis-server package."""

from __future__ import annotations

from pathlib import Path

from localinfra.proc import InfraError, ManagedProcess, port_open, require_binary, wait_until


class RedisServer:
    """Redis on 127.0.0.1 with its data (AOF) under ``run_dir/redis``."""

    def __init__(self, run_dir: Path, port: int) -> None:
        self.dir = run_dir / "redis"
        self.port = port
        self.proc = ManagedProcess("redis", self.dir / "redis.pid", self.dir / "redis.log")

    @property
    def url(self) -> str:
        """The ``redis://`` URL of database 0."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 20.0) -> None:
        """Start redis-server unless it already runs, and wait for PING."""
        if self.proc.running():
            self.wait_ready(timeout)
            return
        if port_open(self.port):
            raise InfraError(f"port {self.port} is taken by another process; stop it or set "
                             "Z5G_REDIS_PORT")
        binary = require_binary("redis-server", "install it with apt-get install -y redis-server")
        self.dir.mkdir(parents=True, exist_ok=True)
        self.proc.spawn([
            binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
            "--appendonly", "yes", "--save", "", "--daemonize", "no", "--protected-mode", "yes",
        ])
        self.wait_ready(timeout)

    def healthy(self) -> bool:
        """True when the server answers PING."""
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=1).ping())
        except (redis.RedisError, OSError):
            return False

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Block until PING answers, or raise with the server's log tail."""
        wait_until(self.healthy, timeout, f"Redis on port {self.port}", self.proc)

    def stop(self) -> bool:
        """Stop the server; True if it was running."""
        return self.proc.stop()
