"""SQLite migrations are all-or-nothing; a copy an interrupted old migration left is handled."""

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from zezhou5g.platform.db import migrate

ENV = '''
from sqlalchemy import MetaData
from zezhou5g.platform.db import run_env
run_env(MetaData(), version_table="t_alembic_version")
'''

REVISION = '''
import sqlalchemy as sa
from alembic import op
revision = {rev!r}
down_revision = {down!r}
branch_labels = None
depends_on = None
def upgrade():
{body}
'''

FIRST = '''    op.create_table("things", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("name", sa.String(20), nullable=False))
    op.execute("INSERT INTO things (id, name) VALUES (1, 'kept'), (2, 'also kept')")'''

# A batch copy of "things" (SQLite cannot add a NOT NULL column with a check in place), then
# a failure in the same migration: nothing of it may stay.
SECOND_FAILS = '''    with op.batch_alter_table("things") as batch:
        batch.add_column(sa.Column("fare", sa.Integer, nullable=False, server_default="0"))
        batch.create_check_constraint("fare_non_negative", "fare >= 0")
    raise RuntimeError("the migration fails after its batch copy")'''

SECOND_OK = '''    with op.batch_alter_table("things") as batch:
        batch.add_column(sa.Column("fare", sa.Integer, nullable=False, server_default="0"))
        batch.create_check_constraint("fare_non_negative", "fare >= 0")'''


def _migrations(root: Path, second: str | None) -> Path:
    versions = root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    (root / "env.py").write_text(ENV)
    (root / "script.py.mako").write_text("")
    (versions / "r1.py").write_text(REVISION.format(rev="r1", down=None, body=FIRST))
    if second is not None:
        (versions / "r2.py").write_text(REVISION.format(rev="r2", down="r1", body=second))
    return root


def _state(url: str) -> tuple[list[str], list[str], str | None, list[tuple]]:
    engine = create_engine(url)
    with engine.connect() as c:
        insp = inspect(c)
        tables = sorted(insp.get_table_names())
        columns = [col["name"] for col in insp.get_columns("things")] if "things" in tables else []
        version = c.execute(text("SELECT version_num FROM t_alembic_version")).scalar()
        rows = [tuple(r) for r in c.execute(text("SELECT id, name FROM things ORDER BY id"))]
    engine.dispose()
    return tables, columns, version, rows


def test_a_failing_migration_leaves_the_sqlite_database_as_it_was(tmp_path):
    url = f"sqlite:///{tmp_path}/svc.db"
    migrate(url, _migrations(tmp_path / "m", None))
    before = _state(url)
    assert before == (["t_alembic_version", "things"], ["id", "name"], "r1",
                      [(1, "kept"), (2, "also kept")])

    _migrations(tmp_path / "m", SECOND_FAILS)
    with pytest.raises(RuntimeError, match="fails after its batch copy"):
        migrate(url, tmp_path / "m")
    # No _alembic_tmp_things, no new column, still at r1, every row there.
    assert _state(url) == before

    # Fixed, the same upgrade then goes through.
    _migrations(tmp_path / "m", SECOND_OK)
    migrate(url, tmp_path / "m")
    tables, columns, version, rows = _state(url)
    assert (tables, columns, version, rows) == (
        ["t_alembic_version", "things"], ["id", "name", "fare"], "r2", before[3])


def test_a_batch_copy_left_by_an_interrupted_old_migration_is_discarded(tmp_path):
    """What an older version (DDL outside transactions) left when killed mid-copy."""
    url = f"sqlite:///{tmp_path}/svc.db"
    migrate(url, _migrations(tmp_path / "m", None))
    _leave_copy(url, drop_original=False)

    _migrations(tmp_path / "m", SECOND_OK)
    migrate(url, tmp_path / "m")
    tables, columns, version, rows = _state(url)
    assert tables == ["t_alembic_version", "things"]
    assert version == "r2" and columns == ["id", "name", "fare"]
    assert rows == [(1, "kept"), (2, "also kept")]


def test_a_copy_whose_original_was_dropped_is_refused_and_kept(tmp_path):
    url = f"sqlite:///{tmp_path}/svc.db"
    migrate(url, _migrations(tmp_path / "m", None))
    _leave_copy(url, drop_original=True)

    _migrations(tmp_path / "m", SECOND_OK)
    with pytest.raises(RuntimeError, match="rows are in '_alembic_tmp_things'.*Do not delete"):
        migrate(url, tmp_path / "m")
    engine = create_engine(url)
    with engine.connect() as c:
        assert sorted(inspect(c).get_table_names()) == ["_alembic_tmp_things",
                                                        "t_alembic_version"]
        assert c.execute(text("SELECT count(*) FROM _alembic_tmp_things")).scalar() == 2
    engine.dispose()


def _leave_copy(url: str, drop_original: bool) -> None:
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("CREATE TABLE _alembic_tmp_things (id INTEGER PRIMARY KEY, "
                       "name VARCHAR(20) NOT NULL, fare INTEGER DEFAULT 0 NOT NULL)"))
        c.execute(text("INSERT INTO _alembic_tmp_things (id, name) SELECT id, name FROM things"))
        if drop_original:
            c.execute(text("DROP TABLE things"))
    engine.dispose()
