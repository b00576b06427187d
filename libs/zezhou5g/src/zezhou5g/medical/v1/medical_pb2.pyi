from zezhou5g.common.v1 import envelope_pb2 as _envelope_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Consciousness(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONSCIOUSNESS_UNSPECIFIED: _ClassVar[Consciousness]
    CONSCIOUSNESS_ALERT: _ClassVar[Consciousness]
    CONSCIOUSNESS_CONFUSION: _ClassVar[Consciousness]
    CONSCIOUSNESS_VOICE: _ClassVar[Consciousness]
    CONSCIOUSNESS_PAIN: _ClassVar[Consciousness]
    CONSCIOUSNESS_UNRESPONSIVE: _ClassVar[Consciousness]
CONSCIOUSNESS_UNSPECIFIED: Consciousness
CONSCIOUSNESS_ALERT: Consciousness
CONSCIOUSNESS_CONFUSION: Consciousness
CONSCIOUSNESS_VOICE: Consciousness
CONSCIOUSNESS_PAIN: Consciousness
CONSCIOUSNESS_UNRESPONSIVE: Consciousness

class VitalSigns(_message.Message):
    __slots__ = ("meta", "patient_id", "device_id", "seq", "heart_rate_bpm", "resp_rate_per_min", "spo2_pct", "systolic_mmhg", "diastolic_mmhg", "temperature_c", "consciousness", "on_oxygen")
    META_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    HEART_RATE_BPM_FIELD_NUMBER: _ClassVar[int]
    RESP_RATE_PER_MIN_FIELD_NUMBER: _ClassVar[int]
    SPO2_PCT_FIELD_NUMBER: _ClassVar[int]
    SYSTOLIC_MMHG_FIELD_NUMBER: _ClassVar[int]
    DIASTOLIC_MMHG_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_C_FIELD_NUMBER: _ClassVar[int]
    CONSCIOUSNESS_FIELD_NUMBER: _ClassVar[int]
    ON_OXYGEN_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    patient_id: str
    device_id: str
    seq: int
    heart_rate_bpm: float
    resp_rate_per_min: float
    spo2_pct: float
    systolic_mmhg: float
    diastolic_mmhg: float
    temperature_c: float
    consciousness: Consciousness
    on_oxygen: bool
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., patient_id: _Optional[str] = ..., device_id: _Optional[str] = ..., seq: _Optional[int] = ..., heart_rate_bpm: _Optional[float] = ..., resp_rate_per_min: _Optional[float] = ..., spo2_pct: _Optional[float] = ..., systolic_mmhg: _Optional[float] = ..., diastolic_mmhg: _Optional[float] = ..., temperature_c: _Optional[float] = ..., consciousness: _Optional[_Union[Consciousness, str]] = ..., on_oxygen: _Optional[bool] = ...) -> None: ...

class News2Parameter(_message.Message):
    __slots__ = ("parameter", "value", "points")
    PARAMETER_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    parameter: str
    value: float
    points: int
    def __init__(self, parameter: _Optional[str] = ..., value: _Optional[float] = ..., points: _Optional[int] = ...) -> None: ...

class News2(_message.Message):
    __slots__ = ("aggregate", "risk", "single_parameter_3", "complete", "missing", "spo2_scale", "monitoring", "response", "parameters")
    AGGREGATE_FIELD_NUMBER: _ClassVar[int]
    RISK_FIELD_NUMBER: _ClassVar[int]
    SINGLE_PARAMETER_3_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    SPO2_SCALE_FIELD_NUMBER: _ClassVar[int]
    MONITORING_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    aggregate: int
    risk: str
    single_parameter_3: bool
    complete: bool
    missing: _containers.RepeatedScalarFieldContainer[str]
    spo2_scale: int
    monitoring: str
    response: str
    parameters: _containers.RepeatedCompositeFieldContainer[News2Parameter]
    def __init__(self, aggregate: _Optional[int] = ..., risk: _Optional[str] = ..., single_parameter_3: _Optional[bool] = ..., complete: _Optional[bool] = ..., missing: _Optional[_Iterable[str]] = ..., spo2_scale: _Optional[int] = ..., monitoring: _Optional[str] = ..., response: _Optional[str] = ..., parameters: _Optional[_Iterable[_Union[News2Parameter, _Mapping]]] = ...) -> None: ...

class PatientVitals(_message.Message):
    __slots__ = ("meta", "patient_id", "latest", "observations_total", "news2")
    META_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    LATEST_FIELD_NUMBER: _ClassVar[int]
    OBSERVATIONS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    NEWS2_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    patient_id: str
    latest: VitalSigns
    observations_total: int
    news2: News2
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., patient_id: _Optional[str] = ..., latest: _Optional[_Union[VitalSigns, _Mapping]] = ..., observations_total: _Optional[int] = ..., news2: _Optional[_Union[News2, _Mapping]] = ...) -> None: ...

class GetPatientVitalsRequest(_message.Message):
    __slots__ = ("patient_id",)
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    patient_id: str
    def __init__(self, patient_id: _Optional[str] = ...) -> None: ...
