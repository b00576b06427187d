"""The locust scenarios run against the real stack for a few seconds without a single failure."""


def test_gateway_locust_scenario_has_no_failures(stack, tmp_path, stack_client):
    rows = stack_client.run_locust(stack, "gateway.py", tmp_path, users=10, seconds=8)
    assert int(rows["Aggregated"][2]) > 20, rows


def test_medical_locust_scenario_has_no_failures(stack, tmp_path, stack_client):
    rows = stack_client.run_locust(stack, "medical.py", tmp_path, users=8, seconds=8)
    assert int(rows["Aggregated"][2]) > 20, rows
    assert int(rows["/api/devices/medical/readings"][2]) > 0
    assert int(rows["/api/medical/patients"][2]) > 0
