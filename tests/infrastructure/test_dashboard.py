"""The Grafana dashboard and its Prometheus scrape configuration read only what the roles
serve: every metric a panel queries is one the process defines, and every port scraped is an
ops port of the Procfile."""

import json
import re
from pathlib import Path

from prometheus_client import REGISTRY

import application.metrics  # noqa: F401  (defines the metrics in the registry)

ROOT = Path(__file__).resolve().parents[2]
GRAFANA = ROOT / "infrastructure" / "grafana"


SUFFIXES = {"counter": ("_total",), "gauge": ("",), "histogram": ("_bucket", "_count", "_sum")}


def served_names() -> set[str]:
    """The series names the process's metrics expose, labelled ones included before their
    first sample."""
    return {
        family.name + suffix
        for family in REGISTRY.collect()
        if family.name.startswith("bourse_")
        for suffix in SUFFIXES[family.type]
    }


def test_every_panel_queries_metrics_the_roles_serve() -> None:
    dashboard = json.loads((GRAFANA / "bourse.json").read_text())
    queried = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\bbourse_[a-z_]+", target["expr"])
    }
    assert queried, "the dashboard queries nothing"
    assert queried <= served_names(), queried - served_names()


def test_the_scrape_targets_are_the_procfiles_ops_ports() -> None:
    scraped = set(re.findall(r"127\.0\.0\.1:(\d+)", (GRAFANA / "prometheus.yml").read_text()))
    ops_ports = set(re.findall(r"--ops-port (\d+)", (ROOT / "Procfile").read_text()))
    assert scraped == ops_ports
