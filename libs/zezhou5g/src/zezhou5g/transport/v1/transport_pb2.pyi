from zezhou5g.common.v1 import envelope_pb2 as _envelope_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

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

class ListGateStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListGateStatusResponse(_message.Message):
    __slots__ = ("gates",)
    GATES_FIELD_NUMBER: _ClassVar[int]
    gates: _containers.RepeatedCompositeFieldContainer[GateStatus]
    def __init__(self, gates: _Optional[_Iterable[_Union[GateStatus, _Mapping]]] = ...) -> None: ...
