"""The containers of a service task: the service itself and its X-Ray daemon sidecar."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

HEALTH_CHECK_PATH = "/api/v3/ping"
XRAY_DAEMON_IMAGE = "public.ecr.aws/xray/aws-xray-daemon:3.3.14"


def service_container(
    *,
    name: str,
    image: str,
    command: Sequence[str],
    port: int | None,
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
    }
    if port is not None:
        container["portMappings"] = [{"containerPort": port, "protocol": "tcp"}]
        probe = (
            "import urllib.request; "
            f"urllib.request.urlopen('http://127.0.0.1:{port}{HEALTH_CHECK_PATH}', timeout=2)"
        )
        container["healthCheck"] = {
            "command": ["CMD", "python", "-c", probe],
            "interval": 15,
            "timeout": 5,
            "retries": 3,
            "startPeriod": 30,
        }
    return container


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
