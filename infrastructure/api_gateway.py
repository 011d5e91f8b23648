"""API Gateway in front of the REST API: the design's request rate, Cognito sign-in for the
account pages, and a private path to the load balancer over a VPC link."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.apigatewayv2_api import Apigatewayv2Api
from cdktf_cdktf_provider_aws.apigatewayv2_api_mapping import Apigatewayv2ApiMapping
from cdktf_cdktf_provider_aws.apigatewayv2_authorizer import (
    Apigatewayv2Authorizer,
    Apigatewayv2AuthorizerJwtConfiguration,
)
from cdktf_cdktf_provider_aws.apigatewayv2_domain_name import (
    Apigatewayv2DomainName,
    Apigatewayv2DomainNameDomainNameConfiguration,
)
from cdktf_cdktf_provider_aws.apigatewayv2_integration import (
    Apigatewayv2Integration,
    Apigatewayv2IntegrationTlsConfig,
)
from cdktf_cdktf_provider_aws.apigatewayv2_route import Apigatewayv2Route
from cdktf_cdktf_provider_aws.apigatewayv2_stage import (
    Apigatewayv2Stage,
    Apigatewayv2StageAccessLogSettings,
    Apigatewayv2StageDefaultRouteSettings,
)
from cdktf_cdktf_provider_aws.apigatewayv2_vpc_link import Apigatewayv2VpcLink
from cdktf_cdktf_provider_aws.cognito_user_pool import (
    CognitoUserPool,
    CognitoUserPoolAccountRecoverySetting,
    CognitoUserPoolAccountRecoverySettingRecoveryMechanism,
    CognitoUserPoolPasswordPolicy,
    CognitoUserPoolSoftwareTokenMfaConfiguration,
)
from cdktf_cdktf_provider_aws.cognito_user_pool_client import CognitoUserPoolClient
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.lb_listener import LbListener
from constructs import Construct

from infrastructure.certificates import alias_record
from infrastructure.config import EnvironmentConfig
from infrastructure.logs import Logs
from infrastructure.network import Network
from infrastructure.security_groups import SecurityGroups

ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "time": "$context.requestTimeEpoch",
    "route": "$context.routeKey",
    "status": "$context.status",
    "latencyMs": "$context.responseLatency",
    "integrationLatencyMs": "$context.integrationLatency",
}


class ApiGateway(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: EnvironmentConfig,
        network: Network,
        security_groups: SecurityGroups,
        listener: LbListener,
        domain_name: str,
        certificate_arn: str,
        logs: Logs,
        key: KmsKey,
    ) -> None:
        super().__init__(scope, id_)
        self.domain_name = domain_name
        self.user_pool = CognitoUserPool(
            self,
            "user-pool",
            name=config.prefix,
            username_attributes=["email"],
            auto_verified_attributes=["email"],
            mfa_configuration="OPTIONAL",
            software_token_mfa_configuration=CognitoUserPoolSoftwareTokenMfaConfiguration(
                enabled=True
            ),
            password_policy=CognitoUserPoolPasswordPolicy(
                minimum_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_numbers=True,
                require_symbols=True,
                temporary_password_validity_days=1,
            ),
            account_recovery_setting=CognitoUserPoolAccountRecoverySetting(
                recovery_mechanism=[
                    CognitoUserPoolAccountRecoverySettingRecoveryMechanism(
                        name="verified_email", priority=1
                    )
                ]
            ),
            deletion_protection="ACTIVE",
        )
        self.user_pool_client = CognitoUserPoolClient(
            self,
            "web-client",
            name=f"{config.prefix}-web",
            user_pool_id=self.user_pool.id,
            generate_secret=False,
            explicit_auth_flows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            prevent_user_existence_errors="ENABLED",
            enable_token_revocation=True,
        )
        self.api = Apigatewayv2Api(
            self,
            "api",
            name=config.prefix,
            protocol_type="HTTP",
            # Clients use the custom domain, whose stage carries the throttling.
            disable_execute_api_endpoint=True,
        )
        link = Apigatewayv2VpcLink(
            self,
            "vpc-link",
            name=config.prefix,
            subnet_ids=[subnet.id for subnet in network.private_subnets],
            security_group_ids=[security_groups.api_link.id],
        )
        integration = Apigatewayv2Integration(
            self,
            "load-balancer",
            api_id=self.api.id,
            integration_type="HTTP_PROXY",
            integration_method="ANY",
            connection_type="VPC_LINK",
            connection_id=link.id,
            integration_uri=listener.arn,
            payload_format_version="1.0",
            tls_config=Apigatewayv2IntegrationTlsConfig(server_name_to_verify=self.domain_name),
        )
        authorizer = Apigatewayv2Authorizer(
            self,
            "cognito",
            api_id=self.api.id,
            name="cognito",
            authorizer_type="JWT",
            identity_sources=["$request.header.Authorization"],
            jwt_configuration=Apigatewayv2AuthorizerJwtConfiguration(
                issuer=f"https://{self.user_pool.endpoint}",
                audience=[self.user_pool_client.id],
            ),
        )
        target = f"integrations/{integration.id}"
        # The Binance-compatible API authenticates each request with its API key and HMAC
        # signature in the service; a bearer-token authorizer would turn every client away.
        Apigatewayv2Route(
            self,
            "exchange-route",
            api_id=self.api.id,
            route_key="ANY /api/{proxy+}",
            target=target,
            authorization_type="NONE",
        )
        # The trading page, on the API's own name so that it calls the API without CORS.
        for name, route_key in [
            ("page-route", "GET /"),
            ("market-page-route", "GET /trade/{symbol}"),
        ]:
            Apigatewayv2Route(
                self, name, api_id=self.api.id, route_key=route_key, target=target,
                authorization_type="NONE",
            )  # fmt: skip
        Apigatewayv2Route(
            self,
            "account-route",
            api_id=self.api.id,
            route_key="ANY /account/{proxy+}",
            target=target,
            authorization_type="JWT",
            authorizer_id=authorizer.id,
        )
        access_logs = logs.group("api-access-logs", f"/{config.prefix}/api-gateway", key)
        self.stage = Apigatewayv2Stage(
            self,
            "stage",
            api_id=self.api.id,
            name="$default",
            auto_deploy=True,
            default_route_settings=Apigatewayv2StageDefaultRouteSettings(
                throttling_rate_limit=config.api_rate_limit_rps,
                throttling_burst_limit=config.api_burst_limit,
                detailed_metrics_enabled=True,
            ),
            access_log_settings=Apigatewayv2StageAccessLogSettings(
                destination_arn=access_logs.arn, format=json.dumps(ACCESS_LOG_FORMAT)
            ),
        )
        domain = Apigatewayv2DomainName(
            self,
            "domain",
            domain_name=self.domain_name,
            domain_name_configuration=Apigatewayv2DomainNameDomainNameConfiguration(
                certificate_arn=certificate_arn,
                endpoint_type="REGIONAL",
                security_policy="TLS_1_2",
            ),
        )
        Apigatewayv2ApiMapping(
            self, "mapping", api_id=self.api.id, domain_name=domain.id, stage=self.stage.id
        )
        alias_record(
            self,
            "dns",
            hosted_zone_id=config.hosted_zone_id,
            name=self.domain_name,
            target=domain.domain_name_configuration.target_domain_name,
            target_zone=domain.domain_name_configuration.hosted_zone_id,
        )
