"""The ASK SDK's serializer with its per-call lookups done once per type.

`DefaultSerializer` reads every request envelope by walking the model classes' type strings: for
each field it parses the string with a regular expression, imports the class by name, rebuilds
the class's attribute map, and parses timestamps with dateutil. A warm turn paid about a third of
its time for that. This subclass keeps the SDK's behaviour (the same classes, the same fields, the
same errors) and remembers what does not change between calls: parsed type strings, resolved
classes and each model class's attribute map.

Two departures from the SDK, both because a request is written by whoever sends it: dates and
times are read as ISO 8601 only (what Alexa sends and its APIs answer), never by dateutil's
guessing parser, which spends ~100 ms on 60 KB of "1 1 1 ..."; and a key the model does not
declare is kept as a loose attribute only when it names no declared attribute, so a snake_case
`application_id` beside Alexa's `applicationId` cannot replace the value read from it.

The SDK calls its private (name-mangled) helpers through `self`, so overriding those names here is
how its own `deserialize` and discriminator look-ups reach the cached versions.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum
from typing import Any, ClassVar

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer

_PRIVATE = "_DefaultSerializer__"
_sdk_load_class = getattr(DefaultSerializer, _PRIVATE + "load_class_from_name")
_sdk_primitive = getattr(DefaultSerializer, _PRIVATE + "deserialize_primitive")
_sdk_discriminated = getattr(DefaultSerializer, _PRIVATE + "get_obj_by_discriminator")
_ISO_8601 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)
_MAX_DATE_CHARACTERS = 40
_LIST = re.compile(r"list\[(.*)\]")
_DICT = re.compile(r"dict\(([^,]*), (.*)\)")


class _Plan:
    """What deserializing or serializing one model class needs, looked up once."""

    __slots__ = (
        "attribute_map",
        "discriminated",
        "is_enum",
        "is_model",
        "json_keys",
        "reserved",
        "serialized",
        "types",
    )

    def __init__(self, cls: type) -> None:
        self.is_enum = issubclass(cls, Enum)
        self.is_model = hasattr(cls, "deserialized_types")
        self.discriminated = hasattr(cls, "get_real_child_model")
        self.types: dict[str, str] = dict(getattr(cls, "deserialized_types", {}))
        mapped = dict(getattr(cls, "attribute_map", {}))
        mapped.update({k: k for k in self.types if k not in mapped})
        self.attribute_map = tuple(mapped.items())
        self.json_keys = frozenset(mapped.values())
        self.reserved = frozenset(mapped) | self.json_keys
        """Names a loose key must not take: every declared attribute and JSON key."""
        self.serialized = tuple((attribute, mapped[attribute]) for attribute in self.types)


class CachingSerializer(DefaultSerializer):
    """`DefaultSerializer`, its type look-ups cached; see the module docstring."""

    _classes: ClassVar[dict[str, Any]] = {}
    _type_strings: ClassVar[dict[str, tuple[str, Any]]] = {}
    _plans: ClassVar[dict[type, _Plan]] = {}

    def _DefaultSerializer__load_class_from_name(self, class_name: str) -> Any:  # noqa: ANN401, N802  # the SDK's private name
        known = self._classes.get(class_name)
        if known is None:
            known = _sdk_load_class(self, class_name)
            self._classes[class_name] = known
        return known

    def _type_string(self, obj_type: str) -> tuple[str, Any]:
        """A type string parsed as the SDK parses it: ("list", item), ("dict", value) ..."""
        parsed = self._type_strings.get(obj_type)
        if parsed is not None:
            return parsed
        if obj_type.startswith("list["):
            match = _LIST.match(obj_type)
            if match is None:
                parsed = ("empty list", None)
            elif "," in match.group(1):
                parsed = ("tuple list", [t.strip() for t in match.group(1).split(",")])
            else:
                parsed = ("list", match.group(1).strip())
        elif obj_type.startswith("dict("):
            match = _DICT.match(obj_type)
            parsed = ("empty dict", None) if match is None else ("dict", match.group(2))
        elif obj_type in self.NATIVE_TYPES_MAPPING:
            parsed = ("type", self.NATIVE_TYPES_MAPPING[obj_type])
        else:
            parsed = ("type", self._DefaultSerializer__load_class_from_name(obj_type))
        self._type_strings[obj_type] = parsed
        return parsed

    def _DefaultSerializer__deserialize(self, payload: Any, obj_type: Any) -> Any:  # noqa: ANN401, N802, PLR0911  # the SDK's private name and branches
        if payload is None:
            return None
        if isinstance(obj_type, str):
            kind, argument = self._type_string(obj_type)
            if kind == "list":
                return [self._DefaultSerializer__deserialize(item, argument) for item in payload]
            if kind == "dict":
                return {
                    k: self._DefaultSerializer__deserialize(v, argument) for k, v in payload.items()
                }
            if kind == "tuple list":
                return [
                    self._DefaultSerializer__deserialize(item, t)
                    for item, t in zip(payload, argument, strict=False)
                ]
            if kind == "empty list":
                return []
            if kind == "empty dict":
                return {}
            obj_type = argument
        if obj_type in self.PRIMITIVE_TYPES:
            return _sdk_primitive(self, payload, obj_type)
        if obj_type is object:
            return payload
        if obj_type is date or obj_type is datetime:
            return self._DefaultSerializer__deserialize_datetime(payload, obj_type)
        return self._DefaultSerializer__deserialize_model(payload, obj_type)

    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any) -> Any:  # noqa: ANN401, N802  # the SDK's private name
        iso = isinstance(payload, str) and len(payload) <= _MAX_DATE_CHARACTERS
        if iso and _ISO_8601.fullmatch(payload):
            try:
                parsed = datetime.fromisoformat(payload)
            except ValueError:
                pass
            else:
                return parsed.date() if obj_type is date else parsed
        shown = payload[:_MAX_DATE_CHARACTERS] if isinstance(payload, str) else type(payload)
        raise SerializationException(f"not an ISO 8601 date or time: {shown!r}")

    def _plan(self, cls: type) -> _Plan:
        plan = self._plans.get(cls)
        if plan is None:
            plan = self._plans[cls] = _Plan(cls)
        return plan

    def _DefaultSerializer__deserialize_model(self, payload: Any, obj_type: Any) -> Any:  # noqa: ANN401, N802  # the SDK's private name
        try:
            plan = self._plan(obj_type)
            if plan.is_enum:
                return obj_type(payload)
            if not plan.is_model:
                return payload
            if plan.discriminated:
                obj_type = _sdk_discriminated(self, payload, obj_type)
                plan = self._plan(obj_type)
            model = obj_type()
            deserialize = self._DefaultSerializer__deserialize
            for attribute, key in plan.attribute_map:
                if key in payload:
                    setattr(model, attribute, deserialize(payload[key], plan.types[attribute]))
            for extra in payload:
                if extra not in plan.reserved:
                    setattr(model, extra, payload[extra])
        except Exception as error:
            raise SerializationException(str(error)) from error
        return model

    def serialize(self, obj: Any) -> Any:  # noqa: ANN401  # as the SDK's
        """As `DefaultSerializer.serialize`, with each model class's attribute map cached."""
        if obj is None or isinstance(obj, self.PRIMITIVE_TYPES):
            return obj
        if isinstance(obj, (list, tuple, datetime, date, Enum)) or not hasattr(
            obj, "deserialized_types"
        ):
            return (
                super().serialize(obj)
                if not isinstance(obj, dict)
                else {key: self.serialize(value) for key, value in obj.items()}
            )
        plan = self._plan(type(obj))
        out = {}
        for attribute, key in plan.serialized:
            value = getattr(obj, attribute)
            if value is not None:
                out[key] = self.serialize(value)
        return out
