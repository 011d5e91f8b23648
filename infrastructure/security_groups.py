"""Who may open a connection to whom: the internet reaches only the load balancer, the
load balancer only the HTTP services, and only the services reach the data stores."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from infrastructure.config import EnvironmentConfig
from infrastructure.network import Network

API_PORT = 8000
WEBSOCKET_PORT = 8001
POSTGRES_PORT = 5432
REDIS_PORT = 6379
HTTPS_PORT = 443


class SecurityGroups(Construct):
    def __init__(
        self, scope: Construct, id_: str, *, config: EnvironmentConfig, network: Network
    ) -> None:
        super().__init__(scope, id_)
        self._prefix = config.prefix
        self._vpc_id = network.vpc.id
        self.load_balancer = self._group("load-balancer", "Application load balancer")
        self.api_link = self._group("api-link", "API Gateway VPC link to the load balancer")
        self.api = self._group("api", "REST API tasks")
        self.websocket = self._group("websocket", "WebSocket gateway tasks")
        self.engine = self._group("engine", "Matching engine tasks")
        self.marketdata = self._group("marketdata", "Market-data worker tasks")
        self.trade_archiver = self._group("trade-archiver", "Trade archiver Lambda")
        self.candle_builder = self._group("candle-builder", "Candle builder Lambda")
        self.database = self._group("database", "Aurora PostgreSQL")
        self.cache = self._group("cache", "ElastiCache Redis")

        self._ingress_cidr(self.load_balancer, HTTPS_PORT, "0.0.0.0/0", "HTTPS from clients")
        self._connect(self.api_link, self.load_balancer, HTTPS_PORT, "API Gateway to ALB")
        self._connect(self.load_balancer, self.api, API_PORT, "ALB to REST API")
        self._connect(self.load_balancer, self.websocket, WEBSOCKET_PORT, "ALB to WebSocket")
        services = [self.api, self.websocket, self.engine, self.marketdata]
        for service in services:
            self._connect(service, self.database, POSTGRES_PORT, "service to Aurora")
            self._connect(service, self.cache, REDIS_PORT, "service to Redis")
        # AWS APIs (through VPC endpoints or NAT) are reached over HTTPS only.
        for client in [*services, self.trade_archiver, self.candle_builder]:
            VpcSecurityGroupEgressRule(
                self,
                f"{client.friendly_unique_id}-https-out",
                security_group_id=client.id,
                description="HTTPS to AWS APIs",
                ip_protocol="tcp",
                from_port=HTTPS_PORT,
                to_port=HTTPS_PORT,
                cidr_ipv4="0.0.0.0/0",
            )

    def _group(self, name: str, description: str) -> SecurityGroup:
        return SecurityGroup(
            self,
            name,
            name=f"{self._prefix}-{name}",
            description=description,
            vpc_id=self._vpc_id,
            tags={"Name": f"{self._prefix}-{name}"},
        )

    def _ingress_cidr(self, group: SecurityGroup, port: int, cidr: str, description: str) -> None:
        VpcSecurityGroupIngressRule(
            self,
            f"{group.friendly_unique_id}-in-{port}",
            security_group_id=group.id,
            description=description,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            cidr_ipv4=cidr,
        )

    def _connect(
        self, source: SecurityGroup, target: SecurityGroup, port: int, description: str
    ) -> None:
        """Opens `port` from `source` to `target` on both sides, and nothing else."""
        rule_id = f"{source.friendly_unique_id}-to-{target.friendly_unique_id}-{port}"
        VpcSecurityGroupEgressRule(
            self,
            f"{rule_id}-out",
            security_group_id=source.id,
            description=description,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            referenced_security_group_id=target.id,
        )
        VpcSecurityGroupIngressRule(
            self,
            f"{rule_id}-in",
            security_group_id=target.id,
            description=description,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            referenced_security_group_id=source.id,
        )
