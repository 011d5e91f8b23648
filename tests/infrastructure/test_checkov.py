"""checkov finds nothing to fix in the synthesized Terraform (skips: .checkov.yaml)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.infrastructure.conftest import REPOSITORY_ROOT


def checkov_binary() -> str:
    binary = os.environ.get("BOURSE_CHECKOV")
    assert binary, (
        "BOURSE_CHECKOV must name a checkov executable: run `make test`, which installs "
        "checkov into .venv-checkov and sets it"
    )
    assert Path(binary).is_file(), f"BOURSE_CHECKOV={binary} does not exist"
    return binary


def test_checkov_reports_no_failed_check(synth_dir: Path) -> None:
    completed = subprocess.run(
        [
            checkov_binary(),
            "--directory",
            str(synth_dir),
            "--config-file",
            str(REPOSITORY_ROOT / ".checkov.yaml"),
            "--output",
            "json",
            "--quiet",
            "--compact",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(completed.stdout)
    failed = [
        f"{check['check_id']} {check['resource']}: {check['check_name']}"
        for check in report["results"]["failed_checks"]
    ]

    assert report["summary"]["passed"] > 0
    assert failed == []
    assert completed.returncode == 0, completed.stderr
