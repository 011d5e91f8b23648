"""The VPC: public, private and isolated subnets in every availability zone, NAT, endpoints."""

from __future__ import annotations

import ipaddress

from cdktf_cdktf_provider_aws.default_security_group import DefaultSecurityGroup
from cdktf_cdktf_provider_aws.eip import Eip
from cdktf_cdktf_provider_aws.flow_log import FlowLog
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.nat_gateway import NatGateway
from cdktf_cdktf_provider_aws.route import Route
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.vpc_endpoint import VpcEndpoint
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from infrastructure.config import EnvironmentConfig
from infrastructure.logs import Logs
from infrastructure.policies import allow, assume_role_policy, policy_document

INTERFACE_ENDPOINTS = ("kinesis-streams", "ecr.api", "ecr.dkr", "logs")
GATEWAY_ENDPOINTS = ("dynamodb", "s3")


class Network(Construct):
    """Public subnets hold only the load balancer and NAT; services run in private subnets;
    the databases sit in isolated subnets with no route out of the VPC."""

    def __init__(
        self, scope: Construct, id_: str, *, config: EnvironmentConfig, logs: Logs, key: KmsKey
    ) -> None:
        super().__init__(scope, id_)
        self.vpc = Vpc(
            self,
            "vpc",
            cidr_block=config.vpc_cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={"Name": config.prefix},
        )
        # An unused default group with no rules, so nothing can be attached to it by accident.
        DefaultSecurityGroup(self, "default-security-group", vpc_id=self.vpc.id)
        self.availability_zones = config.availability_zones
        blocks = list(ipaddress.ip_network(config.vpc_cidr).subnets(new_prefix=20))
        gateway = InternetGateway(self, "internet-gateway", vpc_id=self.vpc.id)

        public_routes = RouteTable(self, "public-routes", vpc_id=self.vpc.id)
        Route(
            self,
            "public-default-route",
            route_table_id=public_routes.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=gateway.id,
        )
        self.public_subnets: list[Subnet] = []
        self.private_subnets: list[Subnet] = []
        self.isolated_subnets: list[Subnet] = []
        route_tables = []
        for index, zone in enumerate(self.availability_zones):
            public = self._subnet("public", index, zone, str(blocks[8 + index]), public_routes)
            nat = NatGateway(
                self,
                f"nat-{index}",
                subnet_id=public.id,
                allocation_id=Eip(self, f"nat-address-{index}", domain="vpc").id,
                tags={"Name": f"{config.prefix}-nat-{index}"},
                depends_on=[gateway],
            )
            private_routes = RouteTable(self, f"private-routes-{index}", vpc_id=self.vpc.id)
            Route(
                self,
                f"private-default-route-{index}",
                route_table_id=private_routes.id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nat.id,
            )
            isolated_routes = RouteTable(self, f"isolated-routes-{index}", vpc_id=self.vpc.id)
            private = self._subnet("private", index, zone, str(blocks[index]), private_routes)
            isolated = self._subnet(
                "isolated", index, zone, str(blocks[4 + index]), isolated_routes
            )
            self.public_subnets.append(public)
            self.private_subnets.append(private)
            self.isolated_subnets.append(isolated)
            route_tables += [private_routes, isolated_routes]

        self.private_cidrs = [str(blocks[i]) for i in range(config.az_count)]
        self._endpoints(config, [table.id for table in route_tables])
        self._flow_logs(config, logs, key)

    def _subnet(self, tier: str, index: int, zone: str, cidr: str, routes: RouteTable) -> Subnet:
        subnet = Subnet(
            self,
            f"{tier}-{index}",
            vpc_id=self.vpc.id,
            availability_zone=zone,
            cidr_block=cidr,
            map_public_ip_on_launch=False,
            tags={"Name": f"{tier}-{index}", "Tier": tier},
        )
        RouteTableAssociation(
            self, f"{tier}-{index}-routes", subnet_id=subnet.id, route_table_id=routes.id
        )
        return subnet

    def _endpoints(self, config: EnvironmentConfig, route_table_ids: list[str]) -> None:
        endpoints_group = SecurityGroup(
            self,
            "endpoints-security-group",
            name=f"{config.prefix}-endpoints",
            description="AWS API endpoints reachable over HTTPS from inside the VPC",
            vpc_id=self.vpc.id,
        )
        VpcSecurityGroupIngressRule(
            self,
            "endpoints-https-from-vpc",
            security_group_id=endpoints_group.id,
            description="HTTPS from the VPC",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=config.vpc_cidr,
        )
        for service in GATEWAY_ENDPOINTS:
            VpcEndpoint(
                self,
                f"{service}-endpoint",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{config.region}.{service}",
                vpc_endpoint_type="Gateway",
                route_table_ids=route_table_ids,
            )
        for service in INTERFACE_ENDPOINTS:
            VpcEndpoint(
                self,
                f"{service.replace('.', '-')}-endpoint",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{config.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=[subnet.id for subnet in self.private_subnets],
                security_group_ids=[endpoints_group.id],
            )

    def _flow_logs(self, config: EnvironmentConfig, logs: Logs, key: KmsKey) -> None:
        group = logs.group("flow-logs", f"/{config.prefix}/vpc-flow-logs", key)
        role = IamRole(
            self,
            "flow-logs-role",
            name=f"{config.prefix}-vpc-flow-logs",
            assume_role_policy=assume_role_policy(
                self, "flow-logs-trust", "vpc-flow-logs.amazonaws.com"
            ).json,
        )
        IamRolePolicy(
            self,
            "flow-logs-write",
            role=role.id,
            policy=policy_document(
                self,
                "flow-logs-policy",
                [
                    allow(
                        "WriteFlowLogs",
                        ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        [group.arn, f"{group.arn}:*"],
                    )
                ],
            ).json,
        )
        FlowLog(
            self,
            "flow-log",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
        )
