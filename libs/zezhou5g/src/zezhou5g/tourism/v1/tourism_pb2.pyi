from zezhou5g.common.v1 import contract_pb2 as _contract_pb2
from zezhou5g.common.v1 import envelope_pb2 as _envelope_pb2
from zezhou5g.tourism.v1 import flow_pb2 as _flow_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ComfortLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COMFORT_LEVEL_UNSPECIFIED: _ClassVar[ComfortLevel]
    COMFORT_LEVEL_COMFORTABLE: _ClassVar[ComfortLevel]
    COMFORT_LEVEL_FAIR: _ClassVar[ComfortLevel]
    COMFORT_LEVEL_UNCOMFORTABLE: _ClassVar[ComfortLevel]
COMFORT_LEVEL_UNSPECIFIED: ComfortLevel
COMFORT_LEVEL_COMFORTABLE: ComfortLevel
COMFORT_LEVEL_FAIR: ComfortLevel
COMFORT_LEVEL_UNCOMFORTABLE: ComfortLevel

class EnvironmentReading(_message.Message):
    __slots__ = ("meta", "sensor_id", "area_id", "temperature_c", "humidity_pct", "pm25_ug_m3", "noise_db")
    META_FIELD_NUMBER: _ClassVar[int]
    SENSOR_ID_FIELD_NUMBER: _ClassVar[int]
    AREA_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_C_FIELD_NUMBER: _ClassVar[int]
    HUMIDITY_PCT_FIELD_NUMBER: _ClassVar[int]
    PM25_UG_M3_FIELD_NUMBER: _ClassVar[int]
    NOISE_DB_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    sensor_id: str
    area_id: str
    temperature_c: float
    humidity_pct: float
    pm25_ug_m3: float
    noise_db: float
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., sensor_id: _Optional[str] = ..., area_id: _Optional[str] = ..., temperature_c: _Optional[float] = ..., humidity_pct: _Optional[float] = ..., pm25_ug_m3: _Optional[float] = ..., noise_db: _Optional[float] = ...) -> None: ...

class AreaEnvironment(_message.Message):
    __slots__ = ("meta", "area_id", "temperature_c", "humidity_pct", "pm25_ug_m3", "noise_db", "thi", "comfort_index", "comfort_band", "readings_total")
    META_FIELD_NUMBER: _ClassVar[int]
    AREA_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_C_FIELD_NUMBER: _ClassVar[int]
    HUMIDITY_PCT_FIELD_NUMBER: _ClassVar[int]
    PM25_UG_M3_FIELD_NUMBER: _ClassVar[int]
    NOISE_DB_FIELD_NUMBER: _ClassVar[int]
    THI_FIELD_NUMBER: _ClassVar[int]
    COMFORT_INDEX_FIELD_NUMBER: _ClassVar[int]
    COMFORT_BAND_FIELD_NUMBER: _ClassVar[int]
    READINGS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    area_id: str
    temperature_c: float
    humidity_pct: float
    pm25_ug_m3: float
    noise_db: float
    thi: float
    comfort_index: float
    comfort_band: ComfortLevel
    readings_total: int
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., area_id: _Optional[str] = ..., temperature_c: _Optional[float] = ..., humidity_pct: _Optional[float] = ..., pm25_ug_m3: _Optional[float] = ..., noise_db: _Optional[float] = ..., thi: _Optional[float] = ..., comfort_index: _Optional[float] = ..., comfort_band: _Optional[_Union[ComfortLevel, str]] = ..., readings_total: _Optional[int] = ...) -> None: ...

class ListAreaEnvironmentRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListAreaEnvironmentResponse(_message.Message):
    __slots__ = ("areas",)
    AREAS_FIELD_NUMBER: _ClassVar[int]
    areas: _containers.RepeatedCompositeFieldContainer[AreaEnvironment]
    def __init__(self, areas: _Optional[_Iterable[_Union[AreaEnvironment, _Mapping]]] = ...) -> None: ...
