"""Tourism service settings (``Z5G_*`` environment variables)."""

from __future__ import annotations

from zezhou5g.platform.settings import ServiceSettings


class TourismSettings(ServiceSettings):
    """Settings of the tourism service."""

    # Sensors that have not reported for this long no longer count towards their area.
    sensor_stale_s: float = 600.0
