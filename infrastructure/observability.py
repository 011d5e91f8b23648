"""Alarms on the design's service levels, paging through one encrypted SNS topic, and a
dashboard of the same signals."""

from __future__ import annotations

import json
from collections.abc import Mapping

from cdktf_cdktf_provider_aws.cloudwatch_dashboard import CloudwatchDashboard
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import (
    CloudwatchMetricAlarm,
    CloudwatchMetricAlarmMetricQuery,
    CloudwatchMetricAlarmMetricQueryMetric,
)
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from infrastructure.compute import Compute
from infrastructure.config import EnvironmentConfig
from infrastructure.containers import METRICS_NAMESPACE
from infrastructure.dashboard import MINUTE, dashboard_body
from infrastructure.data import DataStores
from infrastructure.edge import Edge


class Observability(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: EnvironmentConfig,
        data: DataStores,
        compute: Compute,
        edge: Edge,
    ) -> None:
        super().__init__(scope, id_)
        self._prefix = config.prefix
        self.topic = SnsTopic(
            self, "alerts", name=f"{config.prefix}-alerts", kms_master_key_id=data.key.arn
        )
        if config.alarm_email is not None:
            SnsTopicSubscription(
                self,
                "alerts-email",
                topic_arn=self.topic.arn,
                protocol="email",
                endpoint=config.alarm_email,
            )
        thresholds = config.alarms
        load_balancer = {"LoadBalancer": edge.load_balancer.alb.arn_suffix}
        self._alarm(
            "alb-p99-latency",
            "AWS/ApplicationELB",
            "TargetResponseTime",
            load_balancer,
            thresholds.alb_p99_latency_seconds,
            extended_statistic="p99",
        )
        self._http_5xx_rate(load_balancer, thresholds.http_5xx_percent)
        self._application_alarms()
        for name, service in compute.services.items():
            self._alarm(
                f"{name}-cpu",
                "AWS/ECS",
                "CPUUtilization",
                {"ClusterName": compute.cluster.name, "ServiceName": service.service.name},
                thresholds.ecs_cpu_percent,
                statistic="Average",
                periods=5,
            )
        self._alarm(
            "aurora-replica-lag",
            "AWS/RDS",
            "AuroraReplicaLagMaximum",
            {"DBClusterIdentifier": data.database.cluster.cluster_identifier},
            thresholds.aurora_replica_lag_ms,
        )
        for node in data.cache.node_ids:
            self._alarm(
                f"redis-memory-{node.rsplit('-', 1)[1]}",
                "AWS/ElastiCache",
                "DatabaseMemoryUsagePercentage",
                {"CacheClusterId": node},
                thresholds.redis_memory_percent,
            )
        for name, stream in (("trades", data.trade_stream), ("orders", data.order_stream)):
            self._alarm(
                f"{name}-stream-iterator-age",
                "AWS/Kinesis",
                "GetRecords.IteratorAgeMilliseconds",
                {"StreamName": stream.name},
                thresholds.kinesis_iterator_age_ms,
            )
        for name, function in compute.stream_functions.items():
            dimensions = {"FunctionName": function.function.function_name}
            self._alarm(
                f"{name}-iterator-age",
                "AWS/Lambda",
                "IteratorAge",
                dimensions,
                thresholds.kinesis_iterator_age_ms,
            )
            self._alarm(f"{name}-errors", "AWS/Lambda", "Errors", dimensions, 0, statistic="Sum")
        tables = {
            "trades": data.trades_table,
            "candles": data.candles_table,
            "book-snapshots": data.book_snapshots_table,
            "tickers": data.tickers_table,
        }
        for name, table in tables.items():
            self._dynamodb_throttles(name, table.name, thresholds.dynamodb_throttled_requests)
        CloudwatchDashboard(
            self,
            "dashboard",
            dashboard_name=config.prefix,
            dashboard_body=json.dumps(dashboard_body(config, data, compute, load_balancer)),
        )

    def _alarm(
        self,
        name: str,
        namespace: str,
        metric: str,
        dimensions: Mapping[str, str],
        threshold: float,
        *,
        statistic: str = "Maximum",
        extended_statistic: str | None = None,
        periods: int = 3,
    ) -> CloudwatchMetricAlarm:
        return CloudwatchMetricAlarm(
            self,
            name,
            alarm_name=f"{self._prefix}-{name}",
            namespace=namespace,
            metric_name=metric,
            dimensions=dict(dimensions),
            statistic=None if extended_statistic else statistic,
            extended_statistic=extended_statistic,
            period=MINUTE,
            evaluation_periods=periods,
            datapoints_to_alarm=periods,
            threshold=threshold,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
        )

    def _expression_alarm(
        self,
        name: str,
        expression: str,
        metrics: Mapping[str, tuple[str, str, dict[str, str]]],
        threshold: float,
    ) -> None:
        queries = [
            CloudwatchMetricAlarmMetricQuery(
                id=query_id,
                return_data=False,
                metric=CloudwatchMetricAlarmMetricQueryMetric(
                    namespace=namespace,
                    metric_name=metric,
                    dimensions=dimensions,
                    stat="Sum",
                    period=MINUTE,
                ),
            )
            for query_id, (namespace, metric, dimensions) in metrics.items()
        ]
        queries.append(
            CloudwatchMetricAlarmMetricQuery(
                id="result", expression=expression, label=name, return_data=True
            )
        )
        CloudwatchMetricAlarm(
            self,
            name,
            alarm_name=f"{self._prefix}-{name}",
            metric_query=queries,
            evaluation_periods=3,
            datapoints_to_alarm=3,
            threshold=threshold,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
        )

    def _application_alarms(self) -> None:
        """On the processes' own metrics, which their collector sidecars put in CloudWatch
        (`infrastructure.containers`): a bug answered 500, orders whose fate is unknown (-1007),
        and a paused engine's commit refused after another took its market over."""
        for name, metric, role, extra, periods in (
            ("api-unexpected-errors", "bourse_http_requests_total", "api", {"status": "500"}, 1),
            ("order-timeouts", "bourse_bus_timeouts_total", "api", {}, 3),
            ("engine-fencing-refusals", "bourse_engine_fencing_refusals_total", "engine", {}, 1),
        ):
            self._alarm(
                name,
                METRICS_NAMESPACE,
                metric,
                {"role": role, **extra},
                0,
                statistic="Sum",
                periods=periods,
            )

    def _http_5xx_rate(self, load_balancer: dict[str, str], percent: float) -> None:
        namespace = "AWS/ApplicationELB"
        self._expression_alarm(
            "http-5xx-rate",
            "100 * (FILL(targets, 0) + FILL(balancer, 0)) / requests",
            {
                "targets": (namespace, "HTTPCode_Target_5XX_Count", load_balancer),
                "balancer": (namespace, "HTTPCode_ELB_5XX_Count", load_balancer),
                "requests": (namespace, "RequestCount", load_balancer),
            },
            percent,
        )

    def _dynamodb_throttles(self, name: str, table: str, threshold: float) -> None:
        dimensions = {"TableName": table}
        self._expression_alarm(
            f"{name}-table-throttles",
            "FILL(reads, 0) + FILL(writes, 0)",
            {
                "reads": ("AWS/DynamoDB", "ReadThrottleEvents", dimensions),
                "writes": ("AWS/DynamoDB", "WriteThrottleEvents", dimensions),
            },
            threshold,
        )
