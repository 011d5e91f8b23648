"""The service image the task definitions run: built in stages, run as a non-root user, with
the `bourse` command as its entrypoint (no Docker engine is needed to read it)."""

from __future__ import annotations

import json

import pytest

from entrypoints.cli import build_parser
from tests.infrastructure.conftest import REPOSITORY_ROOT

DOCKERFILE = (REPOSITORY_ROOT / "Dockerfile").read_text()


def instructions() -> list[tuple[str, str]]:
    joined = DOCKERFILE.replace("\\\n", " ")
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (keyword.upper(), argument.strip())
        for keyword, _, argument in (
            line.partition(" ") for line in lines if line and not line.startswith("#")
        )
    ]


def runtime_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def test_the_image_is_built_in_a_separate_stage() -> None:
    stages = [argument for keyword, argument in instructions() if keyword == "FROM"]

    assert len(stages) >= 2
    assert any(
        keyword == "COPY" and argument.startswith("--from=build")
        for keyword, argument in runtime_stage()
    )


def test_the_service_runs_as_an_unprivileged_user() -> None:
    users = [argument for keyword, argument in runtime_stage() if keyword == "USER"]

    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}


def test_the_entrypoint_is_the_bourse_command_and_services_choose_theirs() -> None:
    (entrypoint,) = [argument for keyword, argument in runtime_stage() if keyword == "ENTRYPOINT"]

    assert json.loads(entrypoint) == ["bourse"]


def test_the_image_given_no_command_serves_every_role_in_one_process() -> None:
    (default,) = [argument for keyword, argument in runtime_stage() if keyword == "CMD"]
    args = build_parser().parse_args(json.loads(default))

    assert (args.command, args.role, args.host) == ("serve", "all", "0.0.0.0")


@pytest.mark.parametrize("path", ["tests", ".venv", ".git"])
def test_the_build_context_leaves_out_what_the_image_does_not_need(path: str) -> None:
    ignored = (REPOSITORY_ROOT / ".dockerignore").read_text().splitlines()

    assert path in ignored
