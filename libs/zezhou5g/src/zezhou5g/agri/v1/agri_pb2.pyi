from zezhou5g.common.v1 import envelope_pb2 as _envelope_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SensorReading(_message.Message):
    __slots__ = ("meta", "device_id", "field_id", "soil_moisture_vwc", "soil_temp_c", "air_temp_c", "air_humidity_pct", "light_lux", "battery_pct")
    META_FIELD_NUMBER: _ClassVar[int]
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    FIELD_ID_FIELD_NUMBER: _ClassVar[int]
    SOIL_MOISTURE_VWC_FIELD_NUMBER: _ClassVar[int]
    SOIL_TEMP_C_FIELD_NUMBER: _ClassVar[int]
    AIR_TEMP_C_FIELD_NUMBER: _ClassVar[int]
    AIR_HUMIDITY_PCT_FIELD_NUMBER: _ClassVar[int]
    LIGHT_LUX_FIELD_NUMBER: _ClassVar[int]
    BATTERY_PCT_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    device_id: str
    field_id: str
    soil_moisture_vwc: float
    soil_temp_c: float
    air_temp_c: float
    air_humidity_pct: float
    light_lux: float
    battery_pct: float
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., device_id: _Optional[str] = ..., field_id: _Optional[str] = ..., soil_moisture_vwc: _Optional[float] = ..., soil_temp_c: _Optional[float] = ..., air_temp_c: _Optional[float] = ..., air_humidity_pct: _Optional[float] = ..., light_lux: _Optional[float] = ..., battery_pct: _Optional[float] = ...) -> None: ...

class FieldStatus(_message.Message):
    __slots__ = ("meta", "field_id", "latest", "readings_total")
    META_FIELD_NUMBER: _ClassVar[int]
    FIELD_ID_FIELD_NUMBER: _ClassVar[int]
    LATEST_FIELD_NUMBER: _ClassVar[int]
    READINGS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    field_id: str
    latest: SensorReading
    readings_total: int
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., field_id: _Optional[str] = ..., latest: _Optional[_Union[SensorReading, _Mapping]] = ..., readings_total: _Optional[int] = ...) -> None: ...

class ListFieldStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListFieldStatusResponse(_message.Message):
    __slots__ = ("fields",)
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    fields: _containers.RepeatedCompositeFieldContainer[FieldStatus]
    def __init__(self, fields: _Optional[_Iterable[_Union[FieldStatus, _Mapping]]] = ...) -> None: ...
