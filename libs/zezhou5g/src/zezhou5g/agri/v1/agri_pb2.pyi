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

class Severity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEVERITY_UNSPECIFIED: _ClassVar[Severity]
    SEVERITY_WARNING: _ClassVar[Severity]
    SEVERITY_MINOR: _ClassVar[Severity]
    SEVERITY_MAJOR: _ClassVar[Severity]
    SEVERITY_CRITICAL: _ClassVar[Severity]

class AlarmStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALARM_STATUS_UNSPECIFIED: _ClassVar[AlarmStatus]
    ALARM_STATUS_ACTIVE_UNACK: _ClassVar[AlarmStatus]
    ALARM_STATUS_ACTIVE_ACK: _ClassVar[AlarmStatus]
    ALARM_STATUS_CLEARED_UNACK: _ClassVar[AlarmStatus]
    ALARM_STATUS_CLEARED_ACK: _ClassVar[AlarmStatus]

class AlarmType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALARM_TYPE_UNSPECIFIED: _ClassVar[AlarmType]
    ALARM_TYPE_FROST: _ClassVar[AlarmType]
    ALARM_TYPE_HEAT_STRESS: _ClassVar[AlarmType]
    ALARM_TYPE_IRRIGATION_NEED: _ClassVar[AlarmType]
    ALARM_TYPE_SENSOR_SILENT: _ClassVar[AlarmType]
    ALARM_TYPE_LOW_BATTERY: _ClassVar[AlarmType]

class OrderState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_STATE_UNSPECIFIED: _ClassVar[OrderState]
    ORDER_STATE_CREATED: _ClassVar[OrderState]
    ORDER_STATE_ASSIGNED: _ClassVar[OrderState]
    ORDER_STATE_EN_ROUTE: _ClassVar[OrderState]
    ORDER_STATE_WORKING: _ClassVar[OrderState]
    ORDER_STATE_DONE: _ClassVar[OrderState]
    ORDER_STATE_CANCELLED: _ClassVar[OrderState]
SEVERITY_UNSPECIFIED: Severity
SEVERITY_WARNING: Severity
SEVERITY_MINOR: Severity
SEVERITY_MAJOR: Severity
SEVERITY_CRITICAL: Severity
ALARM_STATUS_UNSPECIFIED: AlarmStatus
ALARM_STATUS_ACTIVE_UNACK: AlarmStatus
ALARM_STATUS_ACTIVE_ACK: AlarmStatus
ALARM_STATUS_CLEARED_UNACK: AlarmStatus
ALARM_STATUS_CLEARED_ACK: AlarmStatus
ALARM_TYPE_UNSPECIFIED: AlarmType
ALARM_TYPE_FROST: AlarmType
ALARM_TYPE_HEAT_STRESS: AlarmType
ALARM_TYPE_IRRIGATION_NEED: AlarmType
ALARM_TYPE_SENSOR_SILENT: AlarmType
ALARM_TYPE_LOW_BATTERY: AlarmType
ORDER_STATE_UNSPECIFIED: OrderState
ORDER_STATE_CREATED: OrderState
ORDER_STATE_ASSIGNED: OrderState
ORDER_STATE_EN_ROUTE: OrderState
ORDER_STATE_WORKING: OrderState
ORDER_STATE_DONE: OrderState
ORDER_STATE_CANCELLED: OrderState

class SensorReading(_message.Message):
    __slots__ = ("meta", "device_id", "field_id", "soil_moisture_vwc", "soil_temp_c", "air_temp_c", "air_humidity_pct", "light_lux", "battery_pct", "rainfall_mm", "signal_dbm", "soil_moisture_khz", "case_temp_c", "saturated")
    META_FIELD_NUMBER: _ClassVar[int]
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    FIELD_ID_FIELD_NUMBER: _ClassVar[int]
    SOIL_MOISTURE_VWC_FIELD_NUMBER: _ClassVar[int]
    SOIL_TEMP_C_FIELD_NUMBER: _ClassVar[int]
    AIR_TEMP_C_FIELD_NUMBER: _ClassVar[int]
    AIR_HUMIDITY_PCT_FIELD_NUMBER: _ClassVar[int]
    LIGHT_LUX_FIELD_NUMBER: _ClassVar[int]
    BATTERY_PCT_FIELD_NUMBER: _ClassVar[int]
    RAINFALL_MM_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_DBM_FIELD_NUMBER: _ClassVar[int]
    SOIL_MOISTURE_KHZ_FIELD_NUMBER: _ClassVar[int]
    CASE_TEMP_C_FIELD_NUMBER: _ClassVar[int]
    SATURATED_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    device_id: str
    field_id: str
    soil_moisture_vwc: float
    soil_temp_c: float
    air_temp_c: float
    air_humidity_pct: float
    light_lux: float
    battery_pct: float
    rainfall_mm: float
    signal_dbm: float
    soil_moisture_khz: float
    case_temp_c: float
    saturated: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., device_id: _Optional[str] = ..., field_id: _Optional[str] = ..., soil_moisture_vwc: _Optional[float] = ..., soil_temp_c: _Optional[float] = ..., air_temp_c: _Optional[float] = ..., air_humidity_pct: _Optional[float] = ..., light_lux: _Optional[float] = ..., battery_pct: _Optional[float] = ..., rainfall_mm: _Optional[float] = ..., signal_dbm: _Optional[float] = ..., soil_moisture_khz: _Optional[float] = ..., case_temp_c: _Optional[float] = ..., saturated: _Optional[_Iterable[str]] = ...) -> None: ...

class SensorReadingBatch(_message.Message):
    __slots__ = ("meta", "gateway_id", "readings")
    META_FIELD_NUMBER: _ClassVar[int]
    GATEWAY_ID_FIELD_NUMBER: _ClassVar[int]
    READINGS_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    gateway_id: str
    readings: _containers.RepeatedCompositeFieldContainer[SensorReading]
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., gateway_id: _Optional[str] = ..., readings: _Optional[_Iterable[_Union[SensorReading, _Mapping]]] = ...) -> None: ...

class FieldStatus(_message.Message):
    __slots__ = ("meta", "field_id", "latest", "readings_total", "crop", "stage", "depletion_mm", "taw_mm", "raw_mm", "gdd", "severity")
    META_FIELD_NUMBER: _ClassVar[int]
    FIELD_ID_FIELD_NUMBER: _ClassVar[int]
    LATEST_FIELD_NUMBER: _ClassVar[int]
    READINGS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    CROP_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    DEPLETION_MM_FIELD_NUMBER: _ClassVar[int]
    TAW_MM_FIELD_NUMBER: _ClassVar[int]
    RAW_MM_FIELD_NUMBER: _ClassVar[int]
    GDD_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    field_id: str
    latest: SensorReading
    readings_total: int
    crop: str
    stage: str
    depletion_mm: float
    taw_mm: float
    raw_mm: float
    gdd: float
    severity: Severity
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., field_id: _Optional[str] = ..., latest: _Optional[_Union[SensorReading, _Mapping]] = ..., readings_total: _Optional[int] = ..., crop: _Optional[str] = ..., stage: _Optional[str] = ..., depletion_mm: _Optional[float] = ..., taw_mm: _Optional[float] = ..., raw_mm: _Optional[float] = ..., gdd: _Optional[float] = ..., severity: _Optional[_Union[Severity, str]] = ...) -> None: ...

class Alarm(_message.Message):
    __slots__ = ("meta", "id", "originator", "alarm_type", "severity", "status", "start_time", "end_time", "ack_time", "clear_time", "field_id", "details_json", "acked_by", "notify_count")
    META_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    ORIGINATOR_FIELD_NUMBER: _ClassVar[int]
    ALARM_TYPE_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    ACK_TIME_FIELD_NUMBER: _ClassVar[int]
    CLEAR_TIME_FIELD_NUMBER: _ClassVar[int]
    FIELD_ID_FIELD_NUMBER: _ClassVar[int]
    DETAILS_JSON_FIELD_NUMBER: _ClassVar[int]
    ACKED_BY_FIELD_NUMBER: _ClassVar[int]
    NOTIFY_COUNT_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    id: str
    originator: str
    alarm_type: AlarmType
    severity: Severity
    status: AlarmStatus
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    ack_time: _timestamp_pb2.Timestamp
    clear_time: _timestamp_pb2.Timestamp
    field_id: str
    details_json: str
    acked_by: str
    notify_count: int
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., id: _Optional[str] = ..., originator: _Optional[str] = ..., alarm_type: _Optional[_Union[AlarmType, str]] = ..., severity: _Optional[_Union[Severity, str]] = ..., status: _Optional[_Union[AlarmStatus, str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ack_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., clear_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., field_id: _Optional[str] = ..., details_json: _Optional[str] = ..., acked_by: _Optional[str] = ..., notify_count: _Optional[int] = ...) -> None: ...

class MachinePosition(_message.Message):
    __slots__ = ("meta", "machine_id", "lat", "lon", "speed_kmh", "fuel_pct")
    META_FIELD_NUMBER: _ClassVar[int]
    MACHINE_ID_FIELD_NUMBER: _ClassVar[int]
    LAT_FIELD_NUMBER: _ClassVar[int]
    LON_FIELD_NUMBER: _ClassVar[int]
    SPEED_KMH_FIELD_NUMBER: _ClassVar[int]
    FUEL_PCT_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    machine_id: str
    lat: float
    lon: float
    speed_kmh: float
    fuel_pct: float
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., machine_id: _Optional[str] = ..., lat: _Optional[float] = ..., lon: _Optional[float] = ..., speed_kmh: _Optional[float] = ..., fuel_pct: _Optional[float] = ...) -> None: ...

class WorkOrder(_message.Message):
    __slots__ = ("meta", "id", "task", "field_id", "state", "machine_id", "distance_km", "eta_min", "created_by", "created_time", "updated_time", "note")
    META_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    FIELD_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    MACHINE_ID_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_KM_FIELD_NUMBER: _ClassVar[int]
    ETA_MIN_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATED_TIME_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    id: str
    task: str
    field_id: str
    state: OrderState
    machine_id: str
    distance_km: float
    eta_min: float
    created_by: str
    created_time: _timestamp_pb2.Timestamp
    updated_time: _timestamp_pb2.Timestamp
    note: str
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., id: _Optional[str] = ..., task: _Optional[str] = ..., field_id: _Optional[str] = ..., state: _Optional[_Union[OrderState, str]] = ..., machine_id: _Optional[str] = ..., distance_km: _Optional[float] = ..., eta_min: _Optional[float] = ..., created_by: _Optional[str] = ..., created_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., note: _Optional[str] = ...) -> None: ...

class Machine(_message.Message):
    __slots__ = ("id", "kind", "name", "capabilities", "lat", "lon", "state", "last_seen", "order_id", "speed_kmh")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    LAT_FIELD_NUMBER: _ClassVar[int]
    LON_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    SPEED_KMH_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: str
    name: str
    capabilities: _containers.RepeatedScalarFieldContainer[str]
    lat: float
    lon: float
    state: str
    last_seen: _timestamp_pb2.Timestamp
    order_id: str
    speed_kmh: float
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., name: _Optional[str] = ..., capabilities: _Optional[_Iterable[str]] = ..., lat: _Optional[float] = ..., lon: _Optional[float] = ..., state: _Optional[str] = ..., last_seen: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., order_id: _Optional[str] = ..., speed_kmh: _Optional[float] = ...) -> None: ...

class LatLon(_message.Message):
    __slots__ = ("lat", "lon")
    LAT_FIELD_NUMBER: _ClassVar[int]
    LON_FIELD_NUMBER: _ClassVar[int]
    lat: float
    lon: float
    def __init__(self, lat: _Optional[float] = ..., lon: _Optional[float] = ...) -> None: ...

class Field(_message.Message):
    __slots__ = ("id", "name", "crop", "stage", "owner", "centre", "outline", "devices", "status")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CROP_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    CENTRE_FIELD_NUMBER: _ClassVar[int]
    OUTLINE_FIELD_NUMBER: _ClassVar[int]
    DEVICES_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    crop: str
    stage: str
    owner: str
    centre: LatLon
    outline: _containers.RepeatedCompositeFieldContainer[LatLon]
    devices: _containers.RepeatedScalarFieldContainer[str]
    status: FieldStatus
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., crop: _Optional[str] = ..., stage: _Optional[str] = ..., owner: _Optional[str] = ..., centre: _Optional[_Union[LatLon, _Mapping]] = ..., outline: _Optional[_Iterable[_Union[LatLon, _Mapping]]] = ..., devices: _Optional[_Iterable[str]] = ..., status: _Optional[_Union[FieldStatus, _Mapping]] = ...) -> None: ...

class HistoryPoint(_message.Message):
    __slots__ = ("time", "mean", "min", "max", "count")
    TIME_FIELD_NUMBER: _ClassVar[int]
    MEAN_FIELD_NUMBER: _ClassVar[int]
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    time: _timestamp_pb2.Timestamp
    mean: float
    min: float
    max: float
    count: int
    def __init__(self, time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., mean: _Optional[float] = ..., min: _Optional[float] = ..., max: _Optional[float] = ..., count: _Optional[int] = ...) -> None: ...

class TraceEvent(_message.Message):
    __slots__ = ("seq", "event_type", "epcis_json", "prev_hash", "hash", "valid")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    EPCIS_JSON_FIELD_NUMBER: _ClassVar[int]
    PREV_HASH_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    VALID_FIELD_NUMBER: _ClassVar[int]
    seq: int
    event_type: str
    epcis_json: str
    prev_hash: str
    hash: str
    valid: bool
    def __init__(self, seq: _Optional[int] = ..., event_type: _Optional[str] = ..., epcis_json: _Optional[str] = ..., prev_hash: _Optional[str] = ..., hash: _Optional[str] = ..., valid: _Optional[bool] = ...) -> None: ...

class ListFieldStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListFieldStatusResponse(_message.Message):
    __slots__ = ("fields",)
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    fields: _containers.RepeatedCompositeFieldContainer[FieldStatus]
    def __init__(self, fields: _Optional[_Iterable[_Union[FieldStatus, _Mapping]]] = ...) -> None: ...

class ListFieldsRequest(_message.Message):
    __slots__ = ("owner",)
    OWNER_FIELD_NUMBER: _ClassVar[int]
    owner: str
    def __init__(self, owner: _Optional[str] = ...) -> None: ...

class ListFieldsResponse(_message.Message):
    __slots__ = ("fields",)
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    fields: _containers.RepeatedCompositeFieldContainer[Field]
    def __init__(self, fields: _Optional[_Iterable[_Union[Field, _Mapping]]] = ...) -> None: ...

class GetSensorHistoryRequest(_message.Message):
    __slots__ = ("device_id", "metric", "since", "until")
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    device_id: str
    metric: str
    since: _timestamp_pb2.Timestamp
    until: _timestamp_pb2.Timestamp
    def __init__(self, device_id: _Optional[str] = ..., metric: _Optional[str] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetSensorHistoryResponse(_message.Message):
    __slots__ = ("bucket_s", "points")
    BUCKET_S_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    bucket_s: int
    points: _containers.RepeatedCompositeFieldContainer[HistoryPoint]
    def __init__(self, bucket_s: _Optional[int] = ..., points: _Optional[_Iterable[_Union[HistoryPoint, _Mapping]]] = ...) -> None: ...

class ListAlarmsRequest(_message.Message):
    __slots__ = ("active_only", "field_id")
    ACTIVE_ONLY_FIELD_NUMBER: _ClassVar[int]
    FIELD_ID_FIELD_NUMBER: _ClassVar[int]
    active_only: bool
    field_id: str
    def __init__(self, active_only: _Optional[bool] = ..., field_id: _Optional[str] = ...) -> None: ...

class ListAlarmsResponse(_message.Message):
    __slots__ = ("alarms",)
    ALARMS_FIELD_NUMBER: _ClassVar[int]
    alarms: _containers.RepeatedCompositeFieldContainer[Alarm]
    def __init__(self, alarms: _Optional[_Iterable[_Union[Alarm, _Mapping]]] = ...) -> None: ...

class AckAlarmRequest(_message.Message):
    __slots__ = ("id", "user")
    ID_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    id: str
    user: str
    def __init__(self, id: _Optional[str] = ..., user: _Optional[str] = ...) -> None: ...

class ListMachinesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListMachinesResponse(_message.Message):
    __slots__ = ("machines",)
    MACHINES_FIELD_NUMBER: _ClassVar[int]
    machines: _containers.RepeatedCompositeFieldContainer[Machine]
    def __init__(self, machines: _Optional[_Iterable[_Union[Machine, _Mapping]]] = ...) -> None: ...

class ListOrdersRequest(_message.Message):
    __slots__ = ("open_only",)
    OPEN_ONLY_FIELD_NUMBER: _ClassVar[int]
    open_only: bool
    def __init__(self, open_only: _Optional[bool] = ...) -> None: ...

class ListOrdersResponse(_message.Message):
    __slots__ = ("orders",)
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    orders: _containers.RepeatedCompositeFieldContainer[WorkOrder]
    def __init__(self, orders: _Optional[_Iterable[_Union[WorkOrder, _Mapping]]] = ...) -> None: ...

class CreateOrderRequest(_message.Message):
    __slots__ = ("task", "field_id", "user", "note")
    TASK_FIELD_NUMBER: _ClassVar[int]
    FIELD_ID_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    task: str
    field_id: str
    user: str
    note: str
    def __init__(self, task: _Optional[str] = ..., field_id: _Optional[str] = ..., user: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class UpdateOrderRequest(_message.Message):
    __slots__ = ("id", "state", "user")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    id: str
    state: OrderState
    user: str
    def __init__(self, id: _Optional[str] = ..., state: _Optional[_Union[OrderState, str]] = ..., user: _Optional[str] = ...) -> None: ...

class GetEmergencyRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetEmergencyResponse(_message.Message):
    __slots__ = ("critical", "fields", "orders", "machines")
    CRITICAL_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    MACHINES_FIELD_NUMBER: _ClassVar[int]
    critical: _containers.RepeatedCompositeFieldContainer[Alarm]
    fields: _containers.RepeatedCompositeFieldContainer[Field]
    orders: _containers.RepeatedCompositeFieldContainer[WorkOrder]
    machines: _containers.RepeatedCompositeFieldContainer[Machine]
    def __init__(self, critical: _Optional[_Iterable[_Union[Alarm, _Mapping]]] = ..., fields: _Optional[_Iterable[_Union[Field, _Mapping]]] = ..., orders: _Optional[_Iterable[_Union[WorkOrder, _Mapping]]] = ..., machines: _Optional[_Iterable[_Union[Machine, _Mapping]]] = ...) -> None: ...

class GetTraceRequest(_message.Message):
    __slots__ = ("code",)
    CODE_FIELD_NUMBER: _ClassVar[int]
    code: str
    def __init__(self, code: _Optional[str] = ...) -> None: ...

class GetTraceResponse(_message.Message):
    __slots__ = ("code", "product", "field_id", "verified", "first_invalid_seq", "events", "field_summary_json")
    CODE_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    FIELD_ID_FIELD_NUMBER: _ClassVar[int]
    VERIFIED_FIELD_NUMBER: _ClassVar[int]
    FIRST_INVALID_SEQ_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    FIELD_SUMMARY_JSON_FIELD_NUMBER: _ClassVar[int]
    code: str
    product: str
    field_id: str
    verified: bool
    first_invalid_seq: int
    events: _containers.RepeatedCompositeFieldContainer[TraceEvent]
    field_summary_json: str
    def __init__(self, code: _Optional[str] = ..., product: _Optional[str] = ..., field_id: _Optional[str] = ..., verified: _Optional[bool] = ..., first_invalid_seq: _Optional[int] = ..., events: _Optional[_Iterable[_Union[TraceEvent, _Mapping]]] = ..., field_summary_json: _Optional[str] = ...) -> None: ...

class ListBatchesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListBatchesResponse(_message.Message):
    __slots__ = ("batches",)
    BATCHES_FIELD_NUMBER: _ClassVar[int]
    batches: _containers.RepeatedCompositeFieldContainer[GetTraceResponse]
    def __init__(self, batches: _Optional[_Iterable[_Union[GetTraceResponse, _Mapping]]] = ...) -> None: ...
