"""``make demo``'s banner lists every demo account, through the function scripts/demo.sh calls
(the script once unpacked DEMO_USERS by hand and broke when a column was added)."""

from pathlib import Path

from gateway.users import DEMO_USERS, demo_accounts

ROOT = Path(__file__).resolve().parents[2]


def test_banner_lists_every_account_in_both_languages() -> None:
    lines = demo_accounts().splitlines()
    assert len(lines) == len(DEMO_USERS)
    for line, (username, name, name_en, _role, _unit) in zip(lines, DEMO_USERS, strict=True):
        assert line.split()[0] == username and name in line and name_en in line


def test_demo_script_takes_the_accounts_from_that_function() -> None:
    script = (ROOT / "scripts" / "demo.sh").read_text(encoding="utf-8")
    assert "from gateway.users import demo_accounts" in script
    assert "DEMO_USERS" not in script
