"""The care-team rule (pure), row by row."""

import pytest
from medical.domain.access import Caller, audit_log_refusal, may_see, patient_data_refusal


@pytest.mark.parametrize(("role", "team", "reason"), [
    ("clinician", "team-a", None),
    ("admin", "", None),
    ("clinician", "", "scope"),      # a clinician must belong to a care team
    ("operator", "team-a", "role"),  # other roles never read patient data
    ("", "", "role"),
])
def test_who_may_work_with_patient_data(role, team, reason):
    refusal = patient_data_refusal(Caller("u", team, role))
    assert (refusal.reason if refusal else None) == reason


@pytest.mark.parametrize(("role", "team", "patient_team", "sees"), [
    ("clinician", "team-a", "team-a", True),
    ("clinician", "team-a", "team-b", False),
    ("admin", "", "team-b", True),
])
def test_a_clinician_sees_only_their_care_team(role, team, patient_team, sees):
    assert may_see(Caller("u", team, role), patient_team) is sees


def test_only_administrators_read_the_audit_log():
    assert audit_log_refusal(Caller("root", "", "admin")) is None
    refusal = audit_log_refusal(Caller("dr-wang", "team-a", "clinician"))
    assert refusal is not None and refusal.reason == "role"
