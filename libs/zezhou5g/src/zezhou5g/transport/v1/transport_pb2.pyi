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

class Lane(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LANE_UNSPECIFIED: _ClassVar[Lane]
    LANE_FACE: _ClassVar[Lane]
    LANE_MANUAL: _ClassVar[Lane]

class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OUTCOME_UNSPECIFIED: _ClassVar[Outcome]
    OUTCOME_OPEN: _ClassVar[Outcome]
    OUTCOME_DENY: _ClassVar[Outcome]
    OUTCOME_MANUAL: _ClassVar[Outcome]

class MatchMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MATCH_MODE_UNSPECIFIED: _ClassVar[MatchMode]
    MATCH_MODE_ONE_TO_ONE: _ClassVar[MatchMode]
    MATCH_MODE_ONE_TO_N: _ClassVar[MatchMode]

class DecisionReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECISION_REASON_UNSPECIFIED: _ClassVar[DecisionReason]
    DECISION_REASON_MATCH_1TO1: _ClassVar[DecisionReason]
    DECISION_REASON_MATCH_1TON: _ClassVar[DecisionReason]
    DECISION_REASON_UNCERTAIN_1TO1: _ClassVar[DecisionReason]
    DECISION_REASON_UNCERTAIN_1TON: _ClassVar[DecisionReason]
    DECISION_REASON_AMBIGUOUS_1TON: _ClassVar[DecisionReason]
    DECISION_REASON_NOT_TICKET_HOLDER: _ClassVar[DecisionReason]
    DECISION_REASON_NO_MATCH: _ClassVar[DecisionReason]
    DECISION_REASON_GALLERY_EMPTY: _ClassVar[DecisionReason]
    DECISION_REASON_LIVENESS_FAILED: _ClassVar[DecisionReason]
    DECISION_REASON_NO_FRONTAL_FACE: _ClassVar[DecisionReason]
    DECISION_REASON_FACE_CHANGED: _ClassVar[DecisionReason]
    DECISION_REASON_TICKET_USED: _ClassVar[DecisionReason]
    DECISION_REASON_UNKNOWN_TICKET: _ClassVar[DecisionReason]
    DECISION_REASON_WRONG_STATION: _ClassVar[DecisionReason]
    DECISION_REASON_OUTSIDE_WINDOW: _ClassVar[DecisionReason]
    DECISION_REASON_NO_FACE_ENROLLED: _ClassVar[DecisionReason]
    DECISION_REASON_STAFF_CONFIRMED: _ClassVar[DecisionReason]
    DECISION_REASON_STAFF_REFUSED: _ClassVar[DecisionReason]
    DECISION_REASON_QR_ID_CHECK: _ClassVar[DecisionReason]

class EnrolRefusal(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENROL_REFUSAL_UNSPECIFIED: _ClassVar[EnrolRefusal]
    ENROL_REFUSAL_CONSENT_MISSING: _ClassVar[EnrolRefusal]
    ENROL_REFUSAL_CONSENT_VERSION_UNKNOWN: _ClassVar[EnrolRefusal]
    ENROL_REFUSAL_OWNERSHIP_NOT_PROVEN: _ClassVar[EnrolRefusal]
    ENROL_REFUSAL_ALREADY_ENROLLED: _ClassVar[EnrolRefusal]
    ENROL_REFUSAL_TICKET_EXPIRED: _ClassVar[EnrolRefusal]
    ENROL_REFUSAL_NO_FACE: _ClassVar[EnrolRefusal]
    ENROL_REFUSAL_SEVERAL_FACES: _ClassVar[EnrolRefusal]
    ENROL_REFUSAL_FACE_TOO_SMALL: _ClassVar[EnrolRefusal]
    ENROL_REFUSAL_FACE_BLURRED: _ClassVar[EnrolRefusal]
    ENROL_REFUSAL_HEAD_TURNED: _ClassVar[EnrolRefusal]
    ENROL_REFUSAL_FACE_UNCERTAIN: _ClassVar[EnrolRefusal]

class Refusal(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REFUSAL_UNSPECIFIED: _ClassVar[Refusal]
    REFUSAL_UNKNOWN_GATE: _ClassVar[Refusal]
    REFUSAL_PASSAGE_NOT_OPEN: _ClassVar[Refusal]
    REFUSAL_FRAME_COUNT: _ClassVar[Refusal]
    REFUSAL_TICKET_NOT_FOUND: _ClassVar[Refusal]
    REFUSAL_QUEUE_ITEM_NOT_FOUND: _ClassVar[Refusal]
    REFUSAL_QUEUE_ITEM_RESOLVED: _ClassVar[Refusal]
    REFUSAL_OVERRIDE_REASON_REQUIRED: _ClassVar[Refusal]
    REFUSAL_STAFF_REQUIRED: _ClassVar[Refusal]
    REFUSAL_NOT_CHARGED: _ClassVar[Refusal]
    REFUSAL_TOO_MANY_CODE_REQUESTS: _ClassVar[Refusal]
    REFUSAL_OWNERSHIP_NOT_PROVEN: _ClassVar[Refusal]
    REFUSAL_ENROLLED_OTHER_ID: _ClassVar[Refusal]
    REFUSAL_TICKET_INCOMPLETE: _ClassVar[Refusal]
    REFUSAL_PHONE_INVALID: _ClassVar[Refusal]
    REFUSAL_PURPOSE_UNKNOWN: _ClassVar[Refusal]
    REFUSAL_BAD_IMAGE: _ClassVar[Refusal]
    REFUSAL_INVALID_REQUEST: _ClassVar[Refusal]
    REFUSAL_LANGUAGE_UNKNOWN: _ClassVar[Refusal]
LANE_UNSPECIFIED: Lane
LANE_FACE: Lane
LANE_MANUAL: Lane
OUTCOME_UNSPECIFIED: Outcome
OUTCOME_OPEN: Outcome
OUTCOME_DENY: Outcome
OUTCOME_MANUAL: Outcome
MATCH_MODE_UNSPECIFIED: MatchMode
MATCH_MODE_ONE_TO_ONE: MatchMode
MATCH_MODE_ONE_TO_N: MatchMode
DECISION_REASON_UNSPECIFIED: DecisionReason
DECISION_REASON_MATCH_1TO1: DecisionReason
DECISION_REASON_MATCH_1TON: DecisionReason
DECISION_REASON_UNCERTAIN_1TO1: DecisionReason
DECISION_REASON_UNCERTAIN_1TON: DecisionReason
DECISION_REASON_AMBIGUOUS_1TON: DecisionReason
DECISION_REASON_NOT_TICKET_HOLDER: DecisionReason
DECISION_REASON_NO_MATCH: DecisionReason
DECISION_REASON_GALLERY_EMPTY: DecisionReason
DECISION_REASON_LIVENESS_FAILED: DecisionReason
DECISION_REASON_NO_FRONTAL_FACE: DecisionReason
DECISION_REASON_FACE_CHANGED: DecisionReason
DECISION_REASON_TICKET_USED: DecisionReason
DECISION_REASON_UNKNOWN_TICKET: DecisionReason
DECISION_REASON_WRONG_STATION: DecisionReason
DECISION_REASON_OUTSIDE_WINDOW: DecisionReason
DECISION_REASON_NO_FACE_ENROLLED: DecisionReason
DECISION_REASON_STAFF_CONFIRMED: DecisionReason
DECISION_REASON_STAFF_REFUSED: DecisionReason
DECISION_REASON_QR_ID_CHECK: DecisionReason
ENROL_REFUSAL_UNSPECIFIED: EnrolRefusal
ENROL_REFUSAL_CONSENT_MISSING: EnrolRefusal
ENROL_REFUSAL_CONSENT_VERSION_UNKNOWN: EnrolRefusal
ENROL_REFUSAL_OWNERSHIP_NOT_PROVEN: EnrolRefusal
ENROL_REFUSAL_ALREADY_ENROLLED: EnrolRefusal
ENROL_REFUSAL_TICKET_EXPIRED: EnrolRefusal
ENROL_REFUSAL_NO_FACE: EnrolRefusal
ENROL_REFUSAL_SEVERAL_FACES: EnrolRefusal
ENROL_REFUSAL_FACE_TOO_SMALL: EnrolRefusal
ENROL_REFUSAL_FACE_BLURRED: EnrolRefusal
ENROL_REFUSAL_HEAD_TURNED: EnrolRefusal
ENROL_REFUSAL_FACE_UNCERTAIN: EnrolRefusal
REFUSAL_UNSPECIFIED: Refusal
REFUSAL_UNKNOWN_GATE: Refusal
REFUSAL_PASSAGE_NOT_OPEN: Refusal
REFUSAL_FRAME_COUNT: Refusal
REFUSAL_TICKET_NOT_FOUND: Refusal
REFUSAL_QUEUE_ITEM_NOT_FOUND: Refusal
REFUSAL_QUEUE_ITEM_RESOLVED: Refusal
REFUSAL_OVERRIDE_REASON_REQUIRED: Refusal
REFUSAL_STAFF_REQUIRED: Refusal
REFUSAL_NOT_CHARGED: Refusal
REFUSAL_TOO_MANY_CODE_REQUESTS: Refusal
REFUSAL_OWNERSHIP_NOT_PROVEN: Refusal
REFUSAL_ENROLLED_OTHER_ID: Refusal
REFUSAL_TICKET_INCOMPLETE: Refusal
REFUSAL_PHONE_INVALID: Refusal
REFUSAL_PURPOSE_UNKNOWN: Refusal
REFUSAL_BAD_IMAGE: Refusal
REFUSAL_INVALID_REQUEST: Refusal
REFUSAL_LANGUAGE_UNKNOWN: Refusal

class GateHeartbeat(_message.Message):
    __slots__ = ("meta", "gate_id", "station_id", "camera_ok", "queue_length")
    META_FIELD_NUMBER: _ClassVar[int]
    GATE_ID_FIELD_NUMBER: _ClassVar[int]
    STATION_ID_FIELD_NUMBER: _ClassVar[int]
    CAMERA_OK_FIELD_NUMBER: _ClassVar[int]
    QUEUE_LENGTH_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    gate_id: str
    station_id: str
    camera_ok: bool
    queue_length: int
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., gate_id: _Optional[str] = ..., station_id: _Optional[str] = ..., camera_ok: _Optional[bool] = ..., queue_length: _Optional[int] = ...) -> None: ...

class GateStatus(_message.Message):
    __slots__ = ("meta", "gate_id", "station_id", "state", "queue_length", "heartbeats_total")
    META_FIELD_NUMBER: _ClassVar[int]
    GATE_ID_FIELD_NUMBER: _ClassVar[int]
    STATION_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    QUEUE_LENGTH_FIELD_NUMBER: _ClassVar[int]
    HEARTBEATS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    gate_id: str
    station_id: str
    state: str
    queue_length: int
    heartbeats_total: int
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., gate_id: _Optional[str] = ..., station_id: _Optional[str] = ..., state: _Optional[str] = ..., queue_length: _Optional[int] = ..., heartbeats_total: _Optional[int] = ...) -> None: ...

class FaceEnrolmentEvent(_message.Message):
    __slots__ = ("meta", "enrolment_id", "action", "ticket_id", "station_id", "departure")
    META_FIELD_NUMBER: _ClassVar[int]
    ENROLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    STATION_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTURE_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    enrolment_id: str
    action: str
    ticket_id: str
    station_id: str
    departure: _timestamp_pb2.Timestamp
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., enrolment_id: _Optional[str] = ..., action: _Optional[str] = ..., ticket_id: _Optional[str] = ..., station_id: _Optional[str] = ..., departure: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GateDecision(_message.Message):
    __slots__ = ("meta", "gate_id", "station_id", "lane_code", "gate_outcome", "why", "match_mode", "score", "threshold", "ticket_id", "passenger_ref", "fare_fen", "actor", "challenge", "latency_ms")
    META_FIELD_NUMBER: _ClassVar[int]
    GATE_ID_FIELD_NUMBER: _ClassVar[int]
    STATION_ID_FIELD_NUMBER: _ClassVar[int]
    LANE_CODE_FIELD_NUMBER: _ClassVar[int]
    GATE_OUTCOME_FIELD_NUMBER: _ClassVar[int]
    WHY_FIELD_NUMBER: _ClassVar[int]
    MATCH_MODE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    PASSENGER_REF_FIELD_NUMBER: _ClassVar[int]
    FARE_FEN_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    CHALLENGE_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    gate_id: str
    station_id: str
    lane_code: Lane
    gate_outcome: Outcome
    why: DecisionReason
    match_mode: MatchMode
    score: float
    threshold: float
    ticket_id: str
    passenger_ref: str
    fare_fen: int
    actor: str
    challenge: str
    latency_ms: float
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., gate_id: _Optional[str] = ..., station_id: _Optional[str] = ..., lane_code: _Optional[_Union[Lane, str]] = ..., gate_outcome: _Optional[_Union[Outcome, str]] = ..., why: _Optional[_Union[DecisionReason, str]] = ..., match_mode: _Optional[_Union[MatchMode, str]] = ..., score: _Optional[float] = ..., threshold: _Optional[float] = ..., ticket_id: _Optional[str] = ..., passenger_ref: _Optional[str] = ..., fare_fen: _Optional[int] = ..., actor: _Optional[str] = ..., challenge: _Optional[str] = ..., latency_ms: _Optional[float] = ...) -> None: ...

class PaymentEvent(_message.Message):
    __slots__ = ("meta", "decision_id", "passenger_ref", "ticket_id", "kind", "amount_fen", "station_id")
    META_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    PASSENGER_REF_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    STATION_ID_FIELD_NUMBER: _ClassVar[int]
    meta: _envelope_pb2.EventMeta
    decision_id: str
    passenger_ref: str
    ticket_id: str
    kind: str
    amount_fen: int
    station_id: str
    def __init__(self, meta: _Optional[_Union[_envelope_pb2.EventMeta, _Mapping]] = ..., decision_id: _Optional[str] = ..., passenger_ref: _Optional[str] = ..., ticket_id: _Optional[str] = ..., kind: _Optional[str] = ..., amount_fen: _Optional[int] = ..., station_id: _Optional[str] = ...) -> None: ...

class ListGateStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListGateStatusResponse(_message.Message):
    __slots__ = ("gates", "retention_h")
    GATES_FIELD_NUMBER: _ClassVar[int]
    RETENTION_H_FIELD_NUMBER: _ClassVar[int]
    gates: _containers.RepeatedCompositeFieldContainer[GateStatus]
    retention_h: float
    def __init__(self, gates: _Optional[_Iterable[_Union[GateStatus, _Mapping]]] = ..., retention_h: _Optional[float] = ...) -> None: ...

class Ticket(_message.Message):
    __slots__ = ("ticket_id", "trip_id", "seat", "departure", "station_id", "fare_fen", "passenger_name")
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    TRIP_ID_FIELD_NUMBER: _ClassVar[int]
    SEAT_FIELD_NUMBER: _ClassVar[int]
    DEPARTURE_FIELD_NUMBER: _ClassVar[int]
    STATION_ID_FIELD_NUMBER: _ClassVar[int]
    FARE_FEN_FIELD_NUMBER: _ClassVar[int]
    PASSENGER_NAME_FIELD_NUMBER: _ClassVar[int]
    ticket_id: str
    trip_id: str
    seat: str
    departure: _timestamp_pb2.Timestamp
    station_id: str
    fare_fen: int
    passenger_name: str
    def __init__(self, ticket_id: _Optional[str] = ..., trip_id: _Optional[str] = ..., seat: _Optional[str] = ..., departure: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., station_id: _Optional[str] = ..., fare_fen: _Optional[int] = ..., passenger_name: _Optional[str] = ...) -> None: ...

class RegisterTicketRequest(_message.Message):
    __slots__ = ("ticket", "id_number", "phone")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    ticket: Ticket
    id_number: str
    phone: str
    def __init__(self, ticket: _Optional[_Union[Ticket, _Mapping]] = ..., id_number: _Optional[str] = ..., phone: _Optional[str] = ...) -> None: ...

class RegisterTicketResponse(_message.Message):
    __slots__ = ("passenger_ref",)
    PASSENGER_REF_FIELD_NUMBER: _ClassVar[int]
    passenger_ref: str
    def __init__(self, passenger_ref: _Optional[str] = ...) -> None: ...

class Consent(_message.Message):
    __slots__ = ("text_version", "accepted", "keep_photo")
    TEXT_VERSION_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    KEEP_PHOTO_FIELD_NUMBER: _ClassVar[int]
    text_version: str
    accepted: bool
    keep_photo: bool
    def __init__(self, text_version: _Optional[str] = ..., accepted: _Optional[bool] = ..., keep_photo: _Optional[bool] = ...) -> None: ...

class EnrolRequest(_message.Message):
    __slots__ = ("ticket", "id_number", "consent", "photo", "ticket_id", "otp")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CONSENT_FIELD_NUMBER: _ClassVar[int]
    PHOTO_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    OTP_FIELD_NUMBER: _ClassVar[int]
    ticket: Ticket
    id_number: str
    consent: Consent
    photo: bytes
    ticket_id: str
    otp: str
    def __init__(self, ticket: _Optional[_Union[Ticket, _Mapping]] = ..., id_number: _Optional[str] = ..., consent: _Optional[_Union[Consent, _Mapping]] = ..., photo: _Optional[bytes] = ..., ticket_id: _Optional[str] = ..., otp: _Optional[str] = ...) -> None: ...

class EnrolResponse(_message.Message):
    __slots__ = ("ok", "enrolment_id", "passenger_ref", "refusals", "purge_after", "withdrawal_code")
    OK_FIELD_NUMBER: _ClassVar[int]
    ENROLMENT_ID_FIELD_NUMBER: _ClassVar[int]
    PASSENGER_REF_FIELD_NUMBER: _ClassVar[int]
    REFUSALS_FIELD_NUMBER: _ClassVar[int]
    PURGE_AFTER_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWAL_CODE_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    enrolment_id: str
    passenger_ref: str
    refusals: _containers.RepeatedScalarFieldContainer[EnrolRefusal]
    purge_after: _timestamp_pb2.Timestamp
    withdrawal_code: str
    def __init__(self, ok: _Optional[bool] = ..., enrolment_id: _Optional[str] = ..., passenger_ref: _Optional[str] = ..., refusals: _Optional[_Iterable[_Union[EnrolRefusal, str]]] = ..., purge_after: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., withdrawal_code: _Optional[str] = ...) -> None: ...

class WithdrawRequest(_message.Message):
    __slots__ = ("ticket_id", "id_number", "otp", "withdrawal_code")
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    OTP_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWAL_CODE_FIELD_NUMBER: _ClassVar[int]
    ticket_id: str
    id_number: str
    otp: str
    withdrawal_code: str
    def __init__(self, ticket_id: _Optional[str] = ..., id_number: _Optional[str] = ..., otp: _Optional[str] = ..., withdrawal_code: _Optional[str] = ...) -> None: ...

class IssueTicketsRequest(_message.Message):
    __slots__ = ("tickets",)
    TICKETS_FIELD_NUMBER: _ClassVar[int]
    tickets: _containers.RepeatedCompositeFieldContainer[RegisterTicketRequest]
    def __init__(self, tickets: _Optional[_Iterable[_Union[RegisterTicketRequest, _Mapping]]] = ...) -> None: ...

class IssueTicketsResponse(_message.Message):
    __slots__ = ("issued", "unchanged", "refusals")
    ISSUED_FIELD_NUMBER: _ClassVar[int]
    UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    REFUSALS_FIELD_NUMBER: _ClassVar[int]
    issued: int
    unchanged: int
    refusals: _containers.RepeatedCompositeFieldContainer[TicketRefusal]
    def __init__(self, issued: _Optional[int] = ..., unchanged: _Optional[int] = ..., refusals: _Optional[_Iterable[_Union[TicketRefusal, _Mapping]]] = ...) -> None: ...

class TicketRefusal(_message.Message):
    __slots__ = ("ticket_id", "why")
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    WHY_FIELD_NUMBER: _ClassVar[int]
    ticket_id: str
    why: Refusal
    def __init__(self, ticket_id: _Optional[str] = ..., why: _Optional[_Union[Refusal, str]] = ...) -> None: ...

class RequestCodeRequest(_message.Message):
    __slots__ = ("ticket_id", "id_number", "purpose", "lang")
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    LANG_FIELD_NUMBER: _ClassVar[int]
    ticket_id: str
    id_number: str
    purpose: str
    lang: str
    def __init__(self, ticket_id: _Optional[str] = ..., id_number: _Optional[str] = ..., purpose: _Optional[str] = ..., lang: _Optional[str] = ...) -> None: ...

class RequestCodeResponse(_message.Message):
    __slots__ = ("accepted", "expires_in_s")
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_IN_S_FIELD_NUMBER: _ClassVar[int]
    accepted: bool
    expires_in_s: float
    def __init__(self, accepted: _Optional[bool] = ..., expires_in_s: _Optional[float] = ...) -> None: ...

class SmsMessage(_message.Message):
    __slots__ = ("id", "ticket_id", "phone_masked", "body", "sent", "lang")
    ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    PHONE_MASKED_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    SENT_FIELD_NUMBER: _ClassVar[int]
    LANG_FIELD_NUMBER: _ClassVar[int]
    id: int
    ticket_id: str
    phone_masked: str
    body: str
    sent: _timestamp_pb2.Timestamp
    lang: str
    def __init__(self, id: _Optional[int] = ..., ticket_id: _Optional[str] = ..., phone_masked: _Optional[str] = ..., body: _Optional[str] = ..., sent: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., lang: _Optional[str] = ...) -> None: ...

class ListSmsOutboxRequest(_message.Message):
    __slots__ = ("ticket_id", "limit")
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    ticket_id: str
    limit: int
    def __init__(self, ticket_id: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListSmsOutboxResponse(_message.Message):
    __slots__ = ("messages",)
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[SmsMessage]
    def __init__(self, messages: _Optional[_Iterable[_Union[SmsMessage, _Mapping]]] = ...) -> None: ...

class EnrolmentAuditEntry(_message.Message):
    __slots__ = ("id", "at", "ticket_id", "action", "reason", "actor")
    ID_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    id: int
    at: _timestamp_pb2.Timestamp
    ticket_id: str
    action: str
    reason: str
    actor: str
    def __init__(self, id: _Optional[int] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ticket_id: _Optional[str] = ..., action: _Optional[str] = ..., reason: _Optional[str] = ..., actor: _Optional[str] = ...) -> None: ...

class ListEnrolmentAuditRequest(_message.Message):
    __slots__ = ("ticket_id", "limit")
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    ticket_id: str
    limit: int
    def __init__(self, ticket_id: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListEnrolmentAuditResponse(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[EnrolmentAuditEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[EnrolmentAuditEntry, _Mapping]]] = ...) -> None: ...

class WithdrawResponse(_message.Message):
    __slots__ = ("withdrawn", "removed")
    WITHDRAWN_FIELD_NUMBER: _ClassVar[int]
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    withdrawn: bool
    removed: int
    def __init__(self, withdrawn: _Optional[bool] = ..., removed: _Optional[int] = ...) -> None: ...

class StartPassageRequest(_message.Message):
    __slots__ = ("gate_id", "ticket_id")
    GATE_ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    gate_id: str
    ticket_id: str
    def __init__(self, gate_id: _Optional[str] = ..., ticket_id: _Optional[str] = ...) -> None: ...

class StartPassageResponse(_message.Message):
    __slots__ = ("passage_id", "challenge", "instruction_zh", "instruction_en", "expires_in_s", "actions", "action_time_s")
    PASSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    CHALLENGE_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTION_ZH_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTION_EN_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_IN_S_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    ACTION_TIME_S_FIELD_NUMBER: _ClassVar[int]
    passage_id: str
    challenge: str
    instruction_zh: str
    instruction_en: str
    expires_in_s: float
    actions: _containers.RepeatedScalarFieldContainer[str]
    action_time_s: float
    def __init__(self, passage_id: _Optional[str] = ..., challenge: _Optional[str] = ..., instruction_zh: _Optional[str] = ..., instruction_en: _Optional[str] = ..., expires_in_s: _Optional[float] = ..., actions: _Optional[_Iterable[str]] = ..., action_time_s: _Optional[float] = ...) -> None: ...

class Frame(_message.Message):
    __slots__ = ("image", "t_ms")
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    T_MS_FIELD_NUMBER: _ClassVar[int]
    image: bytes
    t_ms: int
    def __init__(self, image: _Optional[bytes] = ..., t_ms: _Optional[int] = ...) -> None: ...

class DecideRequest(_message.Message):
    __slots__ = ("passage_id", "request_id", "frames")
    PASSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    FRAMES_FIELD_NUMBER: _ClassVar[int]
    passage_id: str
    request_id: str
    frames: _containers.RepeatedCompositeFieldContainer[Frame]
    def __init__(self, passage_id: _Optional[str] = ..., request_id: _Optional[str] = ..., frames: _Optional[_Iterable[_Union[Frame, _Mapping]]] = ...) -> None: ...

class DecideResponse(_message.Message):
    __slots__ = ("decision", "details", "replayed")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    decision: GateDecision
    details: _containers.RepeatedScalarFieldContainer[str]
    replayed: bool
    def __init__(self, decision: _Optional[_Union[GateDecision, _Mapping]] = ..., details: _Optional[_Iterable[str]] = ..., replayed: _Optional[bool] = ...) -> None: ...

class ManualRequestRequest(_message.Message):
    __slots__ = ("gate_id", "ticket_id", "id_number")
    GATE_ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    gate_id: str
    ticket_id: str
    id_number: str
    def __init__(self, gate_id: _Optional[str] = ..., ticket_id: _Optional[str] = ..., id_number: _Optional[str] = ...) -> None: ...

class ManualItem(_message.Message):
    __slots__ = ("item_id", "gate_id", "station_id", "ticket_id", "why", "state", "created", "id_matches", "score")
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    GATE_ID_FIELD_NUMBER: _ClassVar[int]
    STATION_ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_ID_FIELD_NUMBER: _ClassVar[int]
    WHY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    ID_MATCHES_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    gate_id: str
    station_id: str
    ticket_id: str
    why: DecisionReason
    state: str
    created: _timestamp_pb2.Timestamp
    id_matches: bool
    score: float
    def __init__(self, item_id: _Optional[str] = ..., gate_id: _Optional[str] = ..., station_id: _Optional[str] = ..., ticket_id: _Optional[str] = ..., why: _Optional[_Union[DecisionReason, str]] = ..., state: _Optional[str] = ..., created: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., id_matches: _Optional[bool] = ..., score: _Optional[float] = ...) -> None: ...

class ManualRequestResponse(_message.Message):
    __slots__ = ("item",)
    ITEM_FIELD_NUMBER: _ClassVar[int]
    item: ManualItem
    def __init__(self, item: _Optional[_Union[ManualItem, _Mapping]] = ...) -> None: ...

class ListManualQueueRequest(_message.Message):
    __slots__ = ("station_id",)
    STATION_ID_FIELD_NUMBER: _ClassVar[int]
    station_id: str
    def __init__(self, station_id: _Optional[str] = ...) -> None: ...

class ListManualQueueResponse(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[ManualItem]
    def __init__(self, items: _Optional[_Iterable[_Union[ManualItem, _Mapping]]] = ...) -> None: ...

class ResolveManualRequest(_message.Message):
    __slots__ = ("item_id", "approve", "reason")
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    APPROVE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    approve: bool
    reason: str
    def __init__(self, item_id: _Optional[str] = ..., approve: _Optional[bool] = ..., reason: _Optional[str] = ...) -> None: ...

class ResolveManualResponse(_message.Message):
    __slots__ = ("decision",)
    DECISION_FIELD_NUMBER: _ClassVar[int]
    decision: GateDecision
    def __init__(self, decision: _Optional[_Union[GateDecision, _Mapping]] = ...) -> None: ...

class RefundRequest(_message.Message):
    __slots__ = ("decision_id", "reason")
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    decision_id: str
    reason: str
    def __init__(self, decision_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RefundResponse(_message.Message):
    __slots__ = ("refunded", "amount_fen")
    REFUNDED_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    refunded: bool
    amount_fen: int
    def __init__(self, refunded: _Optional[bool] = ..., amount_fen: _Optional[int] = ...) -> None: ...

class StationSummaryRequest(_message.Message):
    __slots__ = ("station_id",)
    STATION_ID_FIELD_NUMBER: _ClassVar[int]
    station_id: str
    def __init__(self, station_id: _Optional[str] = ...) -> None: ...

class StationSummary(_message.Message):
    __slots__ = ("passages_total", "open_total", "deny_total", "manual_total", "passages_last_min", "charged_fen", "refunded_fen", "enrolled_now", "manual_pending", "recent")
    PASSAGES_TOTAL_FIELD_NUMBER: _ClassVar[int]
    OPEN_TOTAL_FIELD_NUMBER: _ClassVar[int]
    DENY_TOTAL_FIELD_NUMBER: _ClassVar[int]
    MANUAL_TOTAL_FIELD_NUMBER: _ClassVar[int]
    PASSAGES_LAST_MIN_FIELD_NUMBER: _ClassVar[int]
    CHARGED_FEN_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_FEN_FIELD_NUMBER: _ClassVar[int]
    ENROLLED_NOW_FIELD_NUMBER: _ClassVar[int]
    MANUAL_PENDING_FIELD_NUMBER: _ClassVar[int]
    RECENT_FIELD_NUMBER: _ClassVar[int]
    passages_total: int
    open_total: int
    deny_total: int
    manual_total: int
    passages_last_min: int
    charged_fen: int
    refunded_fen: int
    enrolled_now: int
    manual_pending: int
    recent: _containers.RepeatedCompositeFieldContainer[GateDecision]
    def __init__(self, passages_total: _Optional[int] = ..., open_total: _Optional[int] = ..., deny_total: _Optional[int] = ..., manual_total: _Optional[int] = ..., passages_last_min: _Optional[int] = ..., charged_fen: _Optional[int] = ..., refunded_fen: _Optional[int] = ..., enrolled_now: _Optional[int] = ..., manual_pending: _Optional[int] = ..., recent: _Optional[_Iterable[_Union[GateDecision, _Mapping]]] = ...) -> None: ...

class GalleryInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GalleryInfoResponse(_message.Message):
    __slots__ = ("node", "size", "enrolment_ids")
    NODE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    ENROLMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    node: str
    size: int
    enrolment_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, node: _Optional[str] = ..., size: _Optional[int] = ..., enrolment_ids: _Optional[_Iterable[str]] = ...) -> None: ...
