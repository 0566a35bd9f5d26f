"""`runner-strength nlu-profile`: the NLU corpus through Alexa's own Utterance Profiler.

The offline NLU test reads the generated model literally (virtual-alexa); the real model
generalises beyond its samples. The Utterance Profiler API (SMAPI `profileNlu`) gives the deployed
model's reading of a text: the intent Alexa selects and how each slot resolved. No endpoint is
called, and speech recognition is not part of it (text goes in). Every corpus phrase is sent once
and judged as the offline test judges it, and the same table is printed (`nlu_corpus`).

Authentication is the developer's: Login with Amazon's token endpoint is asked for an access token
with the refresh token the ASK CLI stored in ~/.ask/cli_config (`ask configure`), for the LWA
client it belongs to (ASK_LWA_CLIENT_ID / ASK_LWA_CLIENT_SECRET, as the ASK CLI reads them). Without
those, a stored access token that has not expired is used as it is. The file is never written.
Every call has a deadline (`ProfilerSettings.timeout`); a call that fails or times out is a miss
with its reason, and a refused token stops the run.
"""

from __future__ import annotations

import ipaddress
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from runner_strength.buildtime.nlu_corpus import REPO_ROOT

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

    from runner_strength.buildtime.nlu_corpus import Phrase
    from runner_strength.config import ProfilerSettings

JsonDict = dict[str, Any]

ASK_STATES = REPO_ROOT / ".ask" / "ask-states.json"
LAUNCH = "LaunchRequest"
ER_MATCH = "ER_SUCCESS_MATCH"
# A token this close to expiry is refreshed rather than used.
EXPIRY_MARGIN_SECONDS = 60
# HTTP statuses that mean the token is not accepted: no point sending the rest of the corpus.
REFUSED = frozenset({401, 403})
MAX_RESPONSE_BYTES = 1_000_000  # a profile is a few KB; anything larger is not one


class ProfileError(RuntimeError):
    """The run cannot go on: no token, a refused token, no skill id."""


@dataclass(frozen=True, slots=True)
class Judged:
    """The corpus judged: each profiled phrase with why it missed (None: right), and the rest."""

    judged: list[tuple[Phrase, str | None]]
    not_profiled: list[Phrase]  # a launch ("open runner strength") is no utterance to profile


# ---------------------------------------------------------------- HTTP with a deadline


def _checked_url(url: str) -> str:
    """HTTPS, or plain HTTP to this machine only (the tests' stand-ins)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        return url
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme == "http" and loopback:
        return url
    raise ProfileError(f"refusing {url!r}: HTTPS only (plain HTTP to loopback for tests)")


def _post(
    url: str, body: bytes, headers: Mapping[str, str], timeout: float
) -> tuple[int, JsonDict]:
    """POST with a deadline; the status and the JSON body (an empty dict when it is not JSON)."""
    request = urllib.request.Request(  # noqa: S310  # the scheme is checked just above
        _checked_url(url), data=body, headers=dict(headers), method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read(MAX_RESPONSE_BYTES)
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        data = {}
    return status, data if isinstance(data, dict) else {}


# ---------------------------------------------------------------- the developer's token


def _stored_token(settings: ProfilerSettings) -> JsonDict:
    path = settings.ask_cli_config.expanduser()
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
        token = config["profiles"][settings.ask_profile]["token"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ProfileError(
            f"no ASK CLI token for profile {settings.ask_profile!r} in {path} "
            "(run `ask configure` first)"
        ) from error
    if not isinstance(token, dict):
        raise ProfileError(f"{path}: profiles.{settings.ask_profile}.token is not a token")
    return token


def _expires_at(token: Mapping[str, Any]) -> float:
    value = token.get("expires_at")
    if not isinstance(value, str):
        return 0.0
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return 0.0


def access_token(settings: ProfilerSettings, now: float) -> str:
    """A fresh LWA access token from the ASK CLI's refresh token (or its unexpired access token)."""
    token = _stored_token(settings)
    refresh = token.get("refresh_token")
    if settings.lwa_client_id and settings.lwa_client_secret and isinstance(refresh, str):
        form = urllib.parse.urlencode(
            {
                "grant_type": "refresh_token",
                "refresh_token": refresh,
                "client_id": settings.lwa_client_id,
                "client_secret": settings.lwa_client_secret,
            }
        ).encode()
        try:
            status, data = _post(
                settings.lwa_token_url,
                form,
                {"Content-Type": "application/x-www-form-urlencoded"},
                settings.timeout,
            )
        except OSError as error:  # a timeout, a refused connection
            raise ProfileError(f"Login with Amazon did not answer: {error}") from error
        fresh = data.get("access_token")
        if status != 200 or not isinstance(fresh, str):  # HTTP OK
            raise ProfileError(f"Login with Amazon refused the refresh ({status}): {data}")
        return fresh
    stored = token.get("access_token")
    if isinstance(stored, str) and _expires_at(token) - EXPIRY_MARGIN_SECONDS > now:
        return stored
    raise ProfileError(
        "the ASK CLI's access token has expired: set ASK_LWA_CLIENT_ID and ASK_LWA_CLIENT_SECRET "
        "to refresh it here, or run any `ask smapi` command to let the ASK CLI refresh it"
    )


def skill_id_from_states(path: Path = ASK_STATES, profile: str = "default") -> str | None:
    """The skill id `ask deploy` recorded in .ask/ask-states.json, if there is one."""
    try:
        states = json.loads(path.read_text(encoding="utf-8"))
        value = states["profiles"][profile]["skillId"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return value if isinstance(value, str) and value else None


# ---------------------------------------------------------------- the profiler


def profile_url(settings: ProfilerSettings, skill_id: str, stage: str, locale: str) -> str:
    """SMAPI's profileNlu operation for one skill, stage and locale."""
    quoted = [urllib.parse.quote(part, safe="") for part in (skill_id, stage, locale)]
    return (
        f"{settings.smapi_base_url.rstrip('/')}/v1/skills/{quoted[0]}/stages/{quoted[1]}"
        f"/interactionModel/locales/{quoted[2]}/profileNlu"
    )


def utterance(phrase: Phrase, invocation: str) -> str | None:
    """What to profile: the request inside a one-shot ("ask runner strength to X" -> "X").

    None for a launch: the profiler reads utterances inside the skill, not invocations.
    """
    if phrase.intent == LAUNCH:
        return None
    name = re.escape(invocation)
    inside = re.fullmatch(
        rf"(?:ask|tell|use) {name}(?: (?:to|for|about|and|if|whether))? (?P<rest>.+)", phrase.say
    )
    return inside["rest"] if inside else phrase.say


def slot_ids(selected: Mapping[str, Any]) -> dict[str, str]:
    """Each filled slot as the corpus writes it: a custom slot's resolved id, else its value."""
    heard: dict[str, str] = {}
    for name, slot in (selected.get("slots") or {}).items():
        if not isinstance(slot, dict) or not slot.get("value"):
            continue
        authorities = (slot.get("resolutions") or {}).get("resolutionsPerAuthority") or []
        if not authorities:  # a built-in type (AMAZON.DURATION): Alexa's value, "PT20M"
            heard[str(name)] = str(slot["value"])
            continue
        matched = next(
            (a for a in authorities if (a.get("status") or {}).get("code") == ER_MATCH), None
        )
        values = matched.get("values") if matched else None
        heard[str(name)] = (
            str(values[0]["value"]["id"]) if values else f"{slot['value']} (no match)"
        )
    return heard


def verdict(phrase: Phrase, profiled: Mapping[str, Any]) -> str | None:
    """Why the profile misses what the runner meant, or None when intent and slot ids are right."""
    selected = profiled.get("selectedIntent") or {}
    got = selected.get("name")
    if got != phrase.intent:
        return f"heard as {got}"
    heard = slot_ids(selected)
    if heard != dict(phrase.slots):
        return f"slots {heard}"
    return None


@dataclass(frozen=True, slots=True)
class Target:
    """The deployed model to profile: the skill, its stage and locale, and its invocation name."""

    skill_id: str
    invocation: str
    stage: str = "development"
    locale: str = "en-US"


def run(
    settings: ProfilerSettings,
    phrases: Sequence[Phrase],
    target: Target,
    clock: Callable[[], float],
) -> Judged:
    """Profile every phrase once, in order, and judge each; a refused token stops the run."""
    token = access_token(settings, clock())
    url = profile_url(settings, target.skill_id, target.stage, target.locale)
    invocation = target.invocation
    headers = {"Authorization": token, "Content-Type": "application/json"}
    judged: list[tuple[Phrase, str | None]] = []
    skipped: list[Phrase] = []
    for phrase in phrases:
        text = utterance(phrase, invocation)
        if text is None:
            skipped.append(phrase)
            continue
        body = json.dumps({"utterance": text}).encode()
        try:
            status, data = _post(url, body, headers, settings.timeout)
        except OSError as error:  # a timeout or a dropped connection costs this phrase only
            judged.append((phrase, f"no answer: {error}"))
            continue
        if status in REFUSED:
            raise ProfileError(f"SMAPI refused the token ({status}): {data}")
        if status != 200:  # HTTP OK
            judged.append((phrase, f"SMAPI answered {status}: {data.get('message', '')}"))
            continue
        judged.append((phrase, verdict(phrase, data)))
    return Judged(judged, skipped)
