"""The CloudWatch dashboard: the signals the alarms watch, side by side."""

from __future__ import annotations

from typing import Any

from infrastructure.compute import Compute
from infrastructure.config import EnvironmentConfig
from infrastructure.data import DataStores

MINUTE = 60


def dashboard_body(
    config: EnvironmentConfig,
    data: DataStores,
    compute: Compute,
    load_balancer: dict[str, str],
) -> dict[str, Any]:
    alb = load_balancer["LoadBalancer"]
    cluster = compute.cluster.name

    def widget(title: str, metrics: list[list[Any]], stat: str = "Average") -> dict[str, Any]:
        return {
            "type": "metric",
            "width": 12,
            "height": 6,
            "properties": {
                "title": title,
                "region": config.region,
                "stat": stat,
                "period": MINUTE,
                "metrics": metrics,
            },
        }

    return {
        "widgets": [
            widget(
                "ALB latency (p99, seconds)",
                [["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", alb]],
                "p99",
            ),
            widget(
                "Requests and 5xx",
                [
                    ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", alb],
                    ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", alb],
                ],
                "Sum",
            ),
            widget(
                "ECS CPU (%)",
                [
                    ["AWS/ECS", "CPUUtilization", "ClusterName", cluster, "ServiceName", name]
                    for name in compute.services
                ],
            ),
            widget(
                "Aurora replica lag (ms)",
                [
                    [
                        "AWS/RDS",
                        "AuroraReplicaLagMaximum",
                        "DBClusterIdentifier",
                        data.database.cluster.cluster_identifier,
                    ]
                ],
                "Maximum",
            ),
            widget(
                "Redis memory (%)",
                [
                    ["AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "CacheClusterId", node]
                    for node in data.cache.node_ids
                ],
            ),
            widget(
                "Kinesis iterator age (ms)",
                [
                    ["AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", "StreamName", s.name]
                    for s in (data.trade_stream, data.order_stream)
                ],
                "Maximum",
            ),
        ]
    }
