"""TLS at the edge, the design's request rate at API Gateway, WAF in front of everything."""

from __future__ import annotations

from typing import Any

import cdktf

from tests.infrastructure.terraform import Terraform

MANAGED_RULE_GROUPS = {
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesAnonymousIpList",
}


def test_api_gateway_throttles_at_500_requests_per_second_with_bursts(
    terraform: Terraform,
) -> None:
    assert cdktf.Testing.to_have_resource_with_properties(
        terraform.text(),
        "aws_apigatewayv2_stage",
        {
            "name": "$default",
            "default_route_settings": {
                "throttling_rate_limit": 500,
                "throttling_burst_limit": 1000,
            },
        },
    )


def test_account_routes_require_a_cognito_token(terraform: Terraform) -> None:
    (authorizer,) = terraform.resources("aws_apigatewayv2_authorizer").values()
    account = terraform.named("aws_apigatewayv2_route", "route_key", "ANY /account/{proxy+}")

    assert authorizer["authorizer_type"] == "JWT"
    assert authorizer["jwt_configuration"]["issuer"].startswith("https://${aws_cognito_user_pool.")
    assert account["authorization_type"] == "JWT"
    assert terraform.referenced(account["authorizer_id"])[0] == "aws_apigatewayv2_authorizer"


def test_api_gateway_reaches_the_load_balancer_privately_over_tls(terraform: Terraform) -> None:
    (integration,) = terraform.resources("aws_apigatewayv2_integration").values()

    assert integration["connection_type"] == "VPC_LINK"
    assert terraform.referenced(integration["integration_uri"])[0] == "aws_lb_listener"
    assert integration["tls_config"] == {"server_name_to_verify": "api.bourse.example.com"}


def test_the_load_balancer_terminates_modern_tls_and_keeps_websockets_open(
    terraform: Terraform,
) -> None:
    (alb,) = terraform.resources("aws_lb").values()
    (listener,) = terraform.resources("aws_lb_listener").values()

    assert listener["protocol"] == "HTTPS"
    assert listener["ssl_policy"].startswith("ELBSecurityPolicy-TLS13")
    assert alb["idle_timeout"] >= 3600
    assert alb["drop_invalid_header_fields"] is True
    assert alb["enable_deletion_protection"] is True


def test_paths_route_to_the_websocket_gateway_and_rest_only_from_the_vpc_link(
    terraform: Terraform,
) -> None:
    rules: dict[str, list[Any]] = {}
    for rule in terraform.resources("aws_lb_listener_rule").values():
        target = terraform.referenced(rule["action"][0]["target_group_arn"])[1]["name"]
        rules.setdefault(target, []).append(rule["condition"])

    (websocket,) = rules["bourse-production-websocket"]
    assert websocket == [{"path_pattern": {"values": ["/ws", "/ws/*", "/stream", "/stream/*"]}}]
    private = {"source_ip": {"values": ["10.40.0.0/20", "10.40.16.0/20", "10.40.32.0/20"]}}
    # The REST API, and the trading page on the same name: both only through the VPC link.
    api = rules["bourse-production-api"]
    assert [{"path_pattern": {"values": ["/api/*", "/account/*"]}}, private] in api
    assert [{"path_pattern": {"values": ["/", "/trade/*"]}}, private] in api
    # Clients reach the WebSocket API directly: API Gateway's HTTP API carries no WebSockets.
    assert [{"path_pattern": {"values": ["/ws-api/*"]}}] in api
    assert len(api) == 3
    for conditions in (websocket, *api):  # the load balancer's limit on a rule
        assert sum(len(next(iter(c.values()))["values"]) for c in conditions) <= 5


def test_the_page_is_served_on_the_api_name_with_its_assets_from_cloudfront(
    terraform: Terraform,
) -> None:
    for route_key in ("GET /", "GET /trade/{symbol}"):
        route = terraform.named("aws_apigatewayv2_route", "route_key", route_key)
        assert route["authorization_type"] == "NONE"
        assert terraform.referenced(route["target"])[0] == "aws_apigatewayv2_integration"
    (policy,) = terraform.resources("aws_cloudfront_response_headers_policy").values()
    cors = policy["cors_config"]
    assert cors["access_control_allow_origins"]["items"] == ["https://api.bourse.example.com"]
    assert cors["access_control_allow_methods"]["items"] == ["GET", "HEAD"]
    assert cors["access_control_allow_credentials"] is False


def test_waf_applies_managed_rules_and_a_rate_limit_to_the_alb_and_cdn(
    terraform: Terraform,
) -> None:
    acls = terraform.resources("aws_wafv2_web_acl").values()
    (association,) = terraform.resources("aws_wafv2_web_acl_association").values()
    (distribution,) = terraform.resources("aws_cloudfront_distribution").values()

    assert {acl["scope"] for acl in acls} == {"REGIONAL", "CLOUDFRONT"}
    for acl in acls:
        statements = [rule["statement"] for rule in acl["rule"]]
        managed = {
            s["managed_rule_group_statement"]["name"]
            for s in statements
            if "managed_rule_group_statement" in s
        }
        limits = [
            s["rate_based_statement"]["limit"] for s in statements if "rate_based_statement" in s
        ]
        assert managed == MANAGED_RULE_GROUPS
        assert limits == [3000]
    assert terraform.referenced(association["resource_arn"])[0] == "aws_lb"
    assert terraform.referenced(distribution["web_acl_id"])[1]["scope"] == "CLOUDFRONT"
    assert len(terraform.resources("aws_wafv2_web_acl_logging_configuration")) == 2


def test_cloudfront_serves_static_assets_over_https_from_a_private_bucket(
    terraform: Terraform,
) -> None:
    (distribution,) = terraform.resources("aws_cloudfront_distribution").values()
    (origin,) = distribution["origin"]

    assert distribution["viewer_certificate"]["minimum_protocol_version"] == "TLSv1.2_2021"
    assert distribution["default_cache_behavior"]["viewer_protocol_policy"] == "redirect-to-https"
    assert terraform.referenced(origin["origin_access_control_id"])[0] == (
        "aws_cloudfront_origin_access_control"
    )


def test_certificates_are_validated_through_the_hosted_zone(terraform: Terraform) -> None:
    certificates = terraform.resources("aws_acm_certificate").values()

    assert {c["domain_name"] for c in certificates} == {
        "api.bourse.example.com",
        "ws.bourse.example.com",
        "static.bourse.example.com",
    }
    assert len(terraform.resources("aws_acm_certificate_validation")) == 3


def test_a_cognito_user_pool_signs_users_in(terraform: Terraform) -> None:
    (pool,) = terraform.resources("aws_cognito_user_pool").values()

    assert pool["deletion_protection"] == "ACTIVE"
    assert pool["password_policy"]["minimum_length"] >= 12
