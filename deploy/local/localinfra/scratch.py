"""A broker and a Redis of their own for one run of a bench: free ports, a new temp folder."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from localinfra.kafka import KafkaServer
from localinfra.proc import free_port
from localinfra.redis import RedisServer


@contextmanager
def scratch_infra(prefix: str, heap: str = "512m") -> Iterator[tuple[Path, KafkaServer,
                                                                    RedisServer]]:
    """A started broker and Redis in a new folder named ``prefix…``; both stopped on exit.

    Yields ``(run, kafka, redis)``: ``run`` is the folder (their data and logs; the caller's
    files may go there too).
    """
    run = Path(tempfile.mkdtemp(prefix=prefix))
    kafka = KafkaServer(run, free_port(), free_port(), heap=heap)
    redis = RedisServer(run, free_port())
    try:
        kafka.start()
        redis.start()
        yield run, kafka, redis
    finally:
        redis.stop()
        kafka.stop()
