"""The exchange's processes: the four Fargate services and the Lambda functions on the trade
stream."""

from __future__ import annotations

from pathlib import Path

from cdktf import AssetType, TerraformAsset
from cdktf_cdktf_provider_aws.ecr_lifecycle_policy import EcrLifecyclePolicy
from cdktf_cdktf_provider_aws.ecr_repository import (
    EcrRepository,
    EcrRepositoryEncryptionConfiguration,
    EcrRepositoryImageScanningConfiguration,
)
from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster, EcsClusterSetting
from constructs import Construct

from infrastructure.config import EnvironmentConfig
from infrastructure.data import DataStores
from infrastructure.fargate_service import FargateService, ServicePlatform, ServiceSpec
from infrastructure.load_balancer import LoadBalancer
from infrastructure.logs import Logs
from infrastructure.network import Network
from infrastructure.permissions import read_secret, use_key, write_stream
from infrastructure.security_groups import API_PORT, WEBSOCKET_PORT, SecurityGroups
from infrastructure.settings import runtime_settings
from infrastructure.stream_functions import FunctionSpec, StreamFunction

KEEP_IMAGES = 30
# Where each role serves /metrics (and, for the engine and market data processes, their health
# checks), inside the task only.
ENGINE_OPS_PORT = 9100
MARKETDATA_OPS_PORT = 9101
SERVE_OPS_PORT = 9110


class Compute(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: EnvironmentConfig,
        network: Network,
        security_groups: SecurityGroups,
        data: DataStores,
        logs: Logs,
        load_balancer: LoadBalancer,
        lambda_source: Path,
    ) -> None:
        super().__init__(scope, id_)
        self.repository = EcrRepository(
            self,
            "repository",
            name=config.prefix,
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=EcrRepositoryImageScanningConfiguration(scan_on_push=True),
            encryption_configuration=[
                EcrRepositoryEncryptionConfiguration(encryption_type="KMS", kms_key=data.key.arn)
            ],
        )
        EcrLifecyclePolicy(
            self,
            "repository-lifecycle",
            repository=self.repository.name,
            policy=(
                '{"rules":[{"rulePriority":1,"description":"keep the last images",'
                '"selection":{"tagStatus":"any","countType":"imageCountMoreThan",'
                f'"countNumber":{KEEP_IMAGES}}},"action":{{"type":"expire"}}}}]}}'
            ),
        )
        self.cluster = EcsCluster(
            self,
            "cluster",
            name=config.prefix,
            setting=[EcsClusterSetting(name="containerInsights", value="enhanced")],
        )
        platform = ServicePlatform(
            config=config,
            cluster=self.cluster,
            repository=self.repository,
            subnets=network.private_subnets,
            environment=runtime_settings(config, data),
            logs=logs,
            key=data.key,
            load_balancer_listener=load_balancer.listener,
        )
        sizes = config.services
        # Every role keeps its state in Aurora and meets the others in Redis (command streams,
        # fan-out, snapshots, sessions), and reads the secrets the processes share. The key
        # decrypts the secrets and encrypts the streams.
        shared = data.service_secrets
        stores = [
            read_secret("database", data.database.secret_arn),
            read_secret("cache", data.cache.auth_secret.arn),
            read_secret("secret_key", shared.secret_key.arn),
            read_secret("jwt_secret", shared.jwt_secret.arn),
            read_secret("admin_token", shared.admin_token.arn),
            use_key(data.key),
        ]
        specs = [
            ServiceSpec(
                name="api",
                command=_serve("api", API_PORT),
                size=sizes.api,
                security_group=security_groups.api,
                port=API_PORT,
                ops_port=SERVE_OPS_PORT,
                target_group=load_balancer.api_target_group,
                permissions=stores,
            ),
            ServiceSpec(
                name="websocket",
                command=_serve("websocket", WEBSOCKET_PORT),
                size=sizes.websocket,
                security_group=security_groups.websocket,
                port=WEBSOCKET_PORT,
                ops_port=SERVE_OPS_PORT,
                target_group=load_balancer.websocket_target_group,
                permissions=stores,
            ),
            ServiceSpec(
                name="engine",
                command=_operate("engine", ENGINE_OPS_PORT),
                # Each engine task brings the schema to the image's latest migration first (the
                # tasks of one deployment take turns: `bourse migrate` locks).
                first=["migrate", "--adapters", "aws"],
                size=sizes.engine,
                security_group=security_groups.engine,
                port=ENGINE_OPS_PORT,
                ops_port=ENGINE_OPS_PORT,
                permissions=stores,
            ),
            ServiceSpec(
                name="marketdata",
                command=_operate("marketdata", MARKETDATA_OPS_PORT),
                size=sizes.marketdata,
                security_group=security_groups.marketdata,
                port=MARKETDATA_OPS_PORT,
                ops_port=MARKETDATA_OPS_PORT,
                # It relays committed events from the outbox to the streams (`aws` mode): trades
                # and book changes to the trade stream, orders and balances to the order stream.
                permissions=[
                    *stores,
                    write_stream("trade_stream", data.trade_stream),
                    write_stream("order_stream", data.order_stream),
                ],
            ),
        ]
        self.services = {
            spec.name: FargateService(self, spec.name, spec=spec, platform=platform)
            for spec in specs
        }
        package = TerraformAsset(
            self, "lambda-package", path=str(lambda_source), type=AssetType.ARCHIVE
        )
        functions = [
            FunctionSpec(
                "trade-archiver",
                "entrypoints.lambdas.trade_archiver.handler",
                "trades",
                data.trades_table,
                security_groups.trade_archiver,
                archives_days=True,
            ),
            FunctionSpec(
                "candle-builder",
                "entrypoints.lambdas.candle_builder.handler",
                "candles",
                data.candles_table,
                security_groups.candle_builder,
            ),
        ]
        self.stream_functions = {
            spec.name: StreamFunction(
                self,
                spec.name,
                spec=spec,
                config=config,
                package=package,
                network=network,
                data=data,
                logs=logs,
            )
            for spec in functions
        }


def _serve(role: str, port: int) -> list[str]:
    """A role with a public API, reached by the load balancer on `port`; its metrics on the ops
    port, inside the task only."""
    return ["serve", "--role", role, "--host", "0.0.0.0", "--port", str(port), "--adapters", "aws",
            "--ops-host", "127.0.0.1", "--ops-port", str(SERVE_OPS_PORT)]  # fmt: skip


def _operate(role: str, ops_port: int) -> list[str]:
    """A role without a public API: only the task's own health check calls its ops port."""
    return [role, "--ops-host", "127.0.0.1", "--ops-port", str(ops_port), "--adapters", "aws"]
