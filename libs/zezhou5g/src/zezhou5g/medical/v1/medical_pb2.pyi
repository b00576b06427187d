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

class Consciousness(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONSCIOUSNESS_UNSPECIFIED: _ClassVar[Consciousness]
    CONSCIOUSNESS_ALERT: _ClassVar[Consciousness]
    CONSCIOUSNESS_CONFUSION: _ClassVar[Consciousness]
    CONSCIOUSNESS_VOICE: _ClassVar[Consciousness]
    CONSCIOUSNESS_PAIN: _ClassVar[Consciousness]
    CONSCIOUSNESS_UNRESPONSIVE: _ClassVar[Consciousness]

class ClinicalRisk(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLINICAL_RISK_UNSPECIFIED: _ClassVar[ClinicalRisk]
    CLINICAL_RISK_LOW: _ClassVar[ClinicalRisk]
    CLINICAL_RISK_LOW_MEDIUM: _ClassVar[ClinicalRisk]
    CLINICAL_RISK_MEDIUM: _ClassVar[ClinicalRisk]
    CLINICAL_RISK_HIGH: _ClassVar[ClinicalRisk]

class MonitoringFrequency(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MONITORING_FREQUENCY_UNSPECIFIED: _ClassVar[MonitoringFrequency]
    MONITORING_FREQUENCY_EVERY_12_H: _ClassVar[MonitoringFrequency]
    MONITORING_FREQUENCY_EVERY_4_TO_6_H: _ClassVar[MonitoringFrequency]
    MONITORING_FREQUENCY_EVERY_1_H: _ClassVar[MonitoringFrequency]
    MONITORING_FREQUENCY_CONTINUOUS: _ClassVar[MonitoringFrequency]

class ClinicalResponse(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLINICAL_RESPONSE_UNSPECIFIED: _ClassVar[ClinicalResponse]
    CLINICAL_RESPONSE_ROUTINE: _ClassVar[ClinicalResponse]
    CLINICAL_RESPONSE_NURSE_ASSESSMENT: _ClassVar[ClinicalResponse]
    CLINICAL_RESPONSE_URGENT_WARD: _ClassVar[ClinicalResponse]
    CLINICAL_RESPONSE_URGENT: _ClassVar[ClinicalResponse]
    CLINICAL_RESPONSE_EMERGENCY: _ClassVar[ClinicalResponse]

class AlertState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_STATE_UNSPECIFIED: _ClassVar[AlertState]
    ALERT_STATE_RAISED: _ClassVar[AlertState]
    ALERT_STATE_ACKNOWLEDGED: _ClassVar[AlertState]
    ALERT_STATE_RESOLVED: _ClassVar[AlertState]

class AlertReasonCode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_REASON_CODE_UNSPECIFIED: _ClassVar[AlertReasonCode]
    ALERT_REASON_CODE_BAND_ROSE: _ClassVar[AlertReasonCode]
    ALERT_REASON_CODE_SUPERSEDED: _ClassVar[AlertReasonCode]
    ALERT_REASON_CODE_BAND_FELL: _ClassVar[AlertReasonCode]
    ALERT_REASON_CODE_ACKNOWLEDGED: _ClassVar[AlertReasonCode]
    ALERT_REASON_CODE_ESCALATED: _ClassVar[AlertReasonCode]
CONSCIOUSNESS_UNSPECIFIED: Consciousness
CONSCIOUSNESS_ALERT: Consciousness
CONSCIOUSNESS_CONFUSION: Consciousness
CONSCIOUSNESS_VOICE: Consciousness
CONSCIOUSNESS_PAIN: Consciousness
CONSCIOUSNESS_UNRESPONSIVE: Consciousness
CLINICAL_RISK_UNSPECIFIED: ClinicalRisk
CLINICAL_RISK_LOW: ClinicalRisk
CLINICAL_RISK_LOW_MEDIUM: ClinicalRisk
CLINICAL_RISK_MEDIUM: ClinicalRisk
CLINICAL_RISK_HIGH: ClinicalRisk
MONITORING_FREQUENCY_UNSPECIFIED: MonitoringFrequency
MONITORING_FREQUENCY_EVERY_12_H: MonitoringFrequency
MONITORING_FREQUENCY_EVERY_4_TO_6_H: MonitoringFrequency
MONITORING_FREQUENCY_EVERY_1_H: MonitoringFrequency
MONITORING_FREQUENCY_CONTINUOUS: MonitoringFrequency
CLINICAL_RESPONSE_UNSPECIFIED: ClinicalResponse
CLINICAL_RESPONSE_ROUTINE: ClinicalResponse
CLINICAL_RESPONSE_NURSE_ASSESSMENT: ClinicalResponse
CLINICAL_RESPONSE_URGENT_WARD: ClinicalResponse
CLINICAL_RESPONSE_URGENT: ClinicalResponse
CLINICAL_RESPONSE_EMERGENCY: ClinicalResponse
ALERT_STATE_UNSPECIFIED: AlertState
ALERT_STATE_RAISED: AlertState
ALERT_STATE_ACKNOWLEDGED: AlertState
ALERT_STATE_RESOLVED: AlertState
ALERT_REASON_CODE_UNSPECIFIED: AlertReasonCode
ALERT_REASON_CODE_BAND_ROSE: AlertReasonCode
ALERT_REASON_CODE_SUPERSEDED: AlertReasonCode
ALERT_REASON_CODE_BAND_FELL: AlertReasonCode
ALERT_REASON_CODE_ACKNOWLEDGED: AlertReasonCode
ALERT_REASON_CODE_ESCALATED: AlertReasonCode

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

class VitalSignsBatch(_message.Message):
    __slots__ = ("meta", "hub_id", "sets")
    META_FIELD_NUMBER: _ClassVar[int]
    HUB_ID_FIELD_NUMBER: _ClassVar[int]
    SETS_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    hub_id: str
    sets: _containers.RepeatedCompositeFieldContainer[VitalSigns]
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., hub_id: _Optional[str] = ..., sets: _Optional[_Iterable[_Union[VitalSigns, _Mapping]]] = ...) -> None: ...

class PatientState(_message.Message):
    __slots__ = ("observations", "total", "trend_last_us", "devices", "status_sent_us", "sent_aggregate", "sent_risk", "sent_complete")
    class ObservationsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: StoredObservation
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[StoredObservation, _Mapping]] = ...) -> None: ...
    class DevicesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: DeviceOrder
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[DeviceOrder, _Mapping]] = ...) -> None: ...
    OBSERVATIONS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    TREND_LAST_US_FIELD_NUMBER: _ClassVar[int]
    DEVICES_FIELD_NUMBER: _ClassVar[int]
    STATUS_SENT_US_FIELD_NUMBER: _ClassVar[int]
    SENT_AGGREGATE_FIELD_NUMBER: _ClassVar[int]
    SENT_RISK_FIELD_NUMBER: _ClassVar[int]
    SENT_COMPLETE_FIELD_NUMBER: _ClassVar[int]
    observations: _containers.MessageMap[str, StoredObservation]
    total: int
    trend_last_us: int
    devices: _containers.MessageMap[str, DeviceOrder]
    status_sent_us: int
    sent_aggregate: int
    sent_risk: ClinicalRisk
    sent_complete: bool
    def __init__(self, observations: _Optional[_Mapping[str, StoredObservation]] = ..., total: _Optional[int] = ..., trend_last_us: _Optional[int] = ..., devices: _Optional[_Mapping[str, DeviceOrder]] = ..., status_sent_us: _Optional[int] = ..., sent_aggregate: _Optional[int] = ..., sent_risk: _Optional[_Union[ClinicalRisk, str]] = ..., sent_complete: _Optional[bool] = ...) -> None: ...

class StoredObservation(_message.Message):
    __slots__ = ("number", "flag", "level", "at_us")
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    FLAG_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    AT_US_FIELD_NUMBER: _ClassVar[int]
    number: float
    flag: bool
    level: str
    at_us: int
    def __init__(self, number: _Optional[float] = ..., flag: _Optional[bool] = ..., level: _Optional[str] = ..., at_us: _Optional[int] = ...) -> None: ...

class DeviceOrder(_message.Message):
    __slots__ = ("at_us", "seq")
    AT_US_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    at_us: int
    seq: int
    def __init__(self, at_us: _Optional[int] = ..., seq: _Optional[int] = ...) -> None: ...

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
    __slots__ = ("aggregate", "clinical_risk", "single_parameter_3", "complete", "missing", "spo2_scale", "monitoring_frequency", "clinical_response", "parameters")
    AGGREGATE_FIELD_NUMBER: _ClassVar[int]
    CLINICAL_RISK_FIELD_NUMBER: _ClassVar[int]
    SINGLE_PARAMETER_3_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    SPO2_SCALE_FIELD_NUMBER: _ClassVar[int]
    MONITORING_FREQUENCY_FIELD_NUMBER: _ClassVar[int]
    CLINICAL_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    aggregate: int
    clinical_risk: ClinicalRisk
    single_parameter_3: bool
    complete: bool
    missing: _containers.RepeatedScalarFieldContainer[str]
    spo2_scale: int
    monitoring_frequency: MonitoringFrequency
    clinical_response: ClinicalResponse
    parameters: _containers.RepeatedCompositeFieldContainer[News2Parameter]
    def __init__(self, aggregate: _Optional[int] = ..., clinical_risk: _Optional[_Union[ClinicalRisk, str]] = ..., single_parameter_3: _Optional[bool] = ..., complete: _Optional[bool] = ..., missing: _Optional[_Iterable[str]] = ..., spo2_scale: _Optional[int] = ..., monitoring_frequency: _Optional[_Union[MonitoringFrequency, str]] = ..., clinical_response: _Optional[_Union[ClinicalResponse, str]] = ..., parameters: _Optional[_Iterable[_Union[News2Parameter, _Mapping]]] = ...) -> None: ...

class PatientVitals(_message.Message):
    __slots__ = ("meta", "patient_id", "latest", "observations_total", "news2", "care_team")
    META_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    LATEST_FIELD_NUMBER: _ClassVar[int]
    OBSERVATIONS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    NEWS2_FIELD_NUMBER: _ClassVar[int]
    CARE_TEAM_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    patient_id: str
    latest: VitalSigns
    observations_total: int
    news2: News2
    care_team: str
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., patient_id: _Optional[str] = ..., latest: _Optional[_Union[VitalSigns, _Mapping]] = ..., observations_total: _Optional[int] = ..., news2: _Optional[_Union[News2, _Mapping]] = ..., care_team: _Optional[str] = ...) -> None: ...

class AlertReason(_message.Message):
    __slots__ = ("code", "risk", "news2_aggregate", "waited_s")
    CODE_FIELD_NUMBER: _ClassVar[int]
    RISK_FIELD_NUMBER: _ClassVar[int]
    NEWS2_AGGREGATE_FIELD_NUMBER: _ClassVar[int]
    WAITED_S_FIELD_NUMBER: _ClassVar[int]
    code: AlertReasonCode
    risk: ClinicalRisk
    news2_aggregate: int
    waited_s: float
    def __init__(self, code: _Optional[_Union[AlertReasonCode, str]] = ..., risk: _Optional[_Union[ClinicalRisk, str]] = ..., news2_aggregate: _Optional[int] = ..., waited_s: _Optional[float] = ...) -> None: ...

class Alert(_message.Message):
    __slots__ = ("meta", "alert_id", "patient_id", "care_team", "clinical_risk", "news2_aggregate", "state", "escalation_level", "routed_to", "raised_at", "escalate_at", "acknowledged_by", "acknowledged_at", "resolved_at", "why", "version", "band_lower_since")
    META_FIELD_NUMBER: _ClassVar[int]
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CARE_TEAM_FIELD_NUMBER: _ClassVar[int]
    CLINICAL_RISK_FIELD_NUMBER: _ClassVar[int]
    NEWS2_AGGREGATE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ESCALATION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    ROUTED_TO_FIELD_NUMBER: _ClassVar[int]
    RAISED_AT_FIELD_NUMBER: _ClassVar[int]
    ESCALATE_AT_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGED_BY_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGED_AT_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    WHY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    BAND_LOWER_SINCE_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    alert_id: str
    patient_id: str
    care_team: str
    clinical_risk: ClinicalRisk
    news2_aggregate: int
    state: AlertState
    escalation_level: int
    routed_to: str
    raised_at: _timestamp_pb2.Timestamp
    escalate_at: _timestamp_pb2.Timestamp
    acknowledged_by: str
    acknowledged_at: _timestamp_pb2.Timestamp
    resolved_at: _timestamp_pb2.Timestamp
    why: AlertReason
    version: int
    band_lower_since: _timestamp_pb2.Timestamp
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., alert_id: _Optional[str] = ..., patient_id: _Optional[str] = ..., care_team: _Optional[str] = ..., clinical_risk: _Optional[_Union[ClinicalRisk, str]] = ..., news2_aggregate: _Optional[int] = ..., state: _Optional[_Union[AlertState, str]] = ..., escalation_level: _Optional[int] = ..., routed_to: _Optional[str] = ..., raised_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., escalate_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., acknowledged_by: _Optional[str] = ..., acknowledged_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolved_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., why: _Optional[_Union[AlertReason, _Mapping]] = ..., version: _Optional[int] = ..., band_lower_since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AmbulanceTelemetry(_message.Message):
    __slots__ = ("meta", "ambulance_id", "patient_id", "lat", "lon", "speed_kmh", "destination", "vitals")
    META_FIELD_NUMBER: _ClassVar[int]
    AMBULANCE_ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    LAT_FIELD_NUMBER: _ClassVar[int]
    LON_FIELD_NUMBER: _ClassVar[int]
    SPEED_KMH_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    VITALS_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    ambulance_id: str
    patient_id: str
    lat: float
    lon: float
    speed_kmh: float
    destination: str
    vitals: VitalSigns
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., ambulance_id: _Optional[str] = ..., patient_id: _Optional[str] = ..., lat: _Optional[float] = ..., lon: _Optional[float] = ..., speed_kmh: _Optional[float] = ..., destination: _Optional[str] = ..., vitals: _Optional[_Union[VitalSigns, _Mapping]] = ...) -> None: ...

class PreArrivalNotice(_message.Message):
    __slots__ = ("meta", "ambulance_id", "patient_id", "destination", "lat", "lon", "distance_km", "eta_s", "news2", "news2_trend", "latest", "arrived", "care_team")
    META_FIELD_NUMBER: _ClassVar[int]
    AMBULANCE_ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    LAT_FIELD_NUMBER: _ClassVar[int]
    LON_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_KM_FIELD_NUMBER: _ClassVar[int]
    ETA_S_FIELD_NUMBER: _ClassVar[int]
    NEWS2_FIELD_NUMBER: _ClassVar[int]
    NEWS2_TREND_FIELD_NUMBER: _ClassVar[int]
    LATEST_FIELD_NUMBER: _ClassVar[int]
    ARRIVED_FIELD_NUMBER: _ClassVar[int]
    CARE_TEAM_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    ambulance_id: str
    patient_id: str
    destination: str
    lat: float
    lon: float
    distance_km: float
    eta_s: int
    news2: News2
    news2_trend: _containers.RepeatedScalarFieldContainer[int]
    latest: VitalSigns
    arrived: bool
    care_team: str
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., ambulance_id: _Optional[str] = ..., patient_id: _Optional[str] = ..., destination: _Optional[str] = ..., lat: _Optional[float] = ..., lon: _Optional[float] = ..., distance_km: _Optional[float] = ..., eta_s: _Optional[int] = ..., news2: _Optional[_Union[News2, _Mapping]] = ..., news2_trend: _Optional[_Iterable[int]] = ..., latest: _Optional[_Union[VitalSigns, _Mapping]] = ..., arrived: _Optional[bool] = ..., care_team: _Optional[str] = ...) -> None: ...

class Patient(_message.Message):
    __slots__ = ("patient_id", "name", "gender", "birth_date", "care_team", "ward", "spo2_scale2")
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    CARE_TEAM_FIELD_NUMBER: _ClassVar[int]
    WARD_FIELD_NUMBER: _ClassVar[int]
    SPO2_SCALE2_FIELD_NUMBER: _ClassVar[int]
    patient_id: str
    name: str
    gender: str
    birth_date: str
    care_team: str
    ward: str
    spo2_scale2: bool
    def __init__(self, patient_id: _Optional[str] = ..., name: _Optional[str] = ..., gender: _Optional[str] = ..., birth_date: _Optional[str] = ..., care_team: _Optional[str] = ..., ward: _Optional[str] = ..., spo2_scale2: _Optional[bool] = ...) -> None: ...

class CareTeam(_message.Message):
    __slots__ = ("team_id", "name")
    TEAM_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    team_id: str
    name: str
    def __init__(self, team_id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class Requester(_message.Message):
    __slots__ = ("user", "care_team", "role")
    USER_FIELD_NUMBER: _ClassVar[int]
    CARE_TEAM_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    user: str
    care_team: str
    role: str
    def __init__(self, user: _Optional[str] = ..., care_team: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...

class GetPatientVitalsRequest(_message.Message):
    __slots__ = ("patient_id", "requester")
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    patient_id: str
    requester: Requester
    def __init__(self, patient_id: _Optional[str] = ..., requester: _Optional[_Union[Requester, _Mapping]] = ...) -> None: ...

class ListPatientsRequest(_message.Message):
    __slots__ = ("requester",)
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    requester: Requester
    def __init__(self, requester: _Optional[_Union[Requester, _Mapping]] = ...) -> None: ...

class PatientSummary(_message.Message):
    __slots__ = ("patient", "status", "alert")
    PATIENT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ALERT_FIELD_NUMBER: _ClassVar[int]
    patient: Patient
    status: PatientVitals
    alert: Alert
    def __init__(self, patient: _Optional[_Union[Patient, _Mapping]] = ..., status: _Optional[_Union[PatientVitals, _Mapping]] = ..., alert: _Optional[_Union[Alert, _Mapping]] = ...) -> None: ...

class ListPatientsResponse(_message.Message):
    __slots__ = ("patients",)
    PATIENTS_FIELD_NUMBER: _ClassVar[int]
    patients: _containers.RepeatedCompositeFieldContainer[PatientSummary]
    def __init__(self, patients: _Optional[_Iterable[_Union[PatientSummary, _Mapping]]] = ...) -> None: ...

class GetPatientRequest(_message.Message):
    __slots__ = ("patient_id", "requester", "minutes")
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    patient_id: str
    requester: Requester
    minutes: int
    def __init__(self, patient_id: _Optional[str] = ..., requester: _Optional[_Union[Requester, _Mapping]] = ..., minutes: _Optional[int] = ...) -> None: ...

class TrendPoint(_message.Message):
    __slots__ = ("at", "heart_rate_bpm", "resp_rate_per_min", "spo2_pct", "systolic_mmhg", "temperature_c", "news2")
    AT_FIELD_NUMBER: _ClassVar[int]
    HEART_RATE_BPM_FIELD_NUMBER: _ClassVar[int]
    RESP_RATE_PER_MIN_FIELD_NUMBER: _ClassVar[int]
    SPO2_PCT_FIELD_NUMBER: _ClassVar[int]
    SYSTOLIC_MMHG_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_C_FIELD_NUMBER: _ClassVar[int]
    NEWS2_FIELD_NUMBER: _ClassVar[int]
    at: _timestamp_pb2.Timestamp
    heart_rate_bpm: float
    resp_rate_per_min: float
    spo2_pct: float
    systolic_mmhg: float
    temperature_c: float
    news2: int
    def __init__(self, at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., heart_rate_bpm: _Optional[float] = ..., resp_rate_per_min: _Optional[float] = ..., spo2_pct: _Optional[float] = ..., systolic_mmhg: _Optional[float] = ..., temperature_c: _Optional[float] = ..., news2: _Optional[int] = ...) -> None: ...

class PatientDetail(_message.Message):
    __slots__ = ("summary", "trend", "alerts")
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    TREND_FIELD_NUMBER: _ClassVar[int]
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    summary: PatientSummary
    trend: _containers.RepeatedCompositeFieldContainer[TrendPoint]
    alerts: _containers.RepeatedCompositeFieldContainer[Alert]
    def __init__(self, summary: _Optional[_Union[PatientSummary, _Mapping]] = ..., trend: _Optional[_Iterable[_Union[TrendPoint, _Mapping]]] = ..., alerts: _Optional[_Iterable[_Union[Alert, _Mapping]]] = ...) -> None: ...

class ListAlertsRequest(_message.Message):
    __slots__ = ("requester", "open_only")
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    OPEN_ONLY_FIELD_NUMBER: _ClassVar[int]
    requester: Requester
    open_only: bool
    def __init__(self, requester: _Optional[_Union[Requester, _Mapping]] = ..., open_only: _Optional[bool] = ...) -> None: ...

class ListAlertsResponse(_message.Message):
    __slots__ = ("alerts",)
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[Alert]
    def __init__(self, alerts: _Optional[_Iterable[_Union[Alert, _Mapping]]] = ...) -> None: ...

class AcknowledgeAlertRequest(_message.Message):
    __slots__ = ("alert_id", "requester")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    requester: Requester
    def __init__(self, alert_id: _Optional[str] = ..., requester: _Optional[_Union[Requester, _Mapping]] = ...) -> None: ...

class SetSpo2ScaleRequest(_message.Message):
    __slots__ = ("patient_id", "requester", "scale2")
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    SCALE2_FIELD_NUMBER: _ClassVar[int]
    patient_id: str
    requester: Requester
    scale2: bool
    def __init__(self, patient_id: _Optional[str] = ..., requester: _Optional[_Union[Requester, _Mapping]] = ..., scale2: _Optional[bool] = ...) -> None: ...

class ListPreArrivalsRequest(_message.Message):
    __slots__ = ("requester",)
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    requester: Requester
    def __init__(self, requester: _Optional[_Union[Requester, _Mapping]] = ...) -> None: ...

class ListPreArrivalsResponse(_message.Message):
    __slots__ = ("notices",)
    NOTICES_FIELD_NUMBER: _ClassVar[int]
    notices: _containers.RepeatedCompositeFieldContainer[PreArrivalNotice]
    def __init__(self, notices: _Optional[_Iterable[_Union[PreArrivalNotice, _Mapping]]] = ...) -> None: ...

class ExportFhirRequest(_message.Message):
    __slots__ = ("patient_id", "requester", "minutes", "since", "until", "count", "cursor")
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    patient_id: str
    requester: Requester
    minutes: int
    since: _timestamp_pb2.Timestamp
    until: _timestamp_pb2.Timestamp
    count: int
    cursor: str
    def __init__(self, patient_id: _Optional[str] = ..., requester: _Optional[_Union[Requester, _Mapping]] = ..., minutes: _Optional[int] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., count: _Optional[int] = ..., cursor: _Optional[str] = ...) -> None: ...

class ExportFhirResponse(_message.Message):
    __slots__ = ("bundle_json", "next_cursor", "total")
    BUNDLE_JSON_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    bundle_json: str
    next_cursor: str
    total: int
    def __init__(self, bundle_json: _Optional[str] = ..., next_cursor: _Optional[str] = ..., total: _Optional[int] = ...) -> None: ...

class GetFhirPatientRequest(_message.Message):
    __slots__ = ("patient_id", "requester")
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    patient_id: str
    requester: Requester
    def __init__(self, patient_id: _Optional[str] = ..., requester: _Optional[_Union[Requester, _Mapping]] = ...) -> None: ...

class FhirResource(_message.Message):
    __slots__ = ("resource_json",)
    RESOURCE_JSON_FIELD_NUMBER: _ClassVar[int]
    resource_json: str
    def __init__(self, resource_json: _Optional[str] = ...) -> None: ...

class AuditEntry(_message.Message):
    __slots__ = ("at", "user", "care_team", "action", "patient_id", "allowed", "detail")
    AT_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    CARE_TEAM_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    at: _timestamp_pb2.Timestamp
    user: str
    care_team: str
    action: str
    patient_id: str
    allowed: bool
    detail: str
    def __init__(self, at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., user: _Optional[str] = ..., care_team: _Optional[str] = ..., action: _Optional[str] = ..., patient_id: _Optional[str] = ..., allowed: _Optional[bool] = ..., detail: _Optional[str] = ...) -> None: ...

class ListAuditRequest(_message.Message):
    __slots__ = ("requester", "limit")
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    requester: Requester
    limit: int
    def __init__(self, requester: _Optional[_Union[Requester, _Mapping]] = ..., limit: _Optional[int] = ...) -> None: ...

class ListAuditResponse(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[AuditEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[AuditEntry, _Mapping]]] = ...) -> None: ...

class RecordAccessRequest(_message.Message):
    __slots__ = ("requester", "action", "detail")
    REQUESTER_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    requester: Requester
    action: str
    detail: str
    def __init__(self, requester: _Optional[_Union[Requester, _Mapping]] = ..., action: _Optional[str] = ..., detail: _Optional[str] = ...) -> None: ...

class RecordAccessResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
