"""Alarms on every service level of the design, all paging the same encrypted topic."""

from __future__ import annotations

from typing import Any

import pytest

from tests.infrastructure.terraform import Terraform


def alarms(terraform: Terraform) -> dict[str, dict[str, Any]]:
    return {
        alarm["alarm_name"].removeprefix("bourse-production-"): alarm
        for alarm in terraform.resources("aws_cloudwatch_metric_alarm").values()
    }


def test_p99_latency_over_100_ms_at_the_load_balancer_alarms(terraform: Terraform) -> None:
    alarm = alarms(terraform)["alb-p99-latency"]

    assert (alarm["metric_name"], alarm["extended_statistic"]) == ("TargetResponseTime", "p99")
    assert alarm["threshold"] == 0.1


def test_a_5xx_rate_over_one_percent_alarms(terraform: Terraform) -> None:
    alarm = alarms(terraform)["http-5xx-rate"]
    queries = {query["id"]: query for query in alarm["metric_query"]}

    assert alarm["threshold"] == 1
    assert queries["result"]["expression"].startswith("100 * ")
    assert queries["targets"]["metric"]["metric_name"] == "HTTPCode_Target_5XX_Count"


@pytest.mark.parametrize(
    ("name", "metric", "threshold"),
    [
        ("api-cpu", "CPUUtilization", 80),
        ("websocket-cpu", "CPUUtilization", 80),
        ("engine-cpu", "CPUUtilization", 80),
        ("marketdata-cpu", "CPUUtilization", 80),
        ("aurora-replica-lag", "AuroraReplicaLagMaximum", 100),
        ("redis-memory-001", "DatabaseMemoryUsagePercentage", 80),
        ("redis-memory-002", "DatabaseMemoryUsagePercentage", 80),
        ("redis-memory-003", "DatabaseMemoryUsagePercentage", 80),
        ("trades-stream-iterator-age", "GetRecords.IteratorAgeMilliseconds", 60_000),
        ("orders-stream-iterator-age", "GetRecords.IteratorAgeMilliseconds", 60_000),
        ("trade-archiver-iterator-age", "IteratorAge", 60_000),
        ("candle-builder-iterator-age", "IteratorAge", 60_000),
    ],
)
def test_each_service_level_has_its_alarm(
    terraform: Terraform, name: str, metric: str, threshold: float
) -> None:
    alarm = alarms(terraform)[name]

    assert alarm["metric_name"] == metric
    assert alarm["threshold"] == threshold


@pytest.mark.parametrize("table", ["trades", "candles", "book-snapshots"])
def test_any_dynamodb_throttle_alarms(terraform: Terraform, table: str) -> None:
    alarm = alarms(terraform)[f"{table}-table-throttles"]
    metrics = {q["metric"]["metric_name"] for q in alarm["metric_query"] if "metric" in q}

    assert metrics == {"ReadThrottleEvents", "WriteThrottleEvents"}
    assert alarm["threshold"] == 0


def test_every_alarm_notifies_the_alerts_topic(terraform: Terraform) -> None:
    (topic_id,) = terraform.resources("aws_sns_topic")

    for alarm in alarms(terraform).values():
        assert alarm["alarm_actions"] == [f"${{aws_sns_topic.{topic_id}.arn}}"]


def test_a_dashboard_shows_the_same_signals(terraform: Terraform) -> None:
    (dashboard,) = terraform.resources("aws_cloudwatch_dashboard").values()

    for metric in ("TargetResponseTime", "CPUUtilization", "AuroraReplicaLagMaximum"):
        assert metric in dashboard["dashboard_body"]


def test_every_log_group_has_a_retention(terraform: Terraform) -> None:
    groups = terraform.resources("aws_cloudwatch_log_group").values()

    assert all(group["retention_in_days"] == 365 for group in groups)
