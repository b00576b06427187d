"""The gateway's migrations and accounts on a real PostgreSQL (as in compose and Kubernetes)."""

from gateway.app import MIGRATIONS
from gateway.users import authenticate, seed_demo_users
from sqlalchemy import inspect
from zezhou5g.platform.db import make_engine, migrate


def test_migrate_seed_and_authenticate_on_postgres(postgres):
    url = postgres.create_database("gateway_test")
    migrate(url, MIGRATIONS)
    migrate(url, MIGRATIONS)  # idempotent
    engine = make_engine(url)
    assert "users" in inspect(engine).get_table_names()
    seed_demo_users(engine, "a-long-demo-password")
    seed_demo_users(engine, "another-password")  # existing accounts are kept
    user = authenticate(engine, "dr-li", "a-long-demo-password")
    assert user is not None and user.care_team == "team-b" and user.role == "clinician"
    assert authenticate(engine, "dr-li", "another-password") is None
    assert authenticate(engine, "nobody", "a-long-demo-password") is None
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM users WHERE username='admin'")
        assert stored.scalar().startswith("$argon2id$")
    engine.dispose()
