"""The session-aware layer handlers use to load and save a runner's record.

Round trips: a new session reads the store once, through the ASK attributes manager's
persistent attributes; the record and its store version then travel in ONE envelope in session
attributes (key `rs`), so later turns of the session read nothing. `save` writes once, and only
when the record differs from what the store holds.

Size: Alexa refuses responses over 24 KB, session attributes included, and a runner with a full
history has a record of about 20 KB of JSON. The envelope therefore carries the record as
zlib-compressed, base64-encoded canonical JSON (about a quarter of the size).

Conflicts: the write is conditional on the version read. When another device wrote first, the
store's current record (carried by `VersionConflict`) is merged with ours and the write retried,
a bounded number of times.

Degraded mode: when the store is unavailable the turn still succeeds from the session. The
envelope is marked dirty (the store is behind) and the result says "not saved", so the handler
can add one sentence; the next turn's save catches up. After one failed store call a turn makes
no further calls, so an outage costs at most one timeout per turn.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import zlib
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, TypedDict, TypeVar

from runner_strength.engine.record import UserRecord, merge
from runner_strength.engine.serialize import (
    SCHEMA_VERSION,
    SchemaError,
    record_from_dict,
    record_to_dict,
)
from runner_strength.persistence.base import (
    OWNER_ATTRIBUTE,
    Snapshot,
    StorageUnavailable,
    VersionConflict,
    dump_record,
    log_key,
    storage_key,
    user_key,
)
from runner_strength.persistence.schema import RECORD_ATTRIBUTE, SCHEMA_ATTRIBUTE, VERSION_ATTRIBUTE

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ask_sdk_core.handler_input import HandlerInput

logger = logging.getLogger(__name__)

R = TypeVar("R")

SESSION_KEY = "rs"
"""The one session attribute this layer owns."""
ENVELOPE_FORMAT = 2
"""Layout of the envelope itself; an envelope of another format is ignored (the store is read)."""
UNAVAILABLE_FLAG = "rs.store_unavailable"
"""Request attribute: a store call already failed in this turn, so make no more."""
UNPACKED_KEY = "rs.unpacked"
"""Request attribute: the envelope's record as this turn last unpacked or packed it (`_Unpacked`),
so a turn unpacks it at most once although both `load` and `save` read the envelope."""
COMPRESSION_LEVEL = 3
"""Measured on records of 3 to 22 KB of JSON: as fast as level 1 and smaller, about twice as fast
as the default level 6 (62 against 148 us for a full history) for 13 % more envelope (4.3 against
3.8 KB, far below Alexa's 24 KB response limit). Any level reads back with `zlib.decompress`."""
MAX_CONFLICT_RETRIES = 3
"""Writes after a conflict before giving up for this turn (the envelope stays dirty, the next turn
retries); two devices rarely write the same user in the same second, so 3 is generous."""
RECENT_RECORDS = 256
"""Envelopes this process packed or unpacked lately, kept decoded (see `Repository._recent`)."""
MAX_RECORD_BYTES = 256 * 1024
"""A session record inflates to at most this much JSON; a full record is about 20 KB, so more is
crafted (a zlib bomb), and it is not inflated further."""
MAX_RECORD_DEPTH = 12
"""Nesting a session record may have: ours nests five deep."""
MAX_RECORD_LIST = 200
"""Entries in any one list or object of a session record (the history holds at most 50)."""


@dataclass(frozen=True, slots=True)
class RecordCodec(Generic[R]):
    """How the repository turns records into dicts and back, and merges two of them.

    Passed in so the repository needs no knowledge of the record type; the production codec is
    `user_record_codec()` (engine/record.py and engine/serialize.py).
    """

    schema_version: int
    new: Callable[[], R]
    """The record of a runner with no stored item."""
    to_dict: Callable[[R], dict[str, Any]]
    """Plain JSON values only (string keys, lists), so the dict reads back from JSON equal."""
    from_dict: Callable[[Mapping[str, Any]], R]
    merge: Callable[[R, R], R]
    """merge(ours, theirs): both records' knowledge in one, losing nothing."""
    decode_errors: tuple[type[Exception], ...] = (ValueError,)
    """What `from_dict` raises for a record it cannot read (damaged, or from a newer schema)."""


def user_record_codec() -> RecordCodec[UserRecord]:
    """The production codec: engine/record.py's UserRecord through engine/serialize.py."""
    return RecordCodec(
        schema_version=SCHEMA_VERSION,
        new=UserRecord,
        to_dict=record_to_dict,
        from_dict=record_from_dict,
        merge=merge,
        decode_errors=(SchemaError,),
    )


class Envelope(TypedDict):
    """What travels in session attributes under `SESSION_KEY` (plain JSON, as Alexa keeps it)."""

    format: int
    schema_version: int
    version: int
    """The store version `record` was read at or last written as (0: no item known)."""
    record: str
    """The record's canonical JSON, zlib-compressed, base64 (see `_pack_text`)."""
    dirty: bool
    """`record` has changes the store does not have yet (a save failed)."""
    synced: bool
    """The store was read or written in this session; False after a failed first read."""


def _pack_text(text: str) -> str:
    """A record's canonical JSON as the envelope carries it: compressed, base64."""
    return base64.b64encode(zlib.compress(text.encode("utf-8"), COMPRESSION_LEVEL)).decode("ascii")


def unpack_record(packed: str) -> dict[str, Any]:
    """The record dict back from `_pack_text`'s output; ValueError or TypeError if damaged.

    Session attributes are untrusted input: the record inflates to `MAX_RECORD_BYTES` at most,
    and one nested deeper than `MAX_RECORD_DEPTH` or with a list or object longer than
    `MAX_RECORD_LIST` is refused as damaged (the store is read instead).
    """
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(base64.b64decode(packed, validate=True), MAX_RECORD_BYTES)
        if inflater.unconsumed_tail:
            raise ValueError(f"session record inflates past {MAX_RECORD_BYTES} bytes")
        value = json.loads(text)
    except (binascii.Error, zlib.error, UnicodeDecodeError, RecursionError) as exc:
        raise ValueError(f"damaged session record: {exc}") from exc
    if not isinstance(value, dict):
        raise TypeError("session record is not a JSON object")
    _check_shape(value)
    return value


def _check_shape(value: object) -> None:
    """ValueError when a decoded record is nested too deep or holds too long a list or object."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_RECORD_DEPTH:
            raise ValueError(f"session record nests deeper than {MAX_RECORD_DEPTH}")
        children: list[object] | None = None
        if isinstance(node, dict):
            children = list(node.values())
        elif isinstance(node, list):
            children = node
        if children is not None:
            if len(children) > MAX_RECORD_LIST:
                raise ValueError(f"session record holds over {MAX_RECORD_LIST} entries in one")
            stack.extend((child, depth + 1) for child in children)


@dataclass(frozen=True, slots=True)
class _Unpacked:
    """An envelope's packed record with the dict and canonical JSON it stands for."""

    packed: str
    record: dict[str, Any]
    text: str
    decoded: Any = None
    """The record object these stand for, once known (records are immutable, so it is shared)."""


@dataclass(frozen=True, slots=True)
class _Session:
    """An envelope as read from the session, its record unpacked."""

    version: int
    record: dict[str, Any]
    text: str
    """The record's canonical JSON, to tell whether a record changed without comparing dicts."""
    dirty: bool
    synced: bool
    unpacked: _Unpacked | None = None


@dataclass(frozen=True, slots=True)
class Loaded(Generic[R]):
    """A record as loaded for one turn."""

    record: R
    version: int
    store_read: bool
    """This turn read the store (a new session, or catching up after a failed read)."""
    available: bool
    """False when the store could not be read: the record may lack earlier progress."""


class SaveStatus(StrEnum):
    """What `save` did."""

    UNCHANGED = "unchanged"  # nothing to write
    SAVED = "saved"
    NOT_SAVED = "not_saved"  # store unavailable or too many conflicts; kept in the session


@dataclass(frozen=True, slots=True)
class Saved(Generic[R]):
    """The outcome of `save`: `record` is what the session now holds (merged after a conflict)."""

    status: SaveStatus
    record: R
    conflicts: int = 0

    @property
    def not_saved(self) -> bool:
        """True when the handler should add that progress may not be saved."""
        return self.status is SaveStatus.NOT_SAVED


class Repository(Generic[R]):
    """Load and save one runner's record per turn through the ASK attributes manager."""

    def __init__(
        self, codec: RecordCodec[R], *, max_conflict_retries: int = MAX_CONFLICT_RETRIES
    ) -> None:
        self._codec = codec
        self._max_retries = max_conflict_retries
        # A warm Lambda answers turn after turn of the same sessions, and Alexa sends back the
        # envelope this process wrote: keep the last envelopes' records decoded, by their packed
        # text (which fixes the record), so a turn neither unpacks nor decodes the record again
        # and an unchanged record is not encoded again to find out. The least recently kept
        # goes first past RECENT_RECORDS; a miss only costs the decoding.
        self._recent: dict[str, _Unpacked] = {}
        self._recent_by_text: dict[str, _Unpacked] = {}
        # The same for records as the store returned them (a new session's one read), by their
        # schema version and canonical JSON: a runner's next session need not decode it again.
        self._from_store: dict[str, _Unpacked] = {}

    def drop_decoded(self) -> None:
        """Drop the records kept decoded for speed (bounded; the next turns decode again)."""
        self._recent.clear()
        self._recent_by_text.clear()
        self._from_store.clear()

    @property
    def codec(self) -> RecordCodec[R]:
        """The codec records go through."""
        return self._codec

    def load(self, handler_input: HandlerInput) -> Loaded[R]:
        """The runner's record for this turn: from the session when it has one, else one read."""
        manager = handler_input.attributes_manager
        session = self._session(handler_input)
        if session is not None and session.synced:
            return Loaded(
                self._decode(session, handler_input),
                session.version,
                store_read=False,
                available=True,
            )
        if manager.request_attributes.get(UNAVAILABLE_FLAG):
            return self._degraded(handler_input, session)
        known: _Unpacked | None = None
        try:
            snapshot = _stored(manager.persistent_attributes)
            stored_key = None if snapshot is None else _stored_key(snapshot)
            known = None if stored_key is None else self._from_store.get(stored_key)
            if known is not None:
                theirs = known.decoded
            elif snapshot is None:
                theirs = self._codec.new()
            else:
                theirs = self._codec.from_dict(snapshot.record)
        except StorageUnavailable:
            manager.request_attributes[UNAVAILABLE_FLAG] = True
            return self._degraded(handler_input, session)
        except self._codec.decode_errors as exc:
            # A record this code cannot read (e.g. written by a newer release during a rollback):
            # go on without it and never overwrite it (a later write conflicts and stops there).
            manager.request_attributes[UNAVAILABLE_FLAG] = True
            logger.error("unreadable stored record for %s: %s", _key(handler_input), exc)  # noqa: TRY400 -- the message is enough
            return self._degraded(handler_input, session)
        version = 0 if snapshot is None else snapshot.version
        stored_dict = known.record if known is not None else self._codec.to_dict(theirs)
        if session is None:
            self._put(
                handler_input,
                version,
                stored_dict,
                dirty=False,
                synced=True,
                decoded=theirs,
                text=None if known is None else known.text,
            )
            if stored_key is not None and known is None:
                self._remember_stored(stored_key, handler_input)
            return Loaded(theirs, version, store_read=True, available=True)
        # Catching up after a turn that could not read: keep what this session did, add what the
        # store knew.
        merged = self._codec.merge(self._decode(session), theirs)
        merged_dict = self._codec.to_dict(merged)
        dirty = session.dirty or dump_record(merged_dict) != dump_record(stored_dict)
        self._put(handler_input, version, merged_dict, dirty=dirty, synced=True, decoded=merged)
        return Loaded(merged, version, store_read=True, available=True)

    def save(self, handler_input: HandlerInput, record: R) -> Saved[R]:
        """Write `record` if it changed (or an earlier save failed); merge and retry on conflict."""
        manager = handler_input.attributes_manager
        session = self._session(handler_input)
        if session is None:
            # save without load: write it as a new item; a conflict merges in the stored one.
            blank = self._codec.to_dict(self._codec.new())
            session = _Session(0, blank, dump_record(blank), dirty=False, synced=False)
        elif (
            not session.dirty
            and session.unpacked is not None
            and session.unpacked.decoded is record
        ):
            return Saved(SaveStatus.UNCHANGED, record)
        data = self._codec.to_dict(record)
        text = dump_record(data)
        if not session.dirty and text == session.text:
            return Saved(SaveStatus.UNCHANGED, record)
        version = session.version
        if manager.request_attributes.get(UNAVAILABLE_FLAG):
            self._put(
                handler_input,
                version,
                data,
                dirty=True,
                synced=session.synced,
                text=text,
                decoded=record,
            )
            return Saved(SaveStatus.NOT_SAVED, record)
        conflicts = 0
        while True:
            attributes = Snapshot(version, self._codec.schema_version, data).to_attributes()
            manager.persistent_attributes = attributes
            try:
                manager.save_persistent_attributes()
            except StorageUnavailable:
                manager.request_attributes[UNAVAILABLE_FLAG] = True
                self._put(
                    handler_input,
                    version,
                    data,
                    dirty=True,
                    synced=session.synced,
                    text=text,
                    decoded=record,
                )
                return Saved(SaveStatus.NOT_SAVED, record, conflicts)
            except VersionConflict as conflict:
                conflicts += 1
                merged = self._merge_conflict(handler_input, record, conflict)
                if merged is not None:
                    record, version = merged
                    data = self._codec.to_dict(record)
                    text = dump_record(data)
                if merged is None or conflicts > self._max_retries:
                    logger.warning(
                        "gave up saving %s after %d conflicts", _key(handler_input), conflicts
                    )
                    self._put(
                        handler_input,
                        version,
                        data,
                        dirty=True,
                        synced=session.synced,
                        text=text,
                        decoded=record,
                    )
                    return Saved(SaveStatus.NOT_SAVED, record, conflicts)
                continue
            # The adapter updated the version in the dict it was given to the one now stored.
            stored_version = attributes[VERSION_ATTRIBUTE]
            if not isinstance(stored_version, int):
                raise TypeError("the persistence adapter did not report the stored version")
            self._put(
                handler_input,
                stored_version,
                data,
                dirty=False,
                synced=True,
                text=text,
                decoded=record,
            )
            # The store now holds exactly this: the runner's next session reads it back decoded.
            self._remember_stored(f"{self._codec.schema_version}:{text}", handler_input)
            return Saved(SaveStatus.SAVED, record, conflicts)

    def forget(self, handler_input: HandlerInput) -> bool:
        """Delete the runner's records, and the session's copy; False if the store is unavailable.

        The adapter decides which by the request: the whole account's when the skill is disabled,
        the speaker's own for "delete my data".
        """
        try:
            handler_input.attributes_manager.delete_persistent_attributes()
        except StorageUnavailable:
            logger.warning("could not delete the item of %s", _key(handler_input))
            return False
        holder = _envelope_holder(handler_input)
        holder.pop(SESSION_KEY, None)
        holder.pop(OWNER_ATTRIBUTE, None)
        return True

    def _merge_conflict(
        self, handler_input: HandlerInput, ours: R, conflict: VersionConflict
    ) -> tuple[R, int] | None:
        """Ours merged with the stored record, and the version to write on; None if unreadable."""
        current = conflict.current
        if current is None:
            # The item was deleted meanwhile: ours becomes the new item.
            return ours, 0
        try:
            theirs = self._codec.from_dict(current.record)
        except self._codec.decode_errors as exc:
            logger.error("unreadable stored record for %s: %s", _key(handler_input), exc)  # noqa: TRY400 -- the message is enough
            return None
        return self._codec.merge(ours, theirs), current.version

    def _degraded(self, handler_input: HandlerInput, session: _Session | None) -> Loaded[R]:
        """The session's record (or a new one) for a turn whose store read failed."""
        if session is not None:
            return Loaded(self._decode(session), session.version, store_read=False, available=False)
        record = self._codec.new()
        self._put(
            handler_input, 0, self._codec.to_dict(record), dirty=False, synced=False, decoded=record
        )
        return Loaded(record, 0, store_read=False, available=False)

    def _decode(self, session: _Session, handler_input: HandlerInput | None = None) -> R:
        # The envelope was written by this code from a valid record, so this cannot fail short of
        # a bug; envelopes of another schema (a deploy during the session) are dropped by
        # `_session`, and the store is read again.
        unpacked = session.unpacked
        if unpacked is not None and unpacked.decoded is not None:
            known: R = unpacked.decoded
            return known
        record = self._codec.from_dict(session.record)
        if unpacked is not None and handler_input is not None:
            self._remember(handler_input, replace(unpacked, decoded=record))
        return record

    def _remember(self, handler_input: HandlerInput, unpacked: _Unpacked) -> None:
        """Keep an unpacked envelope for this turn and, decoded, for later turns."""
        handler_input.attributes_manager.request_attributes[UNPACKED_KEY] = unpacked
        if unpacked.decoded is not None:
            _keep(self._recent, unpacked.packed, unpacked)
            _keep(self._recent_by_text, unpacked.text, unpacked)

    def _remember_stored(self, stored_key: str, handler_input: HandlerInput) -> None:
        """Keep what `_put` just made of a stored record, found again by the record's own JSON."""
        unpacked = handler_input.attributes_manager.request_attributes.get(UNPACKED_KEY)
        if isinstance(unpacked, _Unpacked) and unpacked.decoded is not None:
            _keep(self._from_store, stored_key, unpacked)

    def _unpacked(self, handler_input: HandlerInput, packed: str) -> _Unpacked | None:
        """An envelope's record unpacked, at most once per turn; None when it is damaged."""
        recent = self._recent.get(packed)
        if recent is not None:
            handler_input.attributes_manager.request_attributes[UNPACKED_KEY] = recent
            return recent
        return _unpacked(handler_input, packed)

    def _session(self, handler_input: HandlerInput) -> _Session | None:
        """The session's envelope, unpacked; None for a new session or one it cannot trust."""
        envelope = _parse_envelope(_envelope_holder(handler_input).get(SESSION_KEY))
        if envelope is None or envelope["schema_version"] != self._codec.schema_version:
            return None
        unpacked = self._unpacked(handler_input, envelope["record"])
        if unpacked is None:
            logger.warning("ignoring a damaged session envelope for %s", _key(handler_input))
            return None
        return _Session(
            version=envelope["version"],
            record=unpacked.record,
            text=unpacked.text,
            dirty=envelope["dirty"],
            synced=envelope["synced"],
            unpacked=unpacked,
        )

    def _put(  # noqa: PLR0913  # the envelope's fields, all but the first by keyword
        self,
        handler_input: HandlerInput,
        version: int,
        record: dict[str, Any],
        *,
        dirty: bool,
        synced: bool,
        text: str | None = None,
        decoded: R | None = None,
    ) -> None:
        """Put the envelope in the session; `text` is `dump_record(record)` when already known.

        `decoded` is the record object `record` was made from, kept for the next turns.
        """
        text = dump_record(record) if text is None else text
        holder = _envelope_holder(handler_input)
        if OWNER_ATTRIBUTE not in holder:
            # Whoever the session began with keeps its record for the whole session.
            holder[OWNER_ATTRIBUTE] = storage_key(handler_input.request_envelope)
        recent = self._recent_by_text.get(text)
        packed = recent.packed if recent is not None else _pack_text(text)
        holder[SESSION_KEY] = Envelope(
            format=ENVELOPE_FORMAT,
            schema_version=self._codec.schema_version,
            version=version,
            record=packed,
            dirty=dirty,
            synced=synced,
        )
        # What unpacking it would give: `record` is plain JSON (see RecordCodec.to_dict), and
        # decoding it gives `decoded` back (from_dict(to_dict(r)) == r, tested in the engine).
        self._remember(handler_input, _Unpacked(packed, record, text, decoded))


def _unpacked(handler_input: HandlerInput, packed: str) -> _Unpacked | None:
    """An envelope's record unpacked, at most once per turn; None when it is damaged."""
    attributes = handler_input.attributes_manager.request_attributes
    known = attributes.get(UNPACKED_KEY)
    if isinstance(known, _Unpacked) and known.packed == packed:
        return known
    try:
        record = unpack_record(packed)
    except (ValueError, TypeError):
        return None
    unpacked = _Unpacked(packed, record, dump_record(record))
    attributes[UNPACKED_KEY] = unpacked
    return unpacked


def _session_attributes(handler_input: HandlerInput) -> dict[str, Any] | None:
    """The session attributes, or None for requests outside a session (events, audio player)."""
    if handler_input.request_envelope.session is None:
        return None
    manager = handler_input.attributes_manager
    attributes = manager.session_attributes
    if attributes is None:
        attributes = {}
        manager.session_attributes = attributes
    if not isinstance(attributes, dict):
        raise TypeError("session attributes must be a dict")
    return attributes


def _envelope_holder(handler_input: HandlerInput) -> dict[str, Any]:
    """Where the envelope lives: session attributes, else (outside a session) request attributes.

    Out-of-session requests (events) have no session, but a save after a load in the same request
    must still know the version read.
    """
    session = _session_attributes(handler_input)
    if session is not None:
        return session
    attributes: dict[str, Any] = handler_input.attributes_manager.request_attributes
    return attributes


def _parse_envelope(raw: object) -> Envelope | None:
    """A well-formed envelope, or None; session attributes come back from Alexa as plain JSON."""
    if not isinstance(raw, dict) or raw.get("format") != ENVELOPE_FORMAT:
        return None
    ints = ("schema_version", "version")
    bools = ("dirty", "synced")
    if not all(type(raw.get(name)) is int for name in ints):
        return None
    if not all(type(raw.get(name)) is bool for name in bools) or not isinstance(
        raw.get("record"), str
    ):
        return None
    return Envelope(
        format=ENVELOPE_FORMAT,
        schema_version=raw["schema_version"],
        version=raw["version"],
        record=raw["record"],
        dirty=raw["dirty"],
        synced=raw["synced"],
    )


def _stored(attributes: Mapping[str, object]) -> Snapshot | None:
    """The snapshot in persistent attributes, None for a runner without an item."""
    if not attributes:
        return None
    version = attributes.get(VERSION_ATTRIBUTE)
    schema_version = attributes.get(SCHEMA_ATTRIBUTE)
    record = attributes.get(RECORD_ATTRIBUTE)
    if (
        not isinstance(version, int)
        or not isinstance(schema_version, int)
        or not isinstance(record, dict)
    ):
        raise StorageUnavailable(
            "the persistence adapter returned malformed attributes", transient=False
        )
    return Snapshot(version, schema_version, record)


def _stored_key(snapshot: Snapshot) -> str:
    """A stored record's identity for `Repository._from_store`: its schema and canonical JSON."""
    return f"{snapshot.schema_version}:{dump_record(snapshot.record)}"


def _key(handler_input: HandlerInput) -> str:
    """The hashed user key, shortened, for log lines."""
    return log_key(user_key(handler_input.request_envelope))


def _keep(recent: dict[str, _Unpacked], key: str, unpacked: _Unpacked) -> None:
    """Remember `unpacked` under `key`, dropping the least recently kept past RECENT_RECORDS.

    A steady size (not a clear-all when full) keeps every turn's hit rate and the process's
    memory flat: dicts keep insertion order, so the first key is the oldest.
    """
    recent.pop(key, None)
    recent[key] = unpacked
    if len(recent) > RECENT_RECORDS:
        del recent[next(iter(recent))]
