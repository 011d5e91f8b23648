"""`python -m infrastructure --output DIR` writes a complete Terraform configuration offline."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from entrypoints.settings import AWS_VARIABLES, REQUIRED_AWS_VARIABLES
from tests.infrastructure.conftest import REPOSITORY_ROOT, STACK, offline_environment
from tests.infrastructure.terraform import Terraform

RUNTIME_SETTINGS = {
    "BOURSE_ADAPTERS",
    "AWS_REGION",
    "BOURSE_DATABASE_SECRET_ARN",
    "BOURSE_DATABASE_HOST",
    "BOURSE_DATABASE_NAME",
    "BOURSE_REDIS_URL",
    "BOURSE_REDIS_AUTH_SECRET_ARN",
    "BOURSE_SECRET_KEY_SECRET_ARN",
    "BOURSE_JWT_SECRET_ARN",
    "BOURSE_ADMIN_TOKEN_SECRET_ARN",
    "BOURSE_TRADES_TABLE",
    "BOURSE_CANDLES_TABLE",
    "BOURSE_BOOK_SNAPSHOTS_TABLE",
    "BOURSE_TRADE_STREAM",
    "BOURSE_ORDER_STREAM",
    "BOURSE_ARCHIVE_BUCKET",
}


def test_the_stack_is_written_as_terraform_json(synth_dir: Path) -> None:
    assert (synth_dir / "stacks" / STACK / "cdk.tf.json").is_file()


def test_bourse_synth_writes_the_same_configuration(synth_dir: Path, tmp_path: Path) -> None:
    bourse = Path(sys.executable).with_name("bourse")
    subprocess.run(
        [str(bourse), "synth", "--output", str(tmp_path)],
        cwd=REPOSITORY_ROOT,
        env=offline_environment(),
        check=True,
        timeout=300,
    )
    written = (tmp_path / "stacks" / STACK / "cdk.tf.json").read_bytes()
    assert written == (synth_dir / "stacks" / STACK / "cdk.tf.json").read_bytes()


def test_the_aws_provider_is_pinned_and_a_us_east_1_alias_serves_cloudfront(
    terraform: Terraform,
) -> None:
    required = terraform.document["terraform"]["required_providers"]["aws"]
    providers = terraform.document["provider"]["aws"]

    assert required["source"] == "aws"
    assert required["version"]
    assert {provider.get("alias") for provider in providers} == {None, "us_east_1"}


def test_outputs_carry_the_settings_the_aws_adapters_read(terraform: Terraform) -> None:
    outputs = terraform.document["output"]

    assert outputs.keys() >= RUNTIME_SETTINGS
    assert {"API_URL", "WEBSOCKET_URL", "LOAD_BALANCER_DNS_NAME", "API_GATEWAY_ENDPOINT"} <= (
        outputs.keys()
    )
    assert outputs["BOURSE_ADAPTERS"]["value"] == "aws"
    assert outputs["BOURSE_REDIS_URL"]["value"].startswith("rediss://")


def test_the_outputs_are_the_settings_the_aws_mode_reads_by_the_same_names(
    terraform: Terraform,
) -> None:
    outputs = terraform.document["output"]
    settings = {name for name in outputs if name.startswith(("BOURSE_", "AWS_"))}
    read_by_every_mode = {
        "BOURSE_ADAPTERS", "BOURSE_REDIS_URL", "BOURSE_TRUSTED_PROXIES", "BOURSE_KEEP_ALIVE_S",
        "BOURSE_ASSETS_ORIGIN", "BOURSE_STREAMS_URL",  # where the web page's assets and streams are
    }  # fmt: skip

    assert set(REQUIRED_AWS_VARIABLES) <= settings
    assert settings <= set(AWS_VARIABLES) | read_by_every_mode


def test_every_service_gets_the_same_settings_as_the_outputs(terraform: Terraform) -> None:
    for definition in terraform.resources("aws_ecs_task_definition").values():
        service = json.loads(definition["container_definitions"])[0]
        environment = {variable["name"]: variable["value"] for variable in service["environment"]}
        outputs = terraform.document["output"]
        assert {name: outputs[name]["value"] for name in RUNTIME_SETTINGS} == {
            name: environment[name] for name in RUNTIME_SETTINGS
        }


def test_the_lambda_package_holds_the_handler_and_nothing_of_the_service(
    synth_dir: Path, terraform: Terraform
) -> None:
    function = terraform.named(
        "aws_lambda_function", "function_name", "bourse-production-trade-archiver"
    )
    package = synth_dir / "stacks" / STACK / function["filename"]

    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())

    assert function["handler"] == "entrypoints.lambdas.trade_archiver.handler"
    assert {name for name in names if name.endswith(".py")} == {
        "entrypoints/__init__.py",
        "entrypoints/lambdas/__init__.py",
        "entrypoints/lambdas/trades.py",
        "entrypoints/lambdas/trade_archiver.py",
        "entrypoints/lambdas/candle_builder.py",
        "entrypoints/lambdas/day_archive.py",
    }


def test_explicit_dependencies_are_plain_addresses_as_terraform_requires(
    terraform: Terraform,
) -> None:
    dependencies = [
        dependency
        for resources in terraform.document["resource"].values()
        for resource in resources.values()
        for dependency in resource.get("depends_on", [])
    ]

    assert dependencies
    assert all(re.fullmatch(r"(data\.)?[a-z0-9_]+\.[\w-]+", d) for d in dependencies)
