"""The services behind the load balancer believe its X-Forwarded-For, and keep their connections
to it open longer than it does."""

from __future__ import annotations

import ipaddress
import json

import pytest

from tests.infrastructure.terraform import Terraform


def environment(terraform: Terraform, service: str) -> dict[str, str]:
    definition = terraform.named(
        "aws_ecs_task_definition", "family", f"bourse-production-{service}"
    )
    (container, *_) = json.loads(definition["container_definitions"])
    return {variable["name"]: variable["value"] for variable in container["environment"]}


@pytest.mark.parametrize("service", ["api", "websocket"])
def test_the_load_balancers_addresses_are_trusted_proxies(
    terraform: Terraform, service: str
) -> None:
    (vpc,) = terraform.resources("aws_vpc").values()
    (alb,) = terraform.resources("aws_lb").values()
    trusted = [
        ipaddress.IPv4Network(network)
        for network in environment(terraform, service)["BOURSE_TRUSTED_PROXIES"].split(",")
    ]
    alb_subnets = [
        ipaddress.IPv4Network(terraform.referenced(subnet)[1]["cidr_block"])
        for subnet in alb["subnets"]
    ]

    assert trusted == [ipaddress.IPv4Network(vpc["cidr_block"])]
    assert all(any(s.subnet_of(network) for network in trusted) for s in alb_subnets)


@pytest.mark.parametrize("service", ["api", "websocket"])
def test_services_keep_idle_connections_longer_than_the_load_balancer(
    terraform: Terraform, service: str
) -> None:
    (alb,) = terraform.resources("aws_lb").values()

    assert int(environment(terraform, service)["BOURSE_KEEP_ALIVE_S"]) > alb["idle_timeout"]
