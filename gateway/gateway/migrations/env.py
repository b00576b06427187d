"""Alembic environment of the gateway (run by zezhou5g.platform.db.migrate)."""

from gateway.users import Base
from zezhou5g.platform.db import run_env

run_env(Base.metadata)
