from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Visibility(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VISIBILITY_UNSPECIFIED: _ClassVar[Visibility]
    VISIBILITY_INTERNAL: _ClassVar[Visibility]
    VISIBILITY_CONSOLE: _ClassVar[Visibility]
    VISIBILITY_PUBLIC: _ClassVar[Visibility]
VISIBILITY_UNSPECIFIED: Visibility
VISIBILITY_INTERNAL: Visibility
VISIBILITY_CONSOLE: Visibility
VISIBILITY_PUBLIC: Visibility
TOPIC_FIELD_NUMBER: _ClassVar[int]
topic: _descriptor.FieldDescriptor

class Topic(_message.Message):
    __slots__ = ("name", "key_field", "visibility", "scope_field", "description", "flow")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_FIELD_NUMBER: _ClassVar[int]
    VISIBILITY_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FLOW_FIELD_NUMBER: _ClassVar[int]
    name: str
    key_field: str
    visibility: Visibility
    scope_field: str
    description: str
    flow: str
    def __init__(self, name: _Optional[str] = ..., key_field: _Optional[str] = ..., visibility: _Optional[_Union[Visibility, str]] = ..., scope_field: _Optional[str] = ..., description: _Optional[str] = ..., flow: _Optional[str] = ...) -> None: ...
