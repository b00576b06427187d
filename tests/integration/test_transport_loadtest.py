"""The transport locust scenario (loadtests/transport.py) against the real stack: real frames,
no failed request and no unexpected gate outcome."""


def test_transport_locust_scenario_has_no_failures(stack, tmp_path, stack_client):
    rows = stack_client.run_locust(
        stack, "transport.py", tmp_path, users=3, seconds=20, timeout=300,
        args=("--stop-timeout", "60"))
    decisions = next((r for name, r in rows.items() if "/decision" in name), [])
    assert len(decisions) > 3 and int(decisions[2]) >= 3, rows
