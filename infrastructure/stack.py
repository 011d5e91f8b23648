"""The whole environment of the system design as one Terraform stack."""

from __future__ import annotations

from pathlib import Path

from cdktf import TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from constructs import Construct

from infrastructure.compute import Compute
from infrastructure.config import EnvironmentConfig
from infrastructure.data import DataStores
from infrastructure.edge import Edge
from infrastructure.encryption import Encryption
from infrastructure.logs import Logs
from infrastructure.network import Network
from infrastructure.observability import Observability
from infrastructure.security_groups import SecurityGroups
from infrastructure.settings import runtime_settings


class BourseStack(TerraformStack):
    def __init__(
        self, scope: Construct, id_: str, *, config: EnvironmentConfig, lambda_source: Path
    ) -> None:
        super().__init__(scope, id_)
        tags = AwsProviderDefaultTags(
            tags={"Project": "bourse", "Environment": config.name, "ManagedBy": "cdktf"}
        )
        AwsProvider(self, "aws", region=config.region, default_tags=[tags])
        # CloudFront's certificate and firewall live only in us-east-1.
        edge_provider = AwsProvider(
            self, "aws-us-east-1", alias="us_east_1", region="us-east-1", default_tags=[tags]
        )
        account_id = DataAwsCallerIdentity(self, "account").account_id
        encryption = Encryption(
            self, "encryption", config=config, account_id=account_id, edge_provider=edge_provider
        )
        logs = Logs(self, "logs", config=config, account_id=account_id)
        network = Network(self, "network", config=config, logs=logs, key=encryption.data_key)
        security_groups = SecurityGroups(self, "security-groups", config=config, network=network)
        self.data = DataStores(
            self,
            "data",
            config=config,
            network=network,
            security_groups=security_groups,
            key=encryption.data_key,
            logs=logs,
            account_id=account_id,
        )
        self.edge = Edge(
            self,
            "edge",
            config=config,
            network=network,
            security_groups=security_groups,
            encryption=encryption,
            logs=logs,
            account_id=account_id,
            edge_provider=edge_provider,
        )
        self.compute = Compute(
            self,
            "compute",
            config=config,
            network=network,
            security_groups=security_groups,
            data=self.data,
            logs=logs,
            load_balancer=self.edge.load_balancer,
            lambda_source=lambda_source,
        )
        Observability(
            self,
            "observability",
            config=config,
            data=self.data,
            compute=self.compute,
            edge=self.edge,
        )
        self._outputs(config)

    def _outputs(self, config: EnvironmentConfig) -> None:
        for name, value in runtime_settings(config, self.data).items():
            TerraformOutput(self, name, value=value)
        edge = self.edge
        urls = {
            "API_URL": f"https://{edge.api_gateway.domain_name}",
            "WEBSOCKET_URL": f"wss://{edge.websocket_domain_name}",
            "STATIC_ASSETS_URL": f"https://{edge.static_assets.domain_name}",
            "LOAD_BALANCER_DNS_NAME": edge.load_balancer.alb.dns_name,
            "API_GATEWAY_ENDPOINT": edge.api_gateway.api.api_endpoint,
            "COGNITO_USER_POOL_ID": edge.api_gateway.user_pool.id,
            "COGNITO_CLIENT_ID": edge.api_gateway.user_pool_client.id,
            "ECR_REPOSITORY_URL": self.compute.repository.repository_url,
            "ECS_CLUSTER": self.compute.cluster.name,
            "STATIC_ASSETS_BUCKET": edge.static_assets.bucket.bucket,
        }
        for name, value in urls.items():
            TerraformOutput(self, name, value=value)
