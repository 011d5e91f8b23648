"""The containers of a service task: the service itself and its telemetry collector sidecar
(the AWS Distro for OpenTelemetry): it takes the service's traces over OTLP and sends them to
X-Ray, and scrapes its Prometheus metrics from the ops port into CloudWatch as embedded metric
format (namespace `Bourse`), where the alarms of `infrastructure.observability` watch them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

# Every role of `bourse` answers both on the port it listens on. Live means the process answers:
# the container's own check restarts a task only for that, not for a store that is away.
LIVENESS_PATH = "/health/live"
# Ready means its stores answer too: the load balancer sends requests only to such a task.
READINESS_PATH = "/health/ready"
COLLECTOR_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0"
OTLP_ENDPOINT = "http://127.0.0.1:4318"  # the collector's OTLP/HTTP receiver, in the task
METRICS_NAMESPACE = "Bourse"
# The CloudWatch metrics made of the Prometheus ones, with the labels they keep as dimensions:
# every set with the role, so that each alarm can name a metric of one role summed over the rest.
METRIC_DIMENSIONS = {
    "bourse_http_requests_total": [["role"], ["role", "status"]],
    "bourse_order_commands_total": [["role", "outcome"]],
    "bourse_bus_timeouts_total": [["role"]],
    "bourse_engine_fencing_refusals_total": [["role"]],
    "bourse_engine_takeovers_total": [["role"], ["role", "symbol"]],
    "bourse_store_errors_total": [["role", "store"]],
    "bourse_stream_slow_consumers_total": [["role"]],
    "bourse_rate_limited_total": [["role"]],
    "bourse_outbox_backlog": [["role"]],
    "bourse_outbox_behind_seconds": [["role"]],
    "bourse_engine_queue_depth": [["role", "symbol"]],
}


FIRST_STEP = "first-step"  # the container of a service's `first` command


def step_container(
    *,
    name: str,
    image: str,
    command: Sequence[str],
    environment: Mapping[str, str],
    region: str,
    log_group: str,
) -> dict[str, Any]:
    """A command that runs to its end before the service's container starts (which waits for
    its success: see `service_container`'s `after`)."""
    return {**_bourse(name, image, command, environment, region, log_group), "essential": False}


def service_container(
    *,
    name: str,
    image: str,
    command: Sequence[str],
    port: int,
    load_balanced: bool,
    environment: Mapping[str, str],
    region: str,
    log_group: str,
    after: str | None = None,
) -> dict[str, Any]:
    container: dict[str, Any] = {
        **_bourse(name, image, command, environment, region, log_group),
        "essential": True,
        "healthCheck": {
            "command": ["CMD", "python", "-c", _probe(port)],
            "interval": 15,
            "timeout": 5,
            "retries": 3,
            "startPeriod": 30,
        },
    }
    # The check runs inside the task, so only a port the load balancer reaches is published.
    if load_balanced:
        container["portMappings"] = [{"containerPort": port, "protocol": "tcp"}]
    if after is not None:
        container["dependsOn"] = [{"containerName": after, "condition": "SUCCESS"}]
    return container


def _bourse(
    name: str,
    image: str,
    command: Sequence[str],
    environment: Mapping[str, str],
    region: str,
    log_group: str,
) -> dict[str, Any]:
    """A container running `bourse <command>` with the deployment's settings."""
    return {
        "name": name,
        "image": image,
        "command": list(command),
        "environment": [
            {"name": variable, "value": value}
            for variable, value in sorted(
                {**environment, "OTEL_EXPORTER_OTLP_ENDPOINT": OTLP_ENDPOINT}.items()
            )
        ],
        "readonlyRootFilesystem": True,
        "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp"}],
        "linuxParameters": {"initProcessEnabled": True},
        "logConfiguration": _log_configuration(region, log_group, name),
    }


def _probe(port: int) -> str:
    """Python, not curl: the slim image has no curl; urlopen raises on an error status."""
    return (
        "import urllib.request; "
        f"urllib.request.urlopen('http://127.0.0.1:{port}{LIVENESS_PATH}', timeout=2)"
    )


def collector_container(
    *, role: str, ops_port: int, region: str, log_group: str, metrics_log_group: str
) -> dict[str, Any]:
    return {
        "name": "otel-collector",
        "image": COLLECTOR_IMAGE,
        "essential": False,
        "cpu": 64,
        "memoryReservation": 128,
        "environment": [
            {
                "name": "AOT_CONFIG_CONTENT",
                "value": json.dumps(
                    collector_configuration(role, ops_port, region, metrics_log_group)
                ),
            }
        ],
        "logConfiguration": _log_configuration(region, log_group, "otel"),
    }


def collector_configuration(
    role: str, ops_port: int, region: str, metrics_log_group: str
) -> dict[str, Any]:
    """The collector's configuration (YAML, of which JSON is a subset)."""
    scrape = {
        "job_name": "bourse",
        "scrape_interval": "15s",
        "static_configs": [{"targets": [f"127.0.0.1:{ops_port}"], "labels": {"role": role}}],
    }
    return {
        "receivers": {
            "otlp": {"protocols": {"http": {"endpoint": "127.0.0.1:4318"}}},
            "prometheus": {"config": {"scrape_configs": [scrape]}},
        },
        "processors": {"batch": {}},
        "exporters": {
            "awsxray": {"region": region},
            "awsemf": {
                "region": region,
                "namespace": METRICS_NAMESPACE,
                "log_group_name": metrics_log_group,
                "dimension_rollup_option": "NoDimensionRollup",
                "metric_declarations": [
                    {"dimensions": dimensions, "metric_name_selectors": [f"^{name}$"]}
                    for name, dimensions in METRIC_DIMENSIONS.items()
                ],
            },
        },
        "service": {
            "pipelines": {
                "traces": {
                    "receivers": ["otlp"],
                    "processors": ["batch"],
                    "exporters": ["awsxray"],
                },
                "metrics": {
                    "receivers": ["prometheus"],
                    "processors": ["batch"],
                    "exporters": ["awsemf"],
                },
            }
        },
    }


def _log_configuration(region: str, log_group: str, prefix: str) -> dict[str, Any]:
    return {
        "logDriver": "awslogs",
        "options": {
            "awslogs-group": log_group,
            "awslogs-region": region,
            "awslogs-stream-prefix": prefix,
        },
    }
