"""The containers of a service task: the service itself and its X-Ray daemon sidecar."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# Every role of `bourse` answers both on the port it listens on. Live means the process answers:
# the container's own check restarts a task only for that, not for a store that is away.
LIVENESS_PATH = "/health/live"
# Ready means its stores answer too: the load balancer sends requests only to such a task.
READINESS_PATH = "/health/ready"
XRAY_DAEMON_IMAGE = "public.ecr.aws/xray/aws-xray-daemon:3.3.14"


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
) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": name,
        "image": image,
        "essential": True,
        "command": list(command),
        "environment": [
            {"name": variable, "value": value}
            for variable, value in sorted(
                {**environment, "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000"}.items()
            )
        ],
        "readonlyRootFilesystem": True,
        "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp"}],
        "linuxParameters": {"initProcessEnabled": True},
        "logConfiguration": _log_configuration(region, log_group, name),
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
    return container


def _probe(port: int) -> str:
    """Python, not curl: the slim image has no curl; urlopen raises on an error status."""
    return (
        "import urllib.request; "
        f"urllib.request.urlopen('http://127.0.0.1:{port}{LIVENESS_PATH}', timeout=2)"
    )


def xray_container(region: str, log_group: str) -> dict[str, Any]:
    return {
        "name": "xray-daemon",
        "image": XRAY_DAEMON_IMAGE,
        "essential": False,
        "cpu": 32,
        "memoryReservation": 64,
        "portMappings": [{"containerPort": 2000, "protocol": "udp"}],
        "readonlyRootFilesystem": True,
        "logConfiguration": _log_configuration(region, log_group, "xray"),
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
