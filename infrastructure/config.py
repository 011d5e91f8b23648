"""The typed configuration of one deployed environment of the exchange."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ServiceSize:
    """Fargate task size and the bounds auto-scaling may move the task count within."""

    cpu: int
    memory: int
    min_tasks: int
    max_tasks: int


@dataclass(frozen=True)
class ServiceSizes:
    api: ServiceSize = ServiceSize(cpu=1024, memory=2048, min_tasks=3, max_tasks=12)
    websocket: ServiceSize = ServiceSize(cpu=512, memory=1024, min_tasks=3, max_tasks=9)
    engine: ServiceSize = ServiceSize(cpu=2048, memory=4096, min_tasks=3, max_tasks=6)
    marketdata: ServiceSize = ServiceSize(cpu=512, memory=1024, min_tasks=2, max_tasks=4)


@dataclass(frozen=True)
class AlarmThresholds:
    """Where the design's service levels turn into pages."""

    alb_p99_latency_seconds: float = 0.1
    http_5xx_percent: float = 1.0
    ecs_cpu_percent: float = 80.0
    aurora_replica_lag_ms: float = 100.0
    redis_memory_percent: float = 80.0
    kinesis_iterator_age_ms: float = 60_000.0
    dynamodb_throttled_requests: float = 0.0


@dataclass(frozen=True)
class EnvironmentConfig:
    """Everything that differs between two deployments of the same system design."""

    name: str = "production"
    region: str = "eu-west-1"
    az_count: int = 3
    zone_letters: str = "abc"
    vpc_cidr: str = "10.40.0.0/16"
    domain_name: str = "bourse.example.com"
    hosted_zone_id: str = "Z0000000000000000000"
    alarm_email: str | None = None
    image_tag: str = "0.1.0"
    aurora_engine_version: str = "16.6"
    aurora_instance_class: str = "db.r6g.large"
    aurora_readers: int = 2
    aurora_backup_retention_days: int = 14
    backup_retention_days: int = 35
    redis_node_type: str = "cache.r6g.large"
    redis_replicas: int = 2
    kinesis_shards: int = 2
    kinesis_retention_hours: int = 168
    log_retention_days: int = 365
    api_rate_limit_rps: int = 500
    api_burst_limit: int = 1000
    waf_requests_per_ip_per_5_minutes: int = 3000
    # Jurisdictions under comprehensive sanctions, which an exchange may not serve.
    blocked_countries: tuple[str, ...] = ("CU", "IR", "KP", "SY")
    services: ServiceSizes = field(default_factory=ServiceSizes)
    alarms: AlarmThresholds = field(default_factory=AlarmThresholds)

    def __post_init__(self) -> None:
        if not 2 <= self.az_count <= len(self.zone_letters):
            raise ValueError(f"az_count {self.az_count} needs as many zone_letters")
        if self.aurora_readers >= self.az_count or self.redis_replicas >= self.az_count:
            raise ValueError("each database replica needs an availability zone of its own")

    @property
    def prefix(self) -> str:
        return f"bourse-{self.name}"

    @property
    def availability_zones(self) -> list[str]:
        """Named, not looked up, so a zone AWS adds later never moves a subnet."""
        return [f"{self.region}{letter}" for letter in self.zone_letters[: self.az_count]]

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> EnvironmentConfig:
        """Reads the deployment-specific settings an operator must choose (docs/deploy.md)."""
        defaults = cls()
        return cls(
            name=environ.get("BOURSE_ENVIRONMENT", defaults.name),
            region=environ.get("BOURSE_DEPLOY_REGION", defaults.region),
            domain_name=environ.get("BOURSE_DOMAIN_NAME", defaults.domain_name),
            hosted_zone_id=environ.get("BOURSE_HOSTED_ZONE_ID", defaults.hosted_zone_id),
            alarm_email=environ.get("BOURSE_ALARM_EMAIL") or None,
            image_tag=environ.get("BOURSE_IMAGE_TAG", defaults.image_tag),
        )
