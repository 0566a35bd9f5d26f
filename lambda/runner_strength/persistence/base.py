"""What every store shares: the user key, the stored snapshot, the errors, the versioned adapter.

The ASK SDK talks to a store through `AbstractPersistenceAdapter` with plain dicts. Our dicts have
exactly three entries, named as in `schema.py`: `version` (the optimistic-locking counter the
record was read at), `schema_version` and `record` (the user record as a JSON-compatible dict, made
by `engine/serialize.py`). `get_attributes` returns `{}` when the user has no item yet;
`save_attributes` writes only if the stored version still equals the `version` passed in (0 means
"no item yet") and then sets `version` in that same dict to the new stored version.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from abc import ABCMeta, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from runner_strength.persistence.schema import RECORD_ATTRIBUTE, SCHEMA_ATTRIBUTE, VERSION_ATTRIBUTE

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, MutableMapping

    from ask_sdk_model.request_envelope import RequestEnvelope

    Clock = Callable[[], float]
    """Epoch seconds; passed in so tests control time."""

logger = logging.getLogger(__name__)

SECONDS_PER_DAY = 86_400
KEY_LOG_CHARS = 12
"""Enough of the hashed key to tell users apart in logs."""
PERSON_SEPARATOR = "."
SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"
INDEX_SUFFIX = ".persons"
"""The account's index item, `<account key>.persons`: the keys of every person who has a record."""
OWNER_ATTRIBUTE = "rs_owner"
"""Session attribute: the storage key of the session's owner, the person recognised at launch."""
INDEX_SCHEMA_VERSION = 0
MAX_PERSONS = 64
"""Recognised voices kept per account; Alexa allows far fewer voice profiles per household."""
ENROL_ATTEMPTS = 3
_KEY = re.compile(r"[0-9a-f]{64}(?:\.[0-9a-f]{64})?")


class VersionConflict(PersistenceException):
    """The stored item changed since it was read: the conditional write was refused.

    `current` is the item as stored when the conflict was detected (None if there is none), so
    the caller can merge and retry without another round trip of its own.
    """

    def __init__(self, key: str, expected: int, current: Snapshot | None) -> None:
        found = 0 if current is None else current.version
        super().__init__(f"version conflict for {log_key(key)}: expected {expected}, found {found}")
        self.expected = expected
        self.current = current


class StorageUnavailable(PersistenceException):
    """The store could not be used for this call (throttled, timed out, unreachable, misconfigured).

    The session still holds the state; the next turn tries again. `transient` is False for errors
    that will not go away by themselves (a missing table, denied access), which are logged louder.
    """

    def __init__(self, message: str, *, transient: bool = True) -> None:
        super().__init__(message)
        self.transient = transient


def user_id(request_envelope: RequestEnvelope) -> str:
    """The Alexa userId of a request (context first: it is present also outside sessions)."""
    context = getattr(request_envelope, "context", None)
    system = getattr(context, "system", None)
    for user in (
        getattr(system, "user", None),
        getattr(getattr(request_envelope, "session", None), "user", None),
    ):
        uid = getattr(user, "user_id", None)
        if isinstance(uid, str) and uid:
            return uid
    raise PersistenceException("the request carries no userId")


def hash_user_id(uid: str) -> str:
    """SHA-256 hex of a userId.

    Alexa userIds are long random strings, so an unsalted hash cannot be reversed by guessing;
    a salt would only make resuming impossible after a key rotation.
    """
    # surrogatepass: a userId that is not valid Unicode (lone surrogates from a "\udcff" JSON
    # escape) still gets a key instead of an exception; valid ids hash exactly as before.
    return hashlib.sha256(uid.encode("utf-8", "surrogatepass")).hexdigest()


def user_key(request_envelope: RequestEnvelope) -> str:
    """The storage key of the request's account: the SHA-256 hex of the Alexa userId."""
    return hash_user_id(user_id(request_envelope))


def person_id(request_envelope: RequestEnvelope) -> str | None:
    """The `personId` of a voice Alexa recognised (`context.System.person`), or None."""
    system = getattr(getattr(request_envelope, "context", None), "system", None)
    value = getattr(getattr(system, "person", None), "person_id", None)
    return value if isinstance(value, str) and value else None


def person_key(account: str, person: str) -> str:
    """A recognised person's storage key: the account's key, a dot, a hash of the personId."""
    return account + PERSON_SEPARATOR + hash_user_id(person)


def index_key(account: str) -> str:
    """The key of the account's index item (the keys of its persons' records)."""
    return account + INDEX_SUFFIX


def storage_key(request_envelope: RequestEnvelope) -> str:
    """Whose record a request reads and writes: the session's owner, else the speaker.

    The person recognised when the session began owns it (its key travels in the session as
    `OWNER_ATTRIBUTE`), so a second voice joining in mid-workout does not switch records. Without
    a session owner, a recognised person has a record of their own; anyone else (no voice
    profile, no personalisation permission) shares the account's record, as before persons.
    A session owner is only taken when it is this account's key or one of its persons' keys.
    """
    account = user_key(request_envelope)
    owner = _session_owner(request_envelope)
    if owner is not None and _KEY.fullmatch(owner) and owner.startswith(account):
        return owner
    person = person_id(request_envelope)
    return account if person is None else person_key(account, person)


def _session_owner(request_envelope: RequestEnvelope) -> str | None:
    attributes = getattr(getattr(request_envelope, "session", None), "attributes", None)
    owner = attributes.get(OWNER_ATTRIBUTE) if isinstance(attributes, dict) else None
    return owner if isinstance(owner, str) else None


def log_key(key: str) -> str:
    """A short, still hashed form of a key for log lines (never the raw userId)."""
    return key[:KEY_LOG_CHARS]


def dump_record(record: Mapping[str, Any]) -> str:
    """The record as the compact JSON string stored in the item."""
    try:
        return json.dumps(record, separators=(",", ":"), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise PersistenceException(f"record is not JSON-serialisable: {exc}") from exc


def load_record(text: str) -> dict[str, Any]:
    """The record dict back from its stored JSON string.

    A damaged item is reported as (permanent) unavailability rather than a plain error: the turn
    goes on from the session, and nothing overwrites an item it could not read.
    """
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise StorageUnavailable(f"stored record is not JSON: {exc}", transient=False) from exc
    if not isinstance(value, dict):
        raise StorageUnavailable("stored record is not a JSON object", transient=False)
    return value


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One user's stored state: the record and the version and schema it was stored with."""

    version: int
    schema_version: int
    record: dict[str, Any]

    def to_attributes(self) -> dict[str, object]:
        """The dict the ASK attributes manager hands around."""
        return {
            VERSION_ATTRIBUTE: self.version,
            SCHEMA_ATTRIBUTE: self.schema_version,
            RECORD_ATTRIBUTE: self.record,
        }

    @classmethod
    def from_attributes(cls, attributes: Mapping[str, object]) -> Snapshot:
        """Validate attributes given to `save_attributes` (a missing version means a new item)."""
        version = attributes.get(VERSION_ATTRIBUTE, 0)
        schema_version = attributes.get(SCHEMA_ATTRIBUTE)
        record = attributes.get(RECORD_ATTRIBUTE)
        # bool is an int subclass; True as a version is always a caller bug.
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise PersistenceException(f"{VERSION_ATTRIBUTE} must be an int >= 0, got {version!r}")
        if not isinstance(schema_version, int) or isinstance(schema_version, bool):
            raise PersistenceException(f"{SCHEMA_ATTRIBUTE} must be an int, got {schema_version!r}")
        if not isinstance(record, dict):
            raise PersistenceException(
                f"{RECORD_ATTRIBUTE} must be a dict, got {type(record).__name__}"
            )
        return cls(version=version, schema_version=schema_version, record=record)


class VersionedAdapter(AbstractPersistenceAdapter, metaclass=ABCMeta):
    """An ASK persistence adapter with optimistic locking, built on three key-level operations.

    Subclasses implement `read`, `write` and `delete` on the hashed user key; this class turns
    request envelopes into keys and attribute dicts into snapshots, so every store behaves the same.
    The key-level methods are public for tools and benchmarks that have no request envelope.
    """

    def __init__(self, *, clock: Clock, ttl_days: int) -> None:
        if ttl_days <= 0:
            raise ValueError("ttl_days must be positive")
        self._clock = clock
        self._ttl_seconds = ttl_days * SECONDS_PER_DAY

    def reconnect(self) -> None:
        """Rebuild network clients (after a Lambda SnapStart restore); stores with none do nothing.

        A restored snapshot carries the connections and credentials of the moment it was taken,
        shared by every environment restored from it.
        """

    def expires_at(self) -> int:
        """The TTL to store with a write made now (epoch seconds, whole, as DynamoDB TTL wants)."""
        return math.ceil(self._clock()) + self._ttl_seconds

    @abstractmethod
    def read(self, key: str) -> Snapshot | None:
        """The stored snapshot for a key, or None. Raises StorageUnavailable."""

    @abstractmethod
    def write(self, key: str, snapshot: Snapshot) -> int:
        """Store `snapshot` if the stored version equals `snapshot.version`; return the new version.

        Raises VersionConflict (carrying the current snapshot) or StorageUnavailable.
        """

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove a key's item (a missing item is fine). Raises StorageUnavailable."""

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, object]:
        """ASK SDK: the record of the request's owner (see `storage_key`), `{}` without one.

        A person's record found here is listed in the account's index again, which renews the
        index's expiry along with the record's.
        """
        key = storage_key(request_envelope)
        snapshot = self.read(key)
        if snapshot is not None and key != user_key(request_envelope):
            self.enrol(user_key(request_envelope), key)
        return {} if snapshot is None else snapshot.to_attributes()

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: MutableMapping[str, object]
    ) -> None:
        """ASK SDK: conditional write; on success `attributes[version]` becomes the stored version.

        Updating the caller's dict keeps the attributes manager's cached copy in step with the
        store, so a second save in the same request does not conflict with the first. A person's
        first record is listed in the account's index before it is written, so deleting the
        account never misses it.
        """
        snapshot = Snapshot.from_attributes(attributes)
        key = storage_key(request_envelope)
        if snapshot.version == 0 and key != user_key(request_envelope):
            self.enrol(user_key(request_envelope), key)
        attributes[VERSION_ATTRIBUTE] = self.write(key, snapshot)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        """ASK SDK: delete the request's records; which ones, the request's kind decides.

        The skill disabled (AlexaSkillEvent.SkillDisabled): every record of the account. Anything
        else is a runner saying "delete my data": the record this session reads and writes (see
        `storage_key`), so one voice of a household cannot delete another's progress.
        """
        request = getattr(request_envelope, "request", None)
        if getattr(request, "object_type", None) == SKILL_DISABLED:
            self.delete_account(user_key(request_envelope))
        else:
            self.delete(storage_key(request_envelope))

    def persons(self, account: str) -> list[str]:
        """The keys of the account's persons' records, as its index lists them."""
        return _listed(account, self.read(index_key(account)))

    def enrol(self, account: str, person: str) -> None:
        """List `person` in the account's index (and renew the index's expiry).

        Raises StorageUnavailable when the index cannot be written.
        """
        for _ in range(ENROL_ATTEMPTS):
            current = self.read(index_key(account))
            listed = _listed(account, current)
            if person not in listed:
                listed.append(person)
            if len(listed) > MAX_PERSONS:
                logger.warning("over %d persons for %s", MAX_PERSONS, log_key(account))
            record = {"persons": sorted(listed)}
            version = 0 if current is None else current.version
            try:
                self.write(index_key(account), Snapshot(version, INDEX_SCHEMA_VERSION, record))
            except VersionConflict:
                continue
            return
        raise StorageUnavailable(f"could not list a person for {log_key(account)}")

    def delete_account(self, account: str) -> None:
        """Delete the account's record, every person's record it lists, and the list itself."""
        index = self.read(index_key(account))
        for key in _listed(account, index):
            self.delete(key)
        if index is not None:
            self.delete(index_key(account))
        self.delete(account)


def _listed(account: str, index: Snapshot | None) -> list[str]:
    """The person keys an index snapshot lists, keeping only well-formed keys of `account`."""
    listed = index.record.get("persons") if index is not None else None
    if not isinstance(listed, list):
        return []
    prefix = account + PERSON_SEPARATOR
    return [k for k in listed if isinstance(k, str) and k.startswith(prefix) and _KEY.fullmatch(k)]
