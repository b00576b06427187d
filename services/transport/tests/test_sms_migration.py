"""Migration t0004 on SQLite: messages already in the outbox were bilingual and say so."""

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from transport.adapters.sms import OutboxSms
from zezhou5g.platform.db import make_engine, migrate

MIGRATIONS = Path(__file__).resolve().parents[1] / "transport" / "migrations"


def test_messages_sent_before_t0004_are_marked_as_in_both_languages(tmp_path):
    url = f"sqlite:///{tmp_path}/transport.db"
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    command.upgrade(cfg, "t0003")
    engine = make_engine(url)
    with engine.begin() as c:
        c.execute(sa.text(
            "INSERT INTO transport_sms_outbox (ticket_id, phone_masked, body, sent) VALUES "
            "('T-1', '138****0001', '【泽州5G+】验证码 111111 / Zezhou 5G+: code 111111', :at)"),
            {"at": datetime(2026, 11, 30, tzinfo=UTC)})
    migrate(url, MIGRATIONS)
    outbox = OutboxSms(engine)
    outbox.send("T-2", "13800000002", "【泽州5G+】人脸进站登记验证码 222222", datetime.now(UTC))
    outbox.send("T-3", "13800000003", "[Zezhou 5G+] Code 333333", datetime.now(UTC), "en")
    assert {m.ticket_id: m.lang for m in outbox.messages()} == {
        "T-1": "mul", "T-2": "zh-CN", "T-3": "en"}
