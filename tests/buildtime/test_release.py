"""Certification blockers: icons drawn by a script, privacy policy and terms, `check --release`."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image, ImageChops, ImageStat

from runner_strength.buildtime import interaction_model as im
from runner_strength.buildtime import release
from runner_strength.buildtime.release import placeholder_url_problem, png_size, release_problems
from runner_strength.cli import main

if TYPE_CHECKING:
    from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE = REPO_ROOT / "interaction_model"
DOCS = REPO_ROOT / "docs"


def _make_icons() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_icons", REPO_ROOT / "tools/make_icons.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_icons"] = module
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- icons


@pytest.mark.parametrize(("name", "size"), [("icon-108.png", 108), ("icon-512.png", 512)])
def test_committed_icons_are_square_pngs_of_alexas_sizes(name: str, size: int) -> None:
    """The small and large icons are opaque PNGs of exactly 108 and 512 pixels."""
    path = PACKAGE / "assets" / "images" / name
    with Image.open(path) as icon:
        assert icon.format == "PNG"
        assert icon.size == (size, size)
        assert icon.mode == "RGB"
    assert png_size(path.read_bytes()) == (size, size)


def test_icons_are_what_the_drawing_script_draws(tmp_path: Path) -> None:
    """Redrawing from the one source drawing gives the committed icons (`--check` passes)."""
    make_icons = _make_icons()
    assert make_icons.main(["--check"]) == 0
    assert make_icons.main(["--output", str(tmp_path)]) == 0
    for name in make_icons.SIZES:
        committed = PACKAGE / "assets" / "images" / name
        with Image.open(tmp_path / name) as fresh, Image.open(committed) as ours:
            assert make_icons.largest_difference(fresh, ours) <= make_icons.TOLERANCE


def test_icon_check_notices_an_icon_that_drifted(tmp_path: Path) -> None:
    """A committed icon that no longer matches the drawing fails `--check`."""
    make_icons = _make_icons()
    make_icons.main(["--output", str(tmp_path)])
    Image.new("RGB", (108, 108), (255, 255, 255)).save(tmp_path / "icon-108.png")
    assert make_icons.main(["--check", "--output", str(tmp_path)]) == 1


def test_both_sizes_come_from_one_drawing() -> None:
    """The 108 px icon is the 512 px one scaled down: they differ only along edges (mean < 2)."""
    make_icons = _make_icons()
    small = make_icons.draw_icon(108)
    scaled = make_icons.draw_icon(512).resize((108, 108), Image.Resampling.LANCZOS)
    assert max(ImageStat.Stat(ImageChops.difference(small, scaled)).mean) < 2
    other = Image.new("RGB", (108, 108), make_icons.TILE)
    assert max(ImageStat.Stat(ImageChops.difference(small, other)).mean) > 40


def test_every_locale_lists_both_icons_from_the_skill_package() -> None:
    """skill.json names both icons for every locale, as files the ASK CLI uploads."""
    listing = json.loads((PACKAGE / "skill.json").read_text("utf-8"))["manifest"][
        "publishingInformation"
    ]["locales"]
    assert set(listing) == set(im.LOCALES)
    for locale in listing.values():
        assert locale["smallIconUri"] == "file://assets/images/icon-108.png"
        assert locale["largeIconUri"] == "file://assets/images/icon-512.png"


# ---------------------------------------------------------------- privacy policy and terms


def test_privacy_policy_says_what_is_stored_for_how_long_and_how_to_delete_it() -> None:
    """The policy covers the record's contents, the 365-day expiry, disabling and log retention."""
    text = (DOCS / "PRIVACY.md").read_text("utf-8")
    for fact in (
        "last 50 workouts",
        "body area",
        "SHA-256",
        "365 days",
        "Disable the skill",
        "deleted at once",
        "30 days",
        "not directed to children",
    ):
        assert fact in text, fact


def test_privacy_policy_offers_only_the_deletion_the_skill_performs() -> None:
    """Disabling the skill or asking by voice deletes; no deletion by e-mail it cannot honour."""
    text = " ".join((DOCS / "PRIVACY.md").read_text("utf-8").split())
    choices = text[text.index("## Your choices") : text.index("## Children")]
    assert "disable the skill" in choices
    assert "delete my data" in choices
    assert "the only ones we offer" in choices
    assert "have it deleted without disabling" not in text


def test_terms_say_it_is_not_medical_advice() -> None:
    """The terms carry the health disclaimer the store description promises."""
    text = (DOCS / "TERMS.md").read_text("utf-8")
    assert "general fitness guidance, not medical advice" in text
    assert "PRIVACY.md" in text


# ---------------------------------------------------------------- check --release


def test_check_release_fails_while_the_manifest_holds_placeholder_urls(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As committed (example.com URLs, unfilled policy), `check --release` exits 1 naming them."""
    assert main(["check", "--release"]) == 1
    err = capsys.readouterr().err
    assert "en-US.privacyPolicyUrl" in err
    assert "en-GB.termsOfUseUrl" in err
    assert "{{PUBLISHER}}" in err
    assert main(["check"]) == 0


FILLED_RELEASE = """\
publisher: Jo Runner
contact_email: jo@runner.dev
effective_date: 1 December 2026
hosting:
  base_url: https://runner.dev/strength
  privacy_page: privacy
  terms_page: terms
"""
"""A publisher's filled release.yaml."""


def _release_ready(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The package and policies built from a filled release.yaml, as a publisher would."""
    package, docs = tmp_path / "interaction_model", tmp_path / "docs"
    shutil.copytree(PACKAGE / "assets", package / "assets")
    docs.mkdir()
    for name in ("PRIVACY.md", "TERMS.md"):
        shutil.copy(DOCS / name, docs / name)
    config = tmp_path / "release.yaml"
    config.write_text(FILLED_RELEASE, "utf-8")
    monkeypatch.setattr(release, "RELEASE_FILE", config)
    assert main(["build-release", "--config", str(config), "--docs-dir", str(docs)]) == 0
    name_free = ["--name-free-file", str(tmp_path / "name_free.json")]
    assert main(["build-model", "--package-dir", str(package), *name_free]) == 0
    return package, docs


def test_release_check_passes_once_release_yaml_is_filled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """build-release and build-model from a filled release.yaml leave check --release nothing."""
    package, docs = _release_ready(tmp_path, monkeypatch)
    assert release_problems(package, docs) == []
    manifest = json.loads((package / "skill.json").read_text("utf-8"))["manifest"]
    locales = manifest["privacyAndCompliance"]["locales"]
    assert len(locales) == 5
    for urls in locales.values():
        assert urls == {
            "privacyPolicyUrl": "https://runner.dev/strength/privacy",
            "termsOfUseUrl": "https://runner.dev/strength/terms",
        }
    privacy = (docs / "PRIVACY.md").read_text("utf-8")
    assert "published by Jo Runner" in privacy
    assert "jo@runner.dev" in privacy
    assert "{{" not in privacy + (docs / "TERMS.md").read_text("utf-8")


def test_the_committed_release_file_is_unfilled_and_names_its_fields() -> None:
    """As committed, release.yaml is empty (a development build) and reads without error."""
    config = release.load_release_config()
    assert config == release.ReleaseConfig()
    assert release.policy_urls(config).privacy.startswith("https://example.com/")


def test_a_release_file_with_an_unknown_field_is_refused(tmp_path: Path) -> None:
    """A misspelt field names the file and the field instead of being ignored."""
    config = tmp_path / "release.yaml"
    config.write_text("publisher: Jo\nhosting:\n  base_ulr: https://x.dev\n", "utf-8")
    with pytest.raises(release.ReleaseConfigError, match=r"hosting\.base_ulr"):
        release.load_release_config(config)


def test_release_check_catches_a_wrong_sized_or_missing_icon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An icon of the wrong size, or none at all, is a release problem."""
    package, docs = _release_ready(tmp_path, monkeypatch)
    Image.new("RGB", (100, 100)).save(package / "assets/images/icon-108.png")
    (package / "assets/images/icon-512.png").unlink()
    problems = release_problems(package, docs)
    assert any("100 x 100, not 108 x 108" in p for p in problems)
    assert any("icon-512.png does not exist" in p for p in problems)


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "http://runner.dev/privacy",
        "https://example.com/x",
        "https://www.example.org/x",
        "https://localhost/x",
        "https://privacy.test/x",
        "https://{{HOST}}/privacy",
        "/privacy",
    ],
)
def test_placeholder_and_insecure_urls_are_refused(url: str | None) -> None:
    """Missing, plain http, reserved example hosts and template placeholders are all refused."""
    assert placeholder_url_problem(url) is not None


def test_a_real_https_url_is_accepted() -> None:
    """A published https page is fine."""
    assert placeholder_url_problem("https://runner.dev/strength/privacy") is None
