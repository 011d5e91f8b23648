"""Order placements against the framework's ceiling: closed-loop load from wrk on Bourse's
`POST /api/v3/order` (memory mode, `--role all`, no bots; LIMIT IOC orders on an empty book,
which rest nothing, with a bearer token) and on a bare Litestar POST handler that reads the
same form (`benchmarks.bare_app`) served by the same uvicorn options, in turn within each run.
It prints requests/s and latency of each, and their ratio (goal: Bourse ≥ 0.5 of the bare rate).

    python -m benchmarks.ceiling [--connections 32] [--threads 2] [--duration 10] [--runs 3]
                                 [--json PATH]

wrk (Debian's package `wrk`) drives both: a C client costs a fraction of the servers' CPU, so
the figures are the servers' on the cores they share with it.
"""

import argparse
import contextlib
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

from benchmarks.deployment import answers, deployment, wait_until
from benchmarks.servers import free_port

ORDER = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=IOC&quantity=0.001&price=50000"
SCRIPT = """wrk.method = "POST"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Bearer {token}"
"""
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SOCKET_ERRORS = r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
GOAL = 0.5


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds a side, each run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    runs: list[dict[str, Any]] = []
    with deployment("all", "memory") as bourse, bare_server() as (bare, _):
        token = bearer(bourse.urls[0])
        for run in range(1, args.runs + 1):
            figures: dict[str, Any] = {
                "bare": _wrk(f"{bare}/api/v3/order", "", args),
                "bourse": _wrk(f"{bourse.urls[0]}/api/v3/order", token, args),
            }
            figures["ratio"] = figures["bourse"]["rps"] / figures["bare"]["rps"]
            runs.append(figures)
            print(f"run {run}: {_line(figures)}", flush=True)
    result = {
        "runs": runs,
        "median": {
            side: {
                figure: statistics.median(run[side][figure] for run in runs)
                for figure in runs[0][side]
            }
            for side in ("bare", "bourse")
        },
        "ratio": statistics.median(run["ratio"] for run in runs),
        "goal": GOAL,
    }
    print(f"\nmedians over {args.runs} runs, {args.connections} connections, {args.duration} s")
    print(f"{'server':<10}{'req/s':>10}{'p50_ms':>9}{'p99_ms':>9}{'non-2xx':>9}")
    for side in ("bare", "bourse"):
        row = result["median"][side]
        print(
            f"{side:<10}{row['rps']:>10,.0f}{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}"
            f"{row['errors']:>9,.0f}"
        )
    print(f"bourse / bare: {result['ratio']:.2f} (goal {GOAL})")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    sys.stdout.flush()
    return result


@contextlib.contextmanager
def bare_server(wrapper: Sequence[str] = ()) -> Iterator[tuple[str, int]]:
    """`benchmarks.bare_app` on a free port, run under `wrapper` if any (see `deployment`):
    its URL and process id."""
    port = free_port()
    command = [*wrapper, sys.executable, "-m", "benchmarks.bare_app", "--port", str(port)]
    process = subprocess.Popen(command)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(f"{url}/health"), process)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def bearer(url: str) -> str:
    """A funded trader's access token; its IOC orders on the empty book expire unfilled."""
    credentials = {"email": f"ceiling-{time.time_ns()}@load.bourse.local", "password": "x" * 12}
    with httpx.Client(base_url=url) as client:
        client.post("/api/v1/users", json=credentials).raise_for_status()
        token = client.post("/api/v1/auth/login", json=credentials).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        body = {"asset": "USDT", "amount": "100000"}
        client.post("/api/v1/faucet", json=body, headers=headers).raise_for_status()
        placed = client.post("/api/v3/order", content=ORDER, headers=headers | FORM)
        assert placed.status_code == 200, placed.text
        assert placed.json()["status"] == "EXPIRED", placed.text
    return str(token)


def _wrk(url: str, token: str, args: argparse.Namespace) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as directory:
        script = Path(directory) / "order.lua"
        script.write_text(SCRIPT.format(body=ORDER, token=token))
        command = ["wrk", "--latency", "-t", str(args.threads), "-c", str(args.connections),
                   "-d", f"{args.duration}s", "-s", str(script), url]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return wrk_figures(output)


def wrk_figures(output: str) -> dict[str, float]:
    """Requests/s, median and 99th percentile latency, and errors (answers other than 2xx or
    3xx, and socket errors) from what `wrk --latency` prints."""
    refused = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failed = re.search(SOCKET_ERRORS, output)
    errors = int(refused.group(1)) if refused else 0
    errors += sum(int(count) for count in failed.groups()) if failed else 0
    return {
        "rps": float(_find(r"Requests/sec:\s+([\d.]+)", output)),
        "p50_ms": _milliseconds(_find(r"\s50%\s+(\S+)", output)),
        "p99_ms": _milliseconds(_find(r"\s99%\s+(\S+)", output)),
        "errors": float(errors),
    }


def _find(pattern: str, output: str) -> str:
    found = re.search(pattern, output)
    if found is None:
        raise RuntimeError(f"wrk printed no {pattern!r}:\n{output}")
    return found.group(1)


def _milliseconds(figure: str) -> float:
    """wrk's latencies read `812.00us`, `3.41ms` or `1.02s`."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", figure).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _line(figures: dict[str, Any]) -> str:
    bare, bourse = figures["bare"], figures["bourse"]
    return (
        f"bare {bare['rps']:,.0f} req/s, bourse {bourse['rps']:,.0f} req/s "
        f"(p99 {bourse['p99_ms']:.1f} ms, {bourse['errors']:,.0f} errors): "
        f"ratio {figures['ratio']:.2f}"
    )


if __name__ == "__main__":
    main()
