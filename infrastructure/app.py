"""Synthesizes the environment to Terraform JSON, offline and without AWS credentials."""

from __future__ import annotations

import tempfile
from pathlib import Path

from cdktf import App

from infrastructure.config import EnvironmentConfig
from infrastructure.stack import BourseStack
from infrastructure.stream_functions import stage_lambda_source


def synth(output: Path, config: EnvironmentConfig | None = None) -> None:
    """Writes `output/stacks/bourse-<environment>/cdk.tf.json` and the Lambda package beside it."""
    config = config or EnvironmentConfig.from_environ()
    with tempfile.TemporaryDirectory(prefix="bourse-lambda-") as staging:
        lambda_source = stage_lambda_source(Path(staging) / "stream-functions")
        app = App(outdir=str(output))
        BourseStack(app, config.prefix, config=config, lambda_source=lambda_source)
        app.synth()
