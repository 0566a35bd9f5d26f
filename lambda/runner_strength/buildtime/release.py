"""`runner-strength check --release`: what certification needs that a development build can lack.

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
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[3]
PACKAGE_DIR = REPO_ROOT / "interaction_model"
DOCS_DIR = REPO_ROOT / "docs"
POLICY_FILES = ("PRIVACY.md", "TERMS.md")
ICON_SIZES = {"smallIconUri": 108, "largeIconUri": 512}
"""Alexa's icon sizes, in pixels, square."""
PLACEHOLDER = re.compile(r"\{\{[^}]*\}\}")
_RESERVED_HOSTS = ("example.com", "example.org", "example.net", "localhost")
_RESERVED_SUFFIXES = (".example", ".invalid", ".test", ".localhost", ".local")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


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
