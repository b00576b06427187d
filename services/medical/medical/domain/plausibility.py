"""Physiologically plausible ranges of vital signs from a working sensor.

A value outside them is a device problem (a loose SpO2 probe reads 0, a detached ECG lead gives
HR 0), not a patient state: it is rejected with the reason rather than scored. The ranges are
the platform's, declared once per proto field in ``zezhou5g.limits`` (the gateway refuses the
same values at ingestion); this is the service's second line behind it.
"""

from zezhou5g.limits import LIMITS

RANGES = LIMITS["zezhou5g.medical.v1.VitalSigns"]
