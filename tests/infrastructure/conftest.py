"""Synthesizes the environment once per session, the way an operator does: in a fresh process,
with no AWS credentials and no network proxy to reach anything through."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.infrastructure.terraform import Terraform

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
STACK = "bourse-production"


def offline_environment() -> dict[str, str]:
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "BOURSE_")) and "PROXY" not in name.upper()
    }
    # Anything that tried to reach AWS would find nothing listening here.
    unreachable = "http://127.0.0.1:9"
    return {
        **kept,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_CONFIG_FILE": os.devnull,
        "HTTP_PROXY": unreachable,
        "HTTPS_PROXY": unreachable,
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("cdktf.out")
    subprocess.run(
        [sys.executable, "-m", "infrastructure", "--output", str(output)],
        cwd=REPOSITORY_ROOT,
        env=offline_environment(),
        check=True,
        timeout=300,
    )
    return output


@pytest.fixture(scope="session")
def terraform(synth_dir: Path) -> Terraform:
    return Terraform.load(synth_dir / "stacks" / STACK / "cdk.tf.json")
