"""The device registry's hubs on a real PostgreSQL: migration 0004, seeding, one-query reads."""

from alembic import command
from alembic.config import Config
from gateway.app import MIGRATIONS
from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session
from zezhou5g.platform.db import make_engine, migrate

from gateway import registry


def _upgrade_to(url: str, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(cfg, revision)


def test_migration_0004_keeps_devices_and_attaches_none_to_a_hub(postgres):
    url = postgres.create_database("gateway_hub_migration")
    _upgrade_to(url, "0003")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO devices (device_id, scenario, kind, subject, "
                          "token_sha256, revoked, updated_at) VALUES ('bed-old', 'medical', "
                          "'bedside_monitor', 'p-1003', NULL, false, now())"))
    migrate(url, MIGRATIONS)
    migrate(url, MIGRATIONS)  # idempotent
    column = {c["name"]: c for c in inspect(engine).get_columns("devices")}["hub_id"]
    assert column["nullable"]
    old = registry.get(engine, "bed-old")
    assert old is not None and old.hub is None and old.subject == "p-1003"
    engine.dispose()


def test_the_demo_hub_is_seeded_with_its_wards_devices(postgres):
    url = postgres.create_database("gateway_hub_seed")
    migrate(url, MIGRATIONS)
    engine = make_engine(url)
    hub_token, wear_token = "hub-token-" + "h" * 20, "wear-token-" + "w" * 20
    registry.seed(engine, {hub_token: "hub-ward-1", wear_token: "wear-1001"},
                  registry.DEFAULT_FILE)
    hub = registry.by_token(engine, hub_token)
    assert hub == registry.DeviceInfo("hub-ward-1", "medical", "ward_hub", "team-a", False)
    attached = registry.many(engine, ["wear-1001", "wear-1002", "bed-2003", "wear-1004", "zz"])
    assert {d: info.hub for d, info in attached.items()} == {
        "wear-1001": "hub-ward-1", "wear-1002": "hub-ward-1", "bed-2003": "hub-ward-1"}
    assert attached["bed-2003"].subject == "p-1003"
    assert registry.by_token(engine, wear_token) == attached["wear-1001"]
    with Session(engine) as session:  # reached through the hub only: no token of their own
        tokens = dict(session.execute(select(registry.Device.device_id,
                                             registry.Device.token_sha256)).all())
    assert tokens["wear-1002"] is None and tokens["bed-2003"] is None
    # A later seed keeps what is registered; a device seeded without a token gets one.
    bed_token = "bed-token-" + "b" * 20
    registry.seed(engine, {"hub-token-" + "x" * 20: "hub-ward-1", bed_token: "bed-2003"},
                  registry.DEFAULT_FILE)
    assert registry.by_token(engine, hub_token) == hub
    assert registry.by_token(engine, bed_token) == attached["bed-2003"]
    trail = registry.audit_trail(engine, "bed-2003")
    assert [(t["actor"], t["action"]) for t in trail] == [("seed", "register"),
                                                          ("seed", "rotate")]
    assert trail[0]["detail"] == "medical/bedside_monitor → p-1003 via hub hub-ward-1"
    engine.dispose()


def test_many_reads_every_named_device_in_one_query(postgres):
    url = postgres.create_database("gateway_hub_many")
    migrate(url, MIGRATIONS)
    engine = make_engine(url)
    for i in range(30):
        registry.register(engine, "test", f"bed-{i}", "medical", "bedside_monitor", f"p-{i}",
                          hub="hub-x" if i % 2 else None)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_: statements.append(statement))
    found = registry.many(engine, [f"bed-{i}" for i in range(0, 40, 2)] + ["bed-1"])
    assert len(statements) == 1, statements
    assert sorted(found) == sorted([f"bed-{i}" for i in range(0, 30, 2)] + ["bed-1"])
    assert found["bed-1"].hub == "hub-x" and found["bed-2"].hub is None
    assert registry.many(engine, []) == {}
    assert len(statements) == 1  # nothing asked, nothing read
    # Re-registering without a hub detaches the device.
    registry.register(engine, "test", "bed-1", "medical", "bedside_monitor", "p-1")
    assert registry.get(engine, "bed-1").hub is None
    engine.dispose()
