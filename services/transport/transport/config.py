"""Transport service settings (``Z5G_*`` environment variables)."""

from zezhou5g.platform.settings import ServiceSettings


class TransportSettings(ServiceSettings):
    """Settings of the transport service."""
