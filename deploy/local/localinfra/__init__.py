"""Local infrastructure without containers: Kafka (KRaft), Redis and PostgreSQL.

Each server is a small class with idempotent ``start()`` / ``stop()`` and a health check, used
both by ``python -m localinfra`` (``make demo``) and by the pytest session fixtures, which start
their own instances on free ports in a temporary run folder.
"""

from localinfra.kafka import KafkaServer
from localinfra.postgres import PostgresServer
from localinfra.proc import InfraError
from localinfra.redis import RedisServer

__all__ = ["InfraError", "KafkaServer", "PostgresServer", "RedisServer"]
