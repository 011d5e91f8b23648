"""One long-running service of the exchange on Fargate: task definition, roles, service,
auto-scaling. Every service runs the same image, whose entrypoint is `bourse`, with its own
subcommand."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.appautoscaling_policy import (
    AppautoscalingPolicy,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification,
)
from cdktf_cdktf_provider_aws.appautoscaling_target import AppautoscalingTarget
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import DataAwsIamPolicyDocumentStatement
from cdktf_cdktf_provider_aws.ecr_repository import EcrRepository
from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster
from cdktf_cdktf_provider_aws.ecs_service import (
    EcsService,
    EcsServiceDeploymentCircuitBreaker,
    EcsServiceLoadBalancer,
    EcsServiceNetworkConfiguration,
)
from cdktf_cdktf_provider_aws.ecs_task_definition import (
    EcsTaskDefinition,
    EcsTaskDefinitionRuntimePlatform,
    EcsTaskDefinitionVolume,
)
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.lb_listener import LbListener
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.subnet import Subnet
from constructs import Construct

from infrastructure.config import EnvironmentConfig, ServiceSize
from infrastructure.containers import (
    FIRST_STEP,
    collector_container,
    service_container,
    step_container,
)
from infrastructure.logs import Logs
from infrastructure.policies import allow, assume_role_policy, policy_document

XRAY_WRITE_POLICY = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
SCALING_TARGETS = {"ECSServiceAverageCPUUtilization": 60, "ECSServiceAverageMemoryUtilization": 75}


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    command: Sequence[str]
    size: ServiceSize
    security_group: SecurityGroup
    permissions: Sequence[DataAwsIamPolicyDocumentStatement]
    # Where the command answers /health/*: its public port if it has one, else its ops port.
    port: int
    # Where it serves /metrics, which the collector sidecar scrapes.
    ops_port: int
    target_group: LbTargetGroup | None = None
    # A command of the same image that runs to its end, successfully, before `command` starts
    # in each task (the engine's: `migrate`, so that a deployment brings its schema along).
    first: Sequence[str] | None = None


@dataclass(frozen=True)
class ServicePlatform:
    """What every service of the environment shares."""

    config: EnvironmentConfig
    cluster: EcsCluster
    repository: EcrRepository
    subnets: Sequence[Subnet]
    environment: Mapping[str, str]
    logs: Logs
    key: KmsKey
    # ECS refuses a target group until a listener forwards to it.
    load_balancer_listener: LbListener


class FargateService(Construct):
    def __init__(
        self, scope: Construct, id_: str, *, spec: ServiceSpec, platform: ServicePlatform
    ) -> None:
        super().__init__(scope, id_)
        config = platform.config
        family = f"{config.prefix}-{spec.name}"
        log_group = platform.logs.group(
            f"{spec.name}-logs", f"/{config.prefix}/ecs/{spec.name}", platform.key
        )
        # The collector writes the metrics there, as embedded metric format.
        metrics_group = platform.logs.group(
            f"{spec.name}-metrics", f"/{config.prefix}/metrics/{spec.name}", platform.key
        )
        execution_role = self._role(
            "execution-role",
            f"{family}-execution",
            [
                # Registry authentication cannot be scoped to a repository.
                allow("AuthenticateToRegistry", ["ecr:GetAuthorizationToken"], ["*"]),
                allow(
                    "PullServiceImage",
                    ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                    [platform.repository.arn],
                ),
                allow(
                    "WriteServiceLogs",
                    ["logs:CreateLogStream", "logs:PutLogEvents"],
                    [f"{log_group.arn}:*"],
                ),
            ],
        )
        write_metrics = allow(
            "WriteMetrics",
            ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            [f"{metrics_group.arn}:*"],
        )
        self.task_role = self._role(
            "task-role", f"{family}-task", [*spec.permissions, write_metrics]
        )
        IamRolePolicyAttachment(
            self, "task-traces", role=self.task_role.name, policy_arn=XRAY_WRITE_POLICY
        )
        image = f"{platform.repository.repository_url}:{config.image_tag}"
        self.task_definition = EcsTaskDefinition(
            self,
            "task-definition",
            family=family,
            cpu=str(spec.size.cpu),
            memory=str(spec.size.memory),
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            runtime_platform=EcsTaskDefinitionRuntimePlatform(
                operating_system_family="LINUX", cpu_architecture="X86_64"
            ),
            execution_role_arn=execution_role.arn,
            task_role_arn=self.task_role.arn,
            volume=[EcsTaskDefinitionVolume(name="tmp")],
            container_definitions=json.dumps(
                [
                    *(
                        [
                            step_container(
                                name=FIRST_STEP,
                                image=image,
                                command=spec.first,
                                environment=platform.environment,
                                region=config.region,
                                log_group=log_group.name,
                            )
                        ]
                        if spec.first is not None
                        else []
                    ),
                    service_container(
                        name=spec.name,
                        image=image,
                        command=spec.command,
                        port=spec.port,
                        load_balanced=spec.target_group is not None,
                        environment=platform.environment,
                        region=config.region,
                        log_group=log_group.name,
                        after=FIRST_STEP if spec.first is not None else None,
                    ),
                    collector_container(
                        role=spec.name,
                        ops_port=spec.ops_port,
                        region=config.region,
                        log_group=log_group.name,
                        metrics_log_group=metrics_group.name,
                    ),
                ]
            ),
        )
        self.service = EcsService(
            self,
            "service",
            name=spec.name,
            cluster=platform.cluster.id,
            task_definition=self.task_definition.arn,
            launch_type="FARGATE",
            platform_version="LATEST",
            desired_count=spec.size.min_tasks,
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            deployment_circuit_breaker=EcsServiceDeploymentCircuitBreaker(
                enable=True, rollback=True
            ),
            availability_zone_rebalancing="ENABLED",
            network_configuration=EcsServiceNetworkConfiguration(
                subnets=[subnet.id for subnet in platform.subnets],
                security_groups=[spec.security_group.id],
                assign_public_ip=False,
            ),
            load_balancer=[
                EcsServiceLoadBalancer(
                    target_group_arn=spec.target_group.arn,
                    container_name=spec.name,
                    container_port=spec.port,
                )
            ]
            if spec.target_group is not None
            else None,
            health_check_grace_period_seconds=60 if spec.target_group is not None else None,
            enable_ecs_managed_tags=True,
            propagate_tags="SERVICE",
            # Auto-scaling owns the task count once the service exists.
            lifecycle=TerraformResourceLifecycle(ignore_changes=["desired_count"]),
            depends_on=[platform.load_balancer_listener] if spec.target_group is not None else None,
        )
        self._autoscaling(spec, platform)

    def _role(
        self, id_: str, name: str, statements: Sequence[DataAwsIamPolicyDocumentStatement]
    ) -> IamRole:
        role = IamRole(
            self,
            id_,
            name=name,
            assume_role_policy=assume_role_policy(
                self, f"{id_}-trust", "ecs-tasks.amazonaws.com"
            ).json,
        )
        IamRolePolicy(
            self,
            f"{id_}-policy",
            role=role.id,
            policy=policy_document(self, f"{id_}-policy-document", statements).json,
        )
        return role

    def _autoscaling(self, spec: ServiceSpec, platform: ServicePlatform) -> None:
        target = AppautoscalingTarget(
            self,
            "scaling-target",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=f"service/{platform.cluster.name}/{self.service.name}",
            min_capacity=spec.size.min_tasks,
            max_capacity=spec.size.max_tasks,
        )
        for metric, target_value in SCALING_TARGETS.items():
            AppautoscalingPolicy(
                self,
                f"scale-on-{metric}",
                name=f"{platform.config.prefix}-{spec.name}-{metric}",
                policy_type="TargetTrackingScaling",
                service_namespace=target.service_namespace,
                scalable_dimension=target.scalable_dimension,
                resource_id=target.resource_id,
                target_tracking_scaling_policy_configuration=AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration(
                    target_value=target_value,
                    predefined_metric_specification=AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification(
                        predefined_metric_type=metric
                    ),
                    scale_in_cooldown=300,
                    scale_out_cooldown=60,
                ),
            )
