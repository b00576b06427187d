"""Agri service settings (``Z5G_*`` environment variables)."""

from zezhou5g.platform.settings import ServiceSettings


class AgriSettings(ServiceSettings):
    """Settings of the agri service."""
