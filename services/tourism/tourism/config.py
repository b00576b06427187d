"""Tourism service settings (``Z5G_*`` environment variables)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from zezhou5g.platform.settings import ServiceSettings


class TourismSettings(ServiceSettings):
    """Settings of the tourism service."""

    # Sensors that have not reported for this long no longer count towards their area.
    sensor_stale_s: float = 600.0
    # Zones, cameras and gates (Z5G_AREAS_FILE); default: tourism/areas.toml in the package.
    areas_file: Path | None = None
    # Run the cameras and the person detector (Z5G_VISION_ENABLED=false: environment only).
    vision_enabled: bool = True
    # Person detector backend (Z5G_DETECTOR); CUDA is used when present (Z5G_INFERENCE_DEVICE).
    detector: Literal["centernet", "nanodet"] = "centernet"
    # Most camera frames taken per detector round (Z5G_INFERENCE_BATCH). 1 suits CPU: each frame
    # is taken just before its own inference, so none waits behind others of its round.
    inference_batch: int = Field(default=1, ge=1, le=64)
    # A camera without a frame for this long is unhealthy, seconds (Z5G_CAMERA_STALE_S).
    camera_stale_s: float = Field(default=5.0, gt=0, le=10)
    # How often each area's people-now / entries-today event is sent at least, seconds.
    area_flow_interval_s: float = Field(default=2.0, gt=0)
    # Crowd density model beside the detector (Z5G_DENSITY_ENABLED; tourism/domain/counting.py):
    # zone counts fuse the detector with the CSRNet density map.
    density_enabled: bool = True
    # Least seconds between two density maps of one camera (Z5G_DENSITY_INTERVAL_S): about
    # 1.5-2.5 s of CPU each, run in the inference thread; crowding changes over seconds.
    density_interval_s: float = Field(default=10.0, gt=0)
    # How this replica gets its cameras (Z5G_CAMERA_ASSIGNMENT): "group" shares them with the
    # other replicas of Z5G_CAMERA_GROUP through Kafka's consumer-group protocol (a replica that
    # dies gives its cameras to the others within the 10 s session timeout); "all" runs every
    # camera here (one replica, no broker needed for the cameras).
    camera_assignment: Literal["group", "all"] = "group"
    # Consumer group of the replicas that share the cameras of one areas file.
    camera_group: str = "tourism-cameras"
    # Partitions of tourism.camera-slots: each camera hashes to one (more slots than cameras).
    camera_slots: int = Field(default=64, ge=1, le=1024)
    # This replica's share of the cameras relative to the others (a GPU worker: e.g. 8).
    camera_capacity: float = Field(default=1.0, gt=0, le=1000)
