"""requirements.lock, which `make` installs from, pins every dependency pyproject.toml declares
(the dev and infra extras' too) at a version it allows, each with the hashes pip checks: a
dependency added or narrowed without `make lock` fails here, not on a fresh machine."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.infrastructure.conftest import REPOSITORY_ROOT

PIN = re.compile(
    r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)((?: \\\n\s+--hash=sha256:[0-9a-f]{64})*)", re.M
)


def pins() -> dict[str, tuple[str, int]]:
    """Each locked package's version and how many hashes it has."""
    text = (REPOSITORY_ROOT / "requirements.lock").read_text()
    return {
        canonicalize_name(name): (version, hashes.count("--hash="))
        for name, version, hashes in PIN.findall(text)
    }


def declared() -> list[Requirement]:
    project = tomllib.loads((REPOSITORY_ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + [
        requirement for extra in project["optional-dependencies"].values() for requirement in extra
    ]
    return [r for r in map(Requirement, listed) if canonicalize_name(r.name) != "bourse"]


@pytest.mark.parametrize("requirement", declared(), ids=str)
def test_each_declared_dependency_is_locked_at_a_version_it_allows(
    requirement: Requirement,
) -> None:
    version, _ = pins()[canonicalize_name(requirement.name)]

    assert requirement.specifier.contains(version, prereleases=True)


def test_every_locked_package_carries_its_hashes() -> None:
    locked = pins()

    assert len(locked) > 100
    assert [name for name, (_, hashes) in locked.items() if hashes == 0] == []
