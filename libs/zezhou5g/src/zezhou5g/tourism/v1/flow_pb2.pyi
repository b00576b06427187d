import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from zezhou5g.common.v1 import contract_pb2 as _contract_pb2
from zezhou5g.common.v1 import envelope_pb2 as _envelope_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CrowdLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CROWD_LEVEL_UNSPECIFIED: _ClassVar[CrowdLevel]
    CROWD_LEVEL_COMFORTABLE: _ClassVar[CrowdLevel]
    CROWD_LEVEL_BUSY: _ClassVar[CrowdLevel]
    CROWD_LEVEL_CROWDED: _ClassVar[CrowdLevel]
    CROWD_LEVEL_OVER_CAPACITY: _ClassVar[CrowdLevel]

class ZoneAlertState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ZONE_ALERT_STATE_UNSPECIFIED: _ClassVar[ZoneAlertState]
    ZONE_ALERT_STATE_RAISED: _ClassVar[ZoneAlertState]
    ZONE_ALERT_STATE_CLEARED: _ClassVar[ZoneAlertState]
CROWD_LEVEL_UNSPECIFIED: CrowdLevel
CROWD_LEVEL_COMFORTABLE: CrowdLevel
CROWD_LEVEL_BUSY: CrowdLevel
CROWD_LEVEL_CROWDED: CrowdLevel
CROWD_LEVEL_OVER_CAPACITY: CrowdLevel
ZONE_ALERT_STATE_UNSPECIFIED: ZoneAlertState
ZONE_ALERT_STATE_RAISED: ZoneAlertState
ZONE_ALERT_STATE_CLEARED: ZoneAlertState

class Point(_message.Message):
    __slots__ = ("x", "y")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    x: float
    y: float
    def __init__(self, x: _Optional[float] = ..., y: _Optional[float] = ...) -> None: ...

class ZoneStatus(_message.Message):
    __slots__ = ("meta", "zone_id", "area_id", "camera_id", "count", "raw_count", "density_per_m2", "area_m2", "capacity", "occupancy", "crowd_level", "frame_time", "count_method", "detector_count", "density_count")
    META_FIELD_NUMBER: _ClassVar[int]
    ZONE_ID_FIELD_NUMBER: _ClassVar[int]
    AREA_ID_FIELD_NUMBER: _ClassVar[int]
    CAMERA_ID_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    RAW_COUNT_FIELD_NUMBER: _ClassVar[int]
    DENSITY_PER_M2_FIELD_NUMBER: _ClassVar[int]
    AREA_M2_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    OCCUPANCY_FIELD_NUMBER: _ClassVar[int]
    CROWD_LEVEL_FIELD_NUMBER: _ClassVar[int]
    FRAME_TIME_FIELD_NUMBER: _ClassVar[int]
    COUNT_METHOD_FIELD_NUMBER: _ClassVar[int]
    DETECTOR_COUNT_FIELD_NUMBER: _ClassVar[int]
    DENSITY_COUNT_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    zone_id: str
    area_id: str
    camera_id: str
    count: int
    raw_count: int
    density_per_m2: float
    area_m2: float
    capacity: int
    occupancy: float
    crowd_level: CrowdLevel
    frame_time: _timestamp_pb2.Timestamp
    count_method: str
    detector_count: int
    density_count: float
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., zone_id: _Optional[str] = ..., area_id: _Optional[str] = ..., camera_id: _Optional[str] = ..., count: _Optional[int] = ..., raw_count: _Optional[int] = ..., density_per_m2: _Optional[float] = ..., area_m2: _Optional[float] = ..., capacity: _Optional[int] = ..., occupancy: _Optional[float] = ..., crowd_level: _Optional[_Union[CrowdLevel, str]] = ..., frame_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., count_method: _Optional[str] = ..., detector_count: _Optional[int] = ..., density_count: _Optional[float] = ...) -> None: ...

class ZoneAlert(_message.Message):
    __slots__ = ("meta", "alert_id", "zone_id", "area_id", "alert_state", "count", "capacity", "occupancy", "crowd_level", "raised_at", "cleared_at", "acknowledged", "acknowledged_by", "acknowledged_at")
    META_FIELD_NUMBER: _ClassVar[int]
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    ZONE_ID_FIELD_NUMBER: _ClassVar[int]
    AREA_ID_FIELD_NUMBER: _ClassVar[int]
    ALERT_STATE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    OCCUPANCY_FIELD_NUMBER: _ClassVar[int]
    CROWD_LEVEL_FIELD_NUMBER: _ClassVar[int]
    RAISED_AT_FIELD_NUMBER: _ClassVar[int]
    CLEARED_AT_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGED_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGED_BY_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGED_AT_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    alert_id: str
    zone_id: str
    area_id: str
    alert_state: ZoneAlertState
    count: int
    capacity: int
    occupancy: float
    crowd_level: CrowdLevel
    raised_at: _timestamp_pb2.Timestamp
    cleared_at: _timestamp_pb2.Timestamp
    acknowledged: bool
    acknowledged_by: str
    acknowledged_at: _timestamp_pb2.Timestamp
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., alert_id: _Optional[str] = ..., zone_id: _Optional[str] = ..., area_id: _Optional[str] = ..., alert_state: _Optional[_Union[ZoneAlertState, str]] = ..., count: _Optional[int] = ..., capacity: _Optional[int] = ..., occupancy: _Optional[float] = ..., crowd_level: _Optional[_Union[CrowdLevel, str]] = ..., raised_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cleared_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., acknowledged: _Optional[bool] = ..., acknowledged_by: _Optional[str] = ..., acknowledged_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GateCount(_message.Message):
    __slots__ = ("gate_id", "name_zh", "name_en", "entries_today", "exits_today")
    GATE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_ZH_FIELD_NUMBER: _ClassVar[int]
    NAME_EN_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_TODAY_FIELD_NUMBER: _ClassVar[int]
    EXITS_TODAY_FIELD_NUMBER: _ClassVar[int]
    gate_id: str
    name_zh: str
    name_en: str
    entries_today: int
    exits_today: int
    def __init__(self, gate_id: _Optional[str] = ..., name_zh: _Optional[str] = ..., name_en: _Optional[str] = ..., entries_today: _Optional[int] = ..., exits_today: _Optional[int] = ...) -> None: ...

class AreaFlow(_message.Message):
    __slots__ = ("meta", "area_id", "date", "people_now", "instantaneous_capacity", "entries_today", "daily_capacity", "gates", "exits_today", "inside_by_gates", "gate_counts_inconsistent")
    META_FIELD_NUMBER: _ClassVar[int]
    AREA_ID_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    PEOPLE_NOW_FIELD_NUMBER: _ClassVar[int]
    INSTANTANEOUS_CAPACITY_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_TODAY_FIELD_NUMBER: _ClassVar[int]
    DAILY_CAPACITY_FIELD_NUMBER: _ClassVar[int]
    GATES_FIELD_NUMBER: _ClassVar[int]
    EXITS_TODAY_FIELD_NUMBER: _ClassVar[int]
    INSIDE_BY_GATES_FIELD_NUMBER: _ClassVar[int]
    GATE_COUNTS_INCONSISTENT_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    area_id: str
    date: str
    people_now: int
    instantaneous_capacity: int
    entries_today: int
    daily_capacity: int
    gates: _containers.RepeatedCompositeFieldContainer[GateCount]
    exits_today: int
    inside_by_gates: int
    gate_counts_inconsistent: bool
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., area_id: _Optional[str] = ..., date: _Optional[str] = ..., people_now: _Optional[int] = ..., instantaneous_capacity: _Optional[int] = ..., entries_today: _Optional[int] = ..., daily_capacity: _Optional[int] = ..., gates: _Optional[_Iterable[_Union[GateCount, _Mapping]]] = ..., exits_today: _Optional[int] = ..., inside_by_gates: _Optional[int] = ..., gate_counts_inconsistent: _Optional[bool] = ...) -> None: ...

class Zone(_message.Message):
    __slots__ = ("zone_id", "area_id", "name_zh", "name_en", "kind", "area_m2", "area_per_visitor_m2", "capacity", "camera_id", "image_polygon", "plan_polygon", "busy_at", "crowded_at", "over_at", "alert_at", "alert_hysteresis")
    ZONE_ID_FIELD_NUMBER: _ClassVar[int]
    AREA_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_ZH_FIELD_NUMBER: _ClassVar[int]
    NAME_EN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    AREA_M2_FIELD_NUMBER: _ClassVar[int]
    AREA_PER_VISITOR_M2_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    CAMERA_ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_POLYGON_FIELD_NUMBER: _ClassVar[int]
    PLAN_POLYGON_FIELD_NUMBER: _ClassVar[int]
    BUSY_AT_FIELD_NUMBER: _ClassVar[int]
    CROWDED_AT_FIELD_NUMBER: _ClassVar[int]
    OVER_AT_FIELD_NUMBER: _ClassVar[int]
    ALERT_AT_FIELD_NUMBER: _ClassVar[int]
    ALERT_HYSTERESIS_FIELD_NUMBER: _ClassVar[int]
    zone_id: str
    area_id: str
    name_zh: str
    name_en: str
    kind: str
    area_m2: float
    area_per_visitor_m2: float
    capacity: int
    camera_id: str
    image_polygon: _containers.RepeatedCompositeFieldContainer[Point]
    plan_polygon: _containers.RepeatedCompositeFieldContainer[Point]
    busy_at: float
    crowded_at: float
    over_at: float
    alert_at: float
    alert_hysteresis: float
    def __init__(self, zone_id: _Optional[str] = ..., area_id: _Optional[str] = ..., name_zh: _Optional[str] = ..., name_en: _Optional[str] = ..., kind: _Optional[str] = ..., area_m2: _Optional[float] = ..., area_per_visitor_m2: _Optional[float] = ..., capacity: _Optional[int] = ..., camera_id: _Optional[str] = ..., image_polygon: _Optional[_Iterable[_Union[Point, _Mapping]]] = ..., plan_polygon: _Optional[_Iterable[_Union[Point, _Mapping]]] = ..., busy_at: _Optional[float] = ..., crowded_at: _Optional[float] = ..., over_at: _Optional[float] = ..., alert_at: _Optional[float] = ..., alert_hysteresis: _Optional[float] = ...) -> None: ...

class Gate(_message.Message):
    __slots__ = ("gate_id", "name_zh", "name_en", "camera_id", "line_a", "line_b")
    GATE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_ZH_FIELD_NUMBER: _ClassVar[int]
    NAME_EN_FIELD_NUMBER: _ClassVar[int]
    CAMERA_ID_FIELD_NUMBER: _ClassVar[int]
    LINE_A_FIELD_NUMBER: _ClassVar[int]
    LINE_B_FIELD_NUMBER: _ClassVar[int]
    gate_id: str
    name_zh: str
    name_en: str
    camera_id: str
    line_a: Point
    line_b: Point
    def __init__(self, gate_id: _Optional[str] = ..., name_zh: _Optional[str] = ..., name_en: _Optional[str] = ..., camera_id: _Optional[str] = ..., line_a: _Optional[_Union[Point, _Mapping]] = ..., line_b: _Optional[_Union[Point, _Mapping]] = ...) -> None: ...

class Area(_message.Message):
    __slots__ = ("area_id", "name_zh", "name_en", "open_hours", "mean_visit_hours", "instantaneous_capacity", "daily_capacity", "zones", "gates")
    AREA_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_ZH_FIELD_NUMBER: _ClassVar[int]
    NAME_EN_FIELD_NUMBER: _ClassVar[int]
    OPEN_HOURS_FIELD_NUMBER: _ClassVar[int]
    MEAN_VISIT_HOURS_FIELD_NUMBER: _ClassVar[int]
    INSTANTANEOUS_CAPACITY_FIELD_NUMBER: _ClassVar[int]
    DAILY_CAPACITY_FIELD_NUMBER: _ClassVar[int]
    ZONES_FIELD_NUMBER: _ClassVar[int]
    GATES_FIELD_NUMBER: _ClassVar[int]
    area_id: str
    name_zh: str
    name_en: str
    open_hours: float
    mean_visit_hours: float
    instantaneous_capacity: int
    daily_capacity: int
    zones: _containers.RepeatedCompositeFieldContainer[Zone]
    gates: _containers.RepeatedCompositeFieldContainer[Gate]
    def __init__(self, area_id: _Optional[str] = ..., name_zh: _Optional[str] = ..., name_en: _Optional[str] = ..., open_hours: _Optional[float] = ..., mean_visit_hours: _Optional[float] = ..., instantaneous_capacity: _Optional[int] = ..., daily_capacity: _Optional[int] = ..., zones: _Optional[_Iterable[_Union[Zone, _Mapping]]] = ..., gates: _Optional[_Iterable[_Union[Gate, _Mapping]]] = ...) -> None: ...

class CameraHealth(_message.Message):
    __slots__ = ("camera_id", "area_id", "name_zh", "name_en", "healthy", "fps_in", "fps_processed", "last_frame_time", "reconnects", "error", "width", "height", "state", "last_frame_age_s", "sample_fps", "worker")
    CAMERA_ID_FIELD_NUMBER: _ClassVar[int]
    AREA_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_ZH_FIELD_NUMBER: _ClassVar[int]
    NAME_EN_FIELD_NUMBER: _ClassVar[int]
    HEALTHY_FIELD_NUMBER: _ClassVar[int]
    FPS_IN_FIELD_NUMBER: _ClassVar[int]
    FPS_PROCESSED_FIELD_NUMBER: _ClassVar[int]
    LAST_FRAME_TIME_FIELD_NUMBER: _ClassVar[int]
    RECONNECTS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    LAST_FRAME_AGE_S_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_FPS_FIELD_NUMBER: _ClassVar[int]
    WORKER_FIELD_NUMBER: _ClassVar[int]
    camera_id: str
    area_id: str
    name_zh: str
    name_en: str
    healthy: bool
    fps_in: float
    fps_processed: float
    last_frame_time: _timestamp_pb2.Timestamp
    reconnects: int
    error: str
    width: int
    height: int
    state: str
    last_frame_age_s: float
    sample_fps: float
    worker: str
    def __init__(self, camera_id: _Optional[str] = ..., area_id: _Optional[str] = ..., name_zh: _Optional[str] = ..., name_en: _Optional[str] = ..., healthy: _Optional[bool] = ..., fps_in: _Optional[float] = ..., fps_processed: _Optional[float] = ..., last_frame_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reconnects: _Optional[int] = ..., error: _Optional[str] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., state: _Optional[str] = ..., last_frame_age_s: _Optional[float] = ..., sample_fps: _Optional[float] = ..., worker: _Optional[str] = ...) -> None: ...

class ZoneMinute(_message.Message):
    __slots__ = ("minute", "mean_count", "max_count", "mean_density_per_m2")
    MINUTE_FIELD_NUMBER: _ClassVar[int]
    MEAN_COUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_COUNT_FIELD_NUMBER: _ClassVar[int]
    MEAN_DENSITY_PER_M2_FIELD_NUMBER: _ClassVar[int]
    minute: _timestamp_pb2.Timestamp
    mean_count: float
    max_count: int
    mean_density_per_m2: float
    def __init__(self, minute: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., mean_count: _Optional[float] = ..., max_count: _Optional[int] = ..., mean_density_per_m2: _Optional[float] = ...) -> None: ...

class ListAreasRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListAreasResponse(_message.Message):
    __slots__ = ("areas",)
    AREAS_FIELD_NUMBER: _ClassVar[int]
    areas: _containers.RepeatedCompositeFieldContainer[Area]
    def __init__(self, areas: _Optional[_Iterable[_Union[Area, _Mapping]]] = ...) -> None: ...

class ListZoneStatusRequest(_message.Message):
    __slots__ = ("area_id",)
    AREA_ID_FIELD_NUMBER: _ClassVar[int]
    area_id: str
    def __init__(self, area_id: _Optional[str] = ...) -> None: ...

class ListZoneStatusResponse(_message.Message):
    __slots__ = ("zones",)
    ZONES_FIELD_NUMBER: _ClassVar[int]
    zones: _containers.RepeatedCompositeFieldContainer[ZoneStatus]
    def __init__(self, zones: _Optional[_Iterable[_Union[ZoneStatus, _Mapping]]] = ...) -> None: ...

class ListAreaFlowRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListAreaFlowResponse(_message.Message):
    __slots__ = ("areas",)
    AREAS_FIELD_NUMBER: _ClassVar[int]
    areas: _containers.RepeatedCompositeFieldContainer[AreaFlow]
    def __init__(self, areas: _Optional[_Iterable[_Union[AreaFlow, _Mapping]]] = ...) -> None: ...

class GetZoneHistoryRequest(_message.Message):
    __slots__ = ("zone_id", "since", "until")
    ZONE_ID_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    zone_id: str
    since: _timestamp_pb2.Timestamp
    until: _timestamp_pb2.Timestamp
    def __init__(self, zone_id: _Optional[str] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetZoneHistoryResponse(_message.Message):
    __slots__ = ("zone_id", "minutes")
    ZONE_ID_FIELD_NUMBER: _ClassVar[int]
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    zone_id: str
    minutes: _containers.RepeatedCompositeFieldContainer[ZoneMinute]
    def __init__(self, zone_id: _Optional[str] = ..., minutes: _Optional[_Iterable[_Union[ZoneMinute, _Mapping]]] = ...) -> None: ...

class ListCamerasRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListCamerasResponse(_message.Message):
    __slots__ = ("cameras",)
    CAMERAS_FIELD_NUMBER: _ClassVar[int]
    cameras: _containers.RepeatedCompositeFieldContainer[CameraHealth]
    def __init__(self, cameras: _Optional[_Iterable[_Union[CameraHealth, _Mapping]]] = ...) -> None: ...

class GetCameraFrameRequest(_message.Message):
    __slots__ = ("camera_id",)
    CAMERA_ID_FIELD_NUMBER: _ClassVar[int]
    camera_id: str
    def __init__(self, camera_id: _Optional[str] = ...) -> None: ...

class GetCameraFrameResponse(_message.Message):
    __slots__ = ("camera_id", "jpeg", "frame_time", "people")
    CAMERA_ID_FIELD_NUMBER: _ClassVar[int]
    JPEG_FIELD_NUMBER: _ClassVar[int]
    FRAME_TIME_FIELD_NUMBER: _ClassVar[int]
    PEOPLE_FIELD_NUMBER: _ClassVar[int]
    camera_id: str
    jpeg: bytes
    frame_time: _timestamp_pb2.Timestamp
    people: int
    def __init__(self, camera_id: _Optional[str] = ..., jpeg: _Optional[bytes] = ..., frame_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., people: _Optional[int] = ...) -> None: ...

class ListAlertsRequest(_message.Message):
    __slots__ = ("open_only", "limit", "offset", "cleared_only")
    OPEN_ONLY_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    CLEARED_ONLY_FIELD_NUMBER: _ClassVar[int]
    open_only: bool
    limit: int
    offset: int
    cleared_only: bool
    def __init__(self, open_only: _Optional[bool] = ..., limit: _Optional[int] = ..., offset: _Optional[int] = ..., cleared_only: _Optional[bool] = ...) -> None: ...

class ListAlertsResponse(_message.Message):
    __slots__ = ("alerts", "total")
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[ZoneAlert]
    total: int
    def __init__(self, alerts: _Optional[_Iterable[_Union[ZoneAlert, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class ZoneForecastPoint(_message.Message):
    __slots__ = ("at", "count", "occupancy", "crowd_level")
    AT_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    OCCUPANCY_FIELD_NUMBER: _ClassVar[int]
    CROWD_LEVEL_FIELD_NUMBER: _ClassVar[int]
    at: _timestamp_pb2.Timestamp
    count: float
    occupancy: float
    crowd_level: CrowdLevel
    def __init__(self, at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., count: _Optional[float] = ..., occupancy: _Optional[float] = ..., crowd_level: _Optional[_Union[CrowdLevel, str]] = ...) -> None: ...

class SpotForecast(_message.Message):
    __slots__ = ("zone_id", "area_id", "name_zh", "name_en", "capacity", "area_m2", "count", "density_per_m2", "occupancy", "crowd_level", "updated", "ahead", "best_time", "best_crowd_level", "wait_min", "calmer", "history_hours", "area_name_zh", "area_name_en", "suggest_calmer")
    ZONE_ID_FIELD_NUMBER: _ClassVar[int]
    AREA_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_ZH_FIELD_NUMBER: _ClassVar[int]
    NAME_EN_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    AREA_M2_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    DENSITY_PER_M2_FIELD_NUMBER: _ClassVar[int]
    OCCUPANCY_FIELD_NUMBER: _ClassVar[int]
    CROWD_LEVEL_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    AHEAD_FIELD_NUMBER: _ClassVar[int]
    BEST_TIME_FIELD_NUMBER: _ClassVar[int]
    BEST_CROWD_LEVEL_FIELD_NUMBER: _ClassVar[int]
    WAIT_MIN_FIELD_NUMBER: _ClassVar[int]
    CALMER_FIELD_NUMBER: _ClassVar[int]
    HISTORY_HOURS_FIELD_NUMBER: _ClassVar[int]
    AREA_NAME_ZH_FIELD_NUMBER: _ClassVar[int]
    AREA_NAME_EN_FIELD_NUMBER: _ClassVar[int]
    SUGGEST_CALMER_FIELD_NUMBER: _ClassVar[int]
    zone_id: str
    area_id: str
    name_zh: str
    name_en: str
    capacity: int
    area_m2: float
    count: int
    density_per_m2: float
    occupancy: float
    crowd_level: CrowdLevel
    updated: _timestamp_pb2.Timestamp
    ahead: _containers.RepeatedCompositeFieldContainer[ZoneForecastPoint]
    best_time: _timestamp_pb2.Timestamp
    best_crowd_level: CrowdLevel
    wait_min: float
    calmer: _containers.RepeatedScalarFieldContainer[str]
    history_hours: float
    area_name_zh: str
    area_name_en: str
    suggest_calmer: bool
    def __init__(self, zone_id: _Optional[str] = ..., area_id: _Optional[str] = ..., name_zh: _Optional[str] = ..., name_en: _Optional[str] = ..., capacity: _Optional[int] = ..., area_m2: _Optional[float] = ..., count: _Optional[int] = ..., density_per_m2: _Optional[float] = ..., occupancy: _Optional[float] = ..., crowd_level: _Optional[_Union[CrowdLevel, str]] = ..., updated: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ahead: _Optional[_Iterable[_Union[ZoneForecastPoint, _Mapping]]] = ..., best_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., best_crowd_level: _Optional[_Union[CrowdLevel, str]] = ..., wait_min: _Optional[float] = ..., calmer: _Optional[_Iterable[str]] = ..., history_hours: _Optional[float] = ..., area_name_zh: _Optional[str] = ..., area_name_en: _Optional[str] = ..., suggest_calmer: _Optional[bool] = ...) -> None: ...

class ListSpotForecastsRequest(_message.Message):
    __slots__ = ("hours",)
    HOURS_FIELD_NUMBER: _ClassVar[int]
    hours: int
    def __init__(self, hours: _Optional[int] = ...) -> None: ...

class ListSpotForecastsResponse(_message.Message):
    __slots__ = ("spots",)
    SPOTS_FIELD_NUMBER: _ClassVar[int]
    spots: _containers.RepeatedCompositeFieldContainer[SpotForecast]
    def __init__(self, spots: _Optional[_Iterable[_Union[SpotForecast, _Mapping]]] = ...) -> None: ...

class AcknowledgeAlertRequest(_message.Message):
    __slots__ = ("alert_id", "by")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    by: str
    def __init__(self, alert_id: _Optional[str] = ..., by: _Optional[str] = ...) -> None: ...
