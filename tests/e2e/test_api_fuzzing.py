"""The OpenAPI document tells the truth: schemathesis, from the document the server serves, sends
every operation generated requests, valid and not, and checks each answer against what the
document says of it (no server error; a documented status, content type and body, the body of a
refusal with a code listed for that route). Once with credentials (a funded account's API key
signing every SIGNED request, its access token, the admin token), once without any; and a
stateful run that places orders, then queries, amends and cancels them by the ids answered."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import SETTINGS
from tests.live_server import LiveServer

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance"
)
MAX_EXAMPLES = 10  # per operation in fuzzing, per scenario in the stateful phase
# The credentials are the hooks' alone; methods a path does not serve are left to the
# transport tests.
CONFIG = "[auth]\nauto-signup = false\n[phases.coverage]\nunexpected-methods = []\n"
LONGEST_S = 600  # a run still going then has hung
SEED = 17
# One worker: with more, Hypothesis reads its strategies' sources from several threads at once,
# which Python 3.11's ast module cannot do (an internal error of the run, not of the API).
WORKERS = 1
ROOT = Path(__file__).resolve().parents[2]
PUBLIC_TAGS = ("Market data", "Health")  # the same without credentials as with them


def order_links() -> dict[str, Any]:
    """An order placed, then queried, amended and canceled by the id it was answered with."""
    by_order = {"symbol": "$response.body#/symbol", "orderId": "$response.body#/orderId"}
    return {
        name: {"operationId": operation, "parameters": by_order}
        for name, operation in (
            ("QueryOrder", "queryOrder"),
            ("AmendOrder", "amendKeepPriority"),
            ("CancelOrder", "cancelOrder"),
        )
    }


def placing_orders(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its new order narrowed to resting limit orders the account can pay
    for, so that a stateful scenario has an order to follow the links from."""
    new_order = document["paths"]["/api/v3/order"]["post"]
    resting = {
        "symbol": ["BTCUSDT"], "side": ["BUY"], "type": ["LIMIT"], "timeInForce": ["GTC"],
        "price": ["30000", "30001"], "quantity": ["0.01", "0.02"],
    }  # fmt: skip
    new_order["parameters"] = [
        *(p for p in new_order["parameters"] if p["name"] == "timestamp"),
        *(
            p | {"schema": {"type": "string", "enum": resting[p["name"]]}, "required": True}
            for p in new_order["parameters"]
            if p["name"] in resting
        ),
    ]
    new_order["responses"]["200"]["links"] = order_links()
    return document


def fuzz(
    server: LiveServer, tmp_path: Path, environment: dict[str, str], *options: str
) -> dict[str, Any]:
    """Runs schemathesis against the server; its JSON report, with its output."""
    document = httpx.get(f"{server.base_url}/docs/openapi.json", timeout=10).json()
    location = tmp_path / "openapi.json"
    stateful = "stateful" in options
    location.write_text(json.dumps(placing_orders(document) if stateful else document))
    report = tmp_path / "report.json"
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
        str(location), "--url", server.base_url, "--checks", CHECKS,
        "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED), "--workers", str(WORKERS),
        "--exclude-operation-id", "logout",  # it would end the session the run signs in with
        "--suppress-health-check", "all", "--report", "json",
        "--report-json-path", str(report), "--output-truncate", "true", *options,
    ]  # fmt: skip
    # Run from the test's own folder, where schemathesis leaves its cache, with the hooks found
    # from the repository's root.
    hooks = {
        "SCHEMATHESIS_HOOKS": "tests.e2e.fuzzing_hooks",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "NO_COLOR": "1",
    }
    finished = subprocess.run(
        command, env=os.environ | hooks | environment, cwd=tmp_path, capture_output=True,
        text=True, timeout=LONGEST_S, check=False,
    )  # fmt: skip
    (tmp_path / "schemathesis.log").write_text(finished.stdout + finished.stderr)
    assert report.exists(), finished.stdout[-3000:] + finished.stderr[-3000:]
    found: dict[str, Any] = json.loads(report.read_text())
    found["output"] = finished.stdout
    return found


def credentials(server: LiveServer) -> dict[str, str]:
    api_key, secret, _ = server.api_key("fuzzer", BTC="100", ETH="1000", USDT="10000000")
    login = {"email": "fuzzer@example.com", "password": "correct horse battery"}
    tokens = httpx.post(f"{server.base_url}/api/v1/auth/login", json=login, timeout=10).json()
    return {
        "BOURSE_FUZZ_API_KEY": api_key,
        "BOURSE_FUZZ_SECRET": secret,
        "BOURSE_FUZZ_ACCESS_TOKEN": tokens["access_token"],
        "BOURSE_FUZZ_ADMIN_TOKEN": SETTINGS.admin_token or "",
    }


def summary(report: dict[str, Any]) -> str:
    operations, cases = report["operations"], report["test_cases"]
    failures = sum(group["count"] for group in report["failures"])
    return (
        f"schemathesis: {operations['tested']} operations, {cases['generated']} test cases, "
        f"{failures} failures, {len(report['errors'])} errors, in {report['running_time']:.0f} s"
    )


def assert_true_to_the_document(
    report: dict[str, Any], capsys: pytest.CaptureFixture[str], run: str
) -> None:
    with capsys.disabled():  # the counts go to the run's log, whatever the outcome
        print(f"\n{summary(report)} ({run})")
    assert report["exit_code"] == 0, report["output"][-8000:]
    assert report["failures"] == report["errors"] == []
    assert report["operations"]["errored"] == 0


PHASES = ("--phases", "examples,coverage,fuzzing")
# Without credentials a secured route refuses before it reads anything: the coverage phase's
# thousands of variations of each parameter would all meet the same refusal.
ANONYMOUS_PHASES = ("--phases", "examples,fuzzing")


def test_every_answer_with_credentials_is_as_the_document_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with LiveServer(SETTINGS) as server:
        report = fuzz(server, tmp_path, credentials(server), *PHASES)

    assert_true_to_the_document(report, capsys, "with credentials")
    assert report["operations"]["tested"] == report["operations"]["selected"]


def test_every_answer_without_credentials_is_as_the_document_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    public = [option for tag in PUBLIC_TAGS for option in ("--exclude-tag", tag)]
    with LiveServer(SETTINGS) as server:
        report = fuzz(server, tmp_path, {}, *ANONYMOUS_PHASES, *public)

    assert_true_to_the_document(report, capsys, "without credentials")


def test_orders_followed_by_their_links_are_as_the_document_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    operations = ["newOrder", *(link["operationId"] for link in order_links().values())]
    chosen = [option for name in operations for option in ("--include-operation-id", name)]
    with LiveServer(SETTINGS) as server:
        report = fuzz(server, tmp_path, credentials(server), "--phases", "stateful", *chosen)

    assert_true_to_the_document(report, capsys, "stateful, with credentials")
    covered = re.search(r"API Links:\s+(\d+) covered", report["output"])
    assert covered is not None and int(covered.group(1)) >= len(order_links())
