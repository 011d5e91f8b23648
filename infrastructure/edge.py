"""How clients reach the exchange: API Gateway for REST, the load balancer for WebSocket,
CloudFront for static assets, all behind WAF and under the environment's domain."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.wafv2_web_acl_association import Wafv2WebAclAssociation
from constructs import Construct

from infrastructure.api_gateway import ApiGateway
from infrastructure.cdn import StaticAssets
from infrastructure.certificates import Certificate, alias_record
from infrastructure.config import EnvironmentConfig
from infrastructure.encryption import Encryption
from infrastructure.firewall import WebFirewall
from infrastructure.load_balancer import LoadBalancer
from infrastructure.logs import Logs
from infrastructure.network import Network
from infrastructure.security_groups import SecurityGroups


class Edge(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: EnvironmentConfig,
        network: Network,
        security_groups: SecurityGroups,
        encryption: Encryption,
        logs: Logs,
        account_id: str,
        edge_provider: AwsProvider,
    ) -> None:
        super().__init__(scope, id_)
        self.websocket_domain_name = f"ws.{config.domain_name}"
        self.api_domain_name = f"api.{config.domain_name}"
        websocket_certificate = Certificate(
            self,
            "websocket-certificate",
            host_name=self.websocket_domain_name,
            hosted_zone_id=config.hosted_zone_id,
        )
        api_certificate = Certificate(
            self,
            "api-certificate",
            host_name=self.api_domain_name,
            hosted_zone_id=config.hosted_zone_id,
        )
        # CloudFront accepts only certificates issued in us-east-1.
        static_certificate = Certificate(
            self,
            "static-certificate",
            host_name=f"static.{config.domain_name}",
            hosted_zone_id=config.hosted_zone_id,
            provider=edge_provider,
        )
        self.load_balancer = LoadBalancer(
            self,
            "load-balancer",
            config=config,
            network=network,
            security_groups=security_groups,
            logs=logs,
            certificate_arns=[websocket_certificate.arn, api_certificate.arn],
        )
        firewall = WebFirewall(
            self,
            "firewall",
            name=config.prefix,
            waf_scope="REGIONAL",
            requests_per_ip_per_5_minutes=config.waf_requests_per_ip_per_5_minutes,
            logs=logs,
            key=encryption.data_key,
        )
        Wafv2WebAclAssociation(
            self,
            "firewall-association",
            resource_arn=self.load_balancer.alb.arn,
            web_acl_arn=firewall.web_acl.arn,
        )
        alias_record(
            self,
            "websocket-dns",
            hosted_zone_id=config.hosted_zone_id,
            name=self.websocket_domain_name,
            target=self.load_balancer.alb.dns_name,
            target_zone=self.load_balancer.alb.zone_id,
        )
        self.api_gateway = ApiGateway(
            self,
            "api-gateway",
            config=config,
            network=network,
            security_groups=security_groups,
            listener=self.load_balancer.listener,
            domain_name=self.api_domain_name,
            certificate_arn=api_certificate.arn,
            logs=logs,
            key=encryption.data_key,
        )
        self.static_assets = StaticAssets(
            self,
            "static-assets",
            config=config,
            account_id=account_id,
            certificate_arn=static_certificate.arn,
            logs=logs,
            data_key=encryption.data_key,
            edge_key=encryption.edge_key,
            edge_provider=edge_provider,
        )
