"""The bundle's urllib3 and python-dateutil stay within what the Lambda runtime's botocore accepts.

On Lambda the bundle's directory comes first on sys.path, so the runtime's own botocore (which the
bundle leaves out) imports the bundle's urllib3 and python-dateutil. Resolved against the newest
boto3 they could drift past what the runtime's botocore declares; pyproject.toml pins them instead.
"""

from __future__ import annotations

import importlib.metadata

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from runner_strength.buildtime.packaging import runtime_requirements

RUNTIME_BOTOCORE_REQUIRES = {
    "urllib3": SpecifierSet(">=1.25.4,!=2.2.0,<3"),
    "python-dateutil": SpecifierSet(">=2.1,<3.0.0"),
}
"""What botocore declares on Python 3.10+ (the python3.13 runtime): identical in every botocore from
1.34 to 1.44, so whichever the runtime ships in that span, these are its ranges."""
PROBES = {
    "urllib3": [
        "1.25.3",
        "1.25.4",
        "1.26.0",
        "1.26.20",
        "2.0.0",
        "2.1.0",
        "2.2.0",
        "2.2.1",
        "2.5.0",
        "2.8.0",
        "2.99.0",
        "3.0.0",
        "3.0.0a1",
        "3.1.0",
        "4.0.0",
    ],
    "python-dateutil": ["2.0", "2.1", "2.8.2", "2.9.0.post0", "2.99", "3.0.0", "3.0.0rc1", "4.0"],
}
"""Versions either side of every bound and exclusion, plus ones far beyond them."""


def _pins() -> dict[str, SpecifierSet]:
    pins = {}
    for line in runtime_requirements():
        requirement = Requirement(line)
        if requirement.name.lower() in RUNTIME_BOTOCORE_REQUIRES:
            pins[requirement.name.lower()] = requirement.specifier
    return pins


def test_the_bundle_requirements_pin_urllib3_and_dateutil() -> None:
    """Both shared dependencies are pinned in the requirements the bundle is built from."""
    assert set(_pins()) == set(RUNTIME_BOTOCORE_REQUIRES)


@pytest.mark.parametrize("name", sorted(RUNTIME_BOTOCORE_REQUIRES))
def test_every_pinned_version_is_one_the_runtime_botocore_accepts(name: str) -> None:
    """No version our pin allows is outside the runtime botocore's range (checked at each edge)."""
    pin, runtime = _pins()[name], RUNTIME_BOTOCORE_REQUIRES[name]
    allowed = [v for v in PROBES[name] if pin.contains(Version(v), prereleases=True)]
    assert allowed, f"the {name} pin allows none of {PROBES[name]}"
    outside = [v for v in allowed if not runtime.contains(Version(v), prereleases=True)]
    assert outside == [], f"{name} {pin} allows {outside}, which the runtime botocore refuses"


@pytest.mark.parametrize("name", sorted(RUNTIME_BOTOCORE_REQUIRES))
def test_the_installed_versions_satisfy_the_pins(name: str) -> None:
    """The pins leave room for what requests and the ASK SDK need (this environment resolved)."""
    installed = Version(importlib.metadata.version(name))
    assert _pins()[name].contains(installed, prereleases=True)


def test_the_installed_botocore_still_declares_the_recorded_ranges() -> None:
    """When a new botocore changes these ranges, this fails: revisit the pins and the record."""
    declared = {}
    for line in importlib.metadata.requires("botocore") or []:
        requirement = Requirement(line)
        marker_ok = requirement.marker is None or requirement.marker.evaluate(
            {"python_version": "3.13", "extra": ""}
        )
        if requirement.name.lower() in RUNTIME_BOTOCORE_REQUIRES and marker_ok:
            declared[requirement.name.lower()] = requirement.specifier
    assert declared == RUNTIME_BOTOCORE_REQUIRES
