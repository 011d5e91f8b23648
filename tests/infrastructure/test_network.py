"""Three zones, three tiers, and security groups that open only the paths the design needs."""

from __future__ import annotations

from tests.infrastructure.terraform import Terraform

ZONES = {"eu-west-1a", "eu-west-1b", "eu-west-1c"}


def subnets(terraform: Terraform, tier: str) -> list[dict[str, object]]:
    return [s for s in terraform.resources("aws_subnet").values() if s["tags"]["Tier"] == tier]


def test_each_tier_has_one_subnet_in_each_of_three_zones(terraform: Terraform) -> None:
    for tier in ("public", "private", "isolated"):
        assert {subnet["availability_zone"] for subnet in subnets(terraform, tier)} == ZONES
    assert not any(s["map_public_ip_on_launch"] for s in terraform.resources("aws_subnet").values())


def test_each_zone_has_its_own_nat_gateway(terraform: Terraform) -> None:
    nat_gateways = terraform.resources("aws_nat_gateway").values()
    nat_subnets = {
        terraform.referenced(nat["subnet_id"])[1]["availability_zone"] for nat in nat_gateways
    }

    assert nat_subnets == ZONES


def test_only_private_subnets_route_out_through_nat(terraform: Terraform) -> None:
    default_routes = [
        route
        for route in terraform.resources("aws_route").values()
        if route["destination_cidr_block"] == "0.0.0.0/0"
    ]

    assert sum("nat_gateway_id" in route for route in default_routes) == 3
    assert sum("gateway_id" in route for route in default_routes) == 1


def test_aws_services_are_reached_through_vpc_endpoints(terraform: Terraform) -> None:
    names = {e["service_name"] for e in terraform.resources("aws_vpc_endpoint").values()}

    assert names == {
        f"com.amazonaws.eu-west-1.{service}"
        for service in ("dynamodb", "s3", "kinesis-streams", "ecr.api", "ecr.dkr", "logs")
    }


def ingress_sources(terraform: Terraform, group_name: str) -> set[tuple[str, int]]:
    """(source security group name or CIDR, port) of every ingress rule of the group."""
    sources = set()
    for rule in terraform.resources("aws_vpc_security_group_ingress_rule").values():
        if terraform.referenced(rule["security_group_id"])[1]["name"] != group_name:
            continue
        if "referenced_security_group_id" in rule:
            source = terraform.referenced(rule["referenced_security_group_id"])[1]["name"]
        else:
            source = rule["cidr_ipv4"]
        sources.add((source, rule["from_port"]))
    return sources


def test_only_the_load_balancer_accepts_connections_from_the_internet(
    terraform: Terraform,
) -> None:
    open_to_all = [
        terraform.referenced(rule["security_group_id"])[1]["name"]
        for rule in terraform.resources("aws_vpc_security_group_ingress_rule").values()
        if rule.get("cidr_ipv4") == "0.0.0.0/0"
    ]

    assert open_to_all == ["bourse-production-load-balancer"]
    assert ingress_sources(terraform, "bourse-production-load-balancer") == {
        ("0.0.0.0/0", 443),
        ("bourse-production-api-link", 443),
    }


def test_only_the_load_balancer_reaches_the_http_services(terraform: Terraform) -> None:
    alb = "bourse-production-load-balancer"

    assert ingress_sources(terraform, "bourse-production-api") == {(alb, 8000)}
    assert ingress_sources(terraform, "bourse-production-websocket") == {(alb, 8001)}
    assert ingress_sources(terraform, "bourse-production-engine") == set()
    assert ingress_sources(terraform, "bourse-production-marketdata") == set()


def test_only_the_services_reach_the_data_stores(terraform: Terraform) -> None:
    services = {
        f"bourse-production-{name}" for name in ("api", "websocket", "engine", "marketdata")
    }

    assert ingress_sources(terraform, "bourse-production-database") == {
        (service, 5432) for service in services
    }
    assert ingress_sources(terraform, "bourse-production-cache") == {
        (service, 6379) for service in services
    }


def test_the_default_security_group_allows_nothing(terraform: Terraform) -> None:
    (default_group,) = terraform.resources("aws_default_security_group").values()

    assert "ingress" not in default_group
    assert "egress" not in default_group


def test_vpc_traffic_is_logged(terraform: Terraform) -> None:
    (flow_log,) = terraform.resources("aws_flow_log").values()

    assert flow_log["traffic_type"] == "ALL"
