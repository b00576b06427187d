"""``python -m localinfra start|stop|status|restart [kafka|redis|postgres ...]``.

Ports come from the environment (the repository's ``.env``, loaded by the Makefile):
``Z5G_KAFKA_PORT``, ``Z5G_KAFKA_CONTROLLER_PORT``, ``Z5G_REDIS_PORT``, ``Z5G_POSTGRES_PORT``;
run data lives under ``Z5G_RUN_DIR`` (default ``./.run``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from localinfra.kafka import KafkaServer
from localinfra.postgres import PostgresServer
from localinfra.proc import InfraError
from localinfra.redis import RedisServer

DEFAULT = ("kafka", "redis")


def _servers(run_dir: Path) -> dict[str, KafkaServer | RedisServer | PostgresServer]:
    env = os.environ
    return {
        "kafka": KafkaServer(run_dir, int(env.get("Z5G_KAFKA_PORT", "19092")),
                             int(env.get("Z5G_KAFKA_CONTROLLER_PORT", "19093"))),
        "redis": RedisServer(run_dir, int(env.get("Z5G_REDIS_PORT", "16379"))),
        "postgres": PostgresServer(run_dir, int(env.get("Z5G_POSTGRES_PORT", "15432"))),
    }


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(prog="python -m localinfra", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["start", "stop", "status", "restart"])
    parser.add_argument("names", nargs="*", choices=[[], "kafka", "redis", "postgres"],
                        help="servers to act on (default: kafka redis)")
    args = parser.parse_args(argv)
    run_dir = Path(os.environ.get("Z5G_RUN_DIR", ".run")).resolve()
    servers = _servers(run_dir)
    names = args.names or list(DEFAULT)
    try:
        for name in names:
            server = servers[name]
            if args.action in ("stop", "restart"):
                stopped = server.stop()
                print(f"[localinfra] {name}: {'stopped' if stopped else 'was not running'}")
            if args.action in ("start", "restart"):
                server.start()
                print(f"[localinfra] {name}: ready on port {server.port}")
            if args.action == "status":
                state = "ready" if server.healthy() else (
                    "running, not answering" if server.proc.running() else "stopped")
                print(f"[localinfra] {name}: {state} (port {server.port})")
    except InfraError as exc:
        print(f"[localinfra] error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
