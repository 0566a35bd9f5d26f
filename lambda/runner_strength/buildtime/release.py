"""The release from one file, and `runner-strength check --release`.

`release.yaml` holds what a release says about its publisher: name, contact, the policies'
effective date, and where the policy pages are hosted. `build-release` fills the `{{...}}`
placeholders of docs/PRIVACY.md and docs/TERMS.md with it (in place: the filled documents are what
gets published and committed; a field left empty stays a placeholder), and `build-model` writes
the pages' URLs into the manifest for every locale (`policy_urls`).

A skill can be deployed and tested with placeholder privacy and terms URLs, but not certified: the
release check lists every such gap, so a submission never goes out with one.

- each locale's `privacyPolicyUrl` and `termsOfUseUrl`: https, on a real host (not example.com,
  localhost, a reserved test domain) and without a `{{...}}` placeholder;
- each locale's `smallIconUri` and `largeIconUri`: a PNG of 108 and 512 px in the skill package
  (`file://...`), or an https URL;
- the privacy policy and terms under docs/, with their `{{...}}` placeholders (publisher, contact,
  date) filled in.
"""

from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

import yaml

REPO_ROOT = Path(__file__).resolve().parents[3]
PACKAGE_DIR = REPO_ROOT / "interaction_model"
DOCS_DIR = REPO_ROOT / "docs"
RELEASE_FILE = REPO_ROOT / "release.yaml"
PLACEHOLDER_PRIVACY_URL = "https://example.com/runner-strength/privacy"
PLACEHOLDER_TERMS_URL = "https://example.com/runner-strength/terms"
"""What the manifest holds until release.yaml says where the pages are (check --release fails)."""
POLICY_FILES = ("PRIVACY.md", "TERMS.md")
ICON_SIZES = {"smallIconUri": 108, "largeIconUri": 512}
"""Alexa's icon sizes, in pixels, square."""
PLACEHOLDER = re.compile(r"\{\{[^}]*\}\}")
_RESERVED_HOSTS = ("example.com", "example.org", "example.net", "localhost")
_RESERVED_SUFFIXES = (".example", ".invalid", ".test", ".localhost", ".local")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ReleaseConfigError(Exception):
    """release.yaml cannot be read; the message names the file and field."""


@dataclass(frozen=True, slots=True)
class ReleaseConfig:
    """release.yaml: the publisher, a contact, the policies' date and where they are hosted."""

    publisher: str = ""
    contact_email: str = ""
    effective_date: str = ""
    base_url: str = ""
    privacy_page: str = "privacy"
    terms_page: str = "terms"

    def placeholders(self) -> dict[str, str]:
        """The policy templates' placeholders this config fills (the empty ones stay)."""
        values = {
            "{{PUBLISHER}}": self.publisher,
            "{{CONTACT_EMAIL}}": self.contact_email,
            "{{EFFECTIVE_DATE}}": self.effective_date,
        }
        return {key: value for key, value in values.items() if value}


_FIELDS = ("publisher", "contact_email", "effective_date")
_HOSTING_FIELDS = ("base_url", "privacy_page", "terms_page")


def load_release_config(path: Path | None = None) -> ReleaseConfig:
    """Read release.yaml (or `path`); a missing file is an empty config (a development build)."""
    path = RELEASE_FILE if path is None else path
    if not path.is_file():
        return ReleaseConfig()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ReleaseConfigError(f"{path}: expected a mapping of fields")
    hosting = data.get("hosting") or {}
    if not isinstance(hosting, dict):
        raise ReleaseConfigError(f"{path}: hosting: expected a mapping")
    unknown = sorted(set(data) - {*_FIELDS, "hosting"}) + sorted(
        f"hosting.{key}" for key in set(hosting) - set(_HOSTING_FIELDS)
    )
    if unknown:
        raise ReleaseConfigError(f"{path}: unknown fields {unknown}")
    values: dict[str, str] = {}
    for source, names, prefix in ((data, _FIELDS, ""), (hosting, _HOSTING_FIELDS, "hosting.")):
        for name in names:
            value = source.get(name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise ReleaseConfigError(f"{path}: {prefix}{name}: expected text")
            values[name] = value.strip()
    return ReleaseConfig(**values)


class PolicyUrls(NamedTuple):
    """The privacy policy's and the terms' published addresses."""

    privacy: str
    terms: str


def policy_urls(config: ReleaseConfig | None = None) -> PolicyUrls:
    """The pages' URLs under the hosting base URL; example.com placeholders until it is set."""
    config = load_release_config() if config is None else config
    if not config.base_url:
        return PolicyUrls(PLACEHOLDER_PRIVACY_URL, PLACEHOLDER_TERMS_URL)
    base = config.base_url if config.base_url.endswith("/") else config.base_url + "/"
    return PolicyUrls(urljoin(base, config.privacy_page), urljoin(base, config.terms_page))


def fill_policies(config: ReleaseConfig, docs_dir: Path = DOCS_DIR) -> list[Path]:
    """Fill the policies' placeholders in `docs_dir` from `config`; the paths that changed."""
    written = []
    for name in POLICY_FILES:
        path = docs_dir / name
        text = original = path.read_text(encoding="utf-8")
        for placeholder, value in config.placeholders().items():
            text = text.replace(placeholder, value)
        if text != original:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def release_problems(package_dir: Path = PACKAGE_DIR, docs_dir: Path = DOCS_DIR) -> list[str]:
    """Every reason the skill package and its documents are not ready for certification."""
    manifest_path = package_dir / "skill.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))["manifest"]
    except (OSError, ValueError, KeyError) as error:
        return [f"{manifest_path}: cannot read the manifest: {error}"]
    problems = _url_problems(manifest)
    problems += _icon_problems(manifest, package_dir)
    problems += _document_problems(docs_dir)
    return problems


def _url_problems(manifest: dict[str, Any]) -> list[str]:
    problems = []
    locales = manifest.get("privacyAndCompliance", {}).get("locales") or {}
    listed = manifest.get("publishingInformation", {}).get("locales") or {}
    for locale in sorted(set(listed) | set(locales)):
        urls = locales.get(locale) or {}
        for field in ("privacyPolicyUrl", "termsOfUseUrl"):
            where = f"skill.json: privacyAndCompliance.locales.{locale}.{field}"
            problem = placeholder_url_problem(urls.get(field))
            if problem:
                problems.append(f"{where}: {problem}")
    return problems


def placeholder_url_problem(url: object) -> str | None:
    """Why `url` cannot be a published page's address (None when it can)."""
    if not isinstance(url, str) or not url:
        return "missing"
    if PLACEHOLDER.search(url):
        return f"{url!r} still holds a placeholder"
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme != "https" or not host:
        return f"{url!r} is not an https URL"
    if (
        host in _RESERVED_HOSTS
        or host.endswith(_RESERVED_SUFFIXES)
        or any(host.endswith(f".{reserved}") for reserved in _RESERVED_HOSTS)
    ):
        return f"{url!r} is a placeholder host; publish docs/ and put its address here"
    return None


def _icon_problems(manifest: dict[str, Any], package_dir: Path) -> list[str]:
    problems = []
    listed = manifest.get("publishingInformation", {}).get("locales") or {}
    for locale, listing in sorted(listed.items()):
        for field, size in ICON_SIZES.items():
            where = f"skill.json: publishingInformation.locales.{locale}.{field}"
            uri = listing.get(field)
            if not isinstance(uri, str) or not uri:
                problems.append(f"{where}: missing (a {size} x {size} PNG)")
            elif uri.startswith("file://"):
                problem = _png_problem(package_dir / uri.removeprefix("file://"), size)
                if problem:
                    problems.append(f"{where}: {problem}")
            elif placeholder_url_problem(uri):
                problems.append(f"{where}: {placeholder_url_problem(uri)}")
    return problems


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's header (None when `data` is not a PNG)."""
    if len(data) < 24 or not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _png_problem(path: Path, size: int) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return f"{path} does not exist (run tools/make_icons.py)"
    found = png_size(data)
    if found is None:
        return f"{path} is not a PNG"
    if found != (size, size):
        return f"{path} is {found[0]} x {found[1]}, not {size} x {size}"
    return None


def _document_problems(docs_dir: Path) -> list[str]:
    problems = []
    for name in POLICY_FILES:
        path = docs_dir / name
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            problems.append(f"{path}: missing")
            continue
        left = sorted(set(PLACEHOLDER.findall(text)))
        if left:
            problems.append(f"{path}: fill in {', '.join(left)}")
    return problems
