"""The parse cache's format: the model's frozen values as plain JSON values, and back.

JSON, unlike pickle, cannot run code when it is read: the cache lives beside the site, where
anyone who can write a file there could otherwise make the next build run anything. Converters
are derived once per dataclass from its type hints, so a field added to the model is stored
without touching this file (a type it does not know fails loudly when the cache is saved).
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from enum import Enum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

Convert = Callable[[Any], Any]


@dataclasses.dataclass(frozen=True)
class Codec:
    """How one type becomes plain JSON values (`encode`) and comes back (`decode`)."""

    encode: Convert
    decode: Convert


def _same(value: Any) -> Any:
    return value


def _encode_time(moment: datetime) -> list[Any]:
    """The wall time, the zone it was written in (a zone name or an offset) and the fold: the
    very value comes back, so pages print the same zone names as a clean build."""
    zone = moment.tzinfo
    if isinstance(zone, ZoneInfo):
        where: str | int = zone.key
    elif isinstance(zone, timezone):
        offset = zone.utcoffset(None)
        where = int(offset.total_seconds())
    else:
        raise TypeError(f"cannot store the time zone {zone!r}")
    return [moment.replace(tzinfo=None).isoformat(), where, moment.fold]


@functools.cache
def _zone(where: str | int) -> timezone | ZoneInfo:
    if isinstance(where, str):
        return ZoneInfo(where)
    return timezone(timedelta(seconds=where))


def _decode_time(value: list[Any]) -> datetime:
    wall, where, fold = value
    return datetime.fromisoformat(wall).replace(tzinfo=_zone(where), fold=fold)


def _optional(inner: Codec) -> Codec:
    return Codec(
        lambda v: None if v is None else inner.encode(v),
        lambda v: None if v is None else inner.decode(v),
    )


def _sequence(inner: Codec) -> Codec:
    if inner.encode is _same and inner.decode is _same:
        return Codec(list, tuple)
    encode, decode = inner.encode, inner.decode
    return Codec(lambda v: [encode(x) for x in v], lambda v: tuple(decode(x) for x in v))


def _fixed(parts: tuple[Codec, ...]) -> Codec:
    def decode(value: list[Any]) -> tuple[Any, ...]:
        if len(value) != len(parts):
            raise ValueError("a stored tuple has the wrong length")
        return tuple(c.decode(x) for c, x in zip(parts, value, strict=True))

    return Codec(lambda v: [c.encode(x) for c, x in zip(parts, v, strict=True)], decode)


def _enum(kind: type[Enum]) -> Codec:
    return Codec(lambda v: v.value, kind)


def _record(kind: type[Any]) -> Codec:
    """A dataclass as the list of its fields' values, in the order they are declared."""
    hints = typing.get_type_hints(kind)
    names = [f.name for f in dataclasses.fields(kind)]
    codecs = [codec_for(hints[name]) for name in names]
    pairs = list(zip(names, codecs, strict=True))

    def encode(value: Any) -> list[Any]:
        return [codec.encode(getattr(value, name)) for name, codec in pairs]

    def decode(value: list[Any]) -> Any:
        if len(value) != len(codecs):
            raise ValueError(f"a stored {kind.__name__} has the wrong number of fields")
        return kind(*[codec.decode(x) for codec, x in zip(codecs, value, strict=True)])

    return Codec(encode, decode)


@functools.cache
def codec_for(hint: Any) -> Codec:
    """The codec for a type as the model's annotations spell it."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union) and len(args) == 2 and type(None) in args:
        return _optional(codec_for(next(a for a in args if a is not type(None))))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _sequence(codec_for(args[0]))
        return _fixed(tuple(codec_for(a) for a in args))
    if hint in (str, int, bool):
        # Taken as stored: the cache is only read when its format and context match this very
        # program and site, so checking every value would only slow down every build.
        return Codec(_same, _same)
    if hint is datetime:
        return Codec(_encode_time, _decode_time)
    if hint is Path:
        return Codec(str, Path)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _record(hint)
    raise TypeError(f"the parse cache cannot store {hint!r}")
