"""Medical service settings (``Z5G_*`` environment variables)."""

from zezhou5g.platform.settings import ServiceSettings


class MedicalSettings(ServiceSettings):
    """Settings of the medical service."""
