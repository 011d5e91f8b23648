"""Instructions counted by valgrind's callgrind: a measure of the engine's and the order path's
work that neither a busy machine nor a slower day moves (wall-clock figures on these two shared
cores move by a fifth between runs and by half between days), for a change measured before and
after in one sitting.

    python -m benchmarks.instructions [--commands 20000] [--seed 7] [--orders 400] [--json PATH]

- engine: the first `--commands` of `benchmarks.engine`'s recorded flow, replayed by a process
  of its own under callgrind, counted only inside the compiled `Exchange.execute`.
- orders: `bourse serve` (memory mode, no bots, as `benchmarks.ceiling` starts it) and the bare
  Litestar handler (`benchmarks.bare_app`), each under callgrind, counted only while `--orders`
  requests are answered one after another on one connection (so each order is a batch of its
  own): the ceiling's LIMIT IOC order with a bearer token, and the same form to the bare one.

It prints instructions per command and per request, and the bare handler's per request over an
order's (the ratio the ceiling's goal asks of req/s, in work instead of time). The order path's
counts move by about 2 % between runs (the collector, timers, what the loop polls); the
engine's by far less. valgrind (Debian's package `valgrind`) runs a process about 50 times
slower while it counts, and some 5 times slower while it does not; the domain must be compiled.
"""

import argparse
import contextlib
import json
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

import domain.exchange
from benchmarks.ceiling import FORM, ORDER, bare_server, bearer
from benchmarks.deployment import deployment
from benchmarks.engine import funded_exchange, record_flow

EXECUTE = "CPyPy_exchange___Exchange___execute"  # the compiled Exchange.execute's entry
WARM_UP = 50  # requests answered before counting: connections, caches and first calls made


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--replay", type=Path, help=argparse.SUPPRESS)  # the engine's process
    args = parser.parse_args(argv)
    if args.replay:
        _replay(args.replay)
        return {}
    if not domain.exchange.__file__.endswith(".so"):
        raise SystemExit("the domain is not compiled: `make` builds it")
    with tempfile.TemporaryDirectory() as directory:
        where = Path(directory)
        result: dict[str, Any] = {
            "engine_per_command": engine_per_command(where, args.commands, args.seed),
            "bare_per_request": per_request(where / "bare", args.orders, bare=True),
            "order_per_request": per_request(where / "bourse", args.orders, bare=False),
        }
    result["ratio"] = result["bare_per_request"] / result["order_per_request"]
    print(f"instructions (callgrind), {args.commands:,} commands and {args.orders:,} requests")
    print(f"{'measure':<28}{'value':>12}")
    for name, value in result.items():
        print(f"{name:<28}{value:>12,.2f}" if name == "ratio" else f"{name:<28}{value:>12,.0f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return result


def engine_per_command(where: Path, commands: int, seed: int) -> float:
    flow = where / "flow.pickle"
    flow.write_bytes(pickle.dumps(record_flow(commands, seed)))
    counted = where / "engine.callgrind"
    replay = [sys.executable, "-m", "benchmarks.instructions", "--replay", str(flow)]
    command = [*_callgrind(counted), f"--toggle-collect={EXECUTE}", *replay]
    subprocess.run(command, check=True, capture_output=True)
    return total_instructions(counted.read_text()) / commands


def _replay(flow: Path) -> None:
    execute = funded_exchange().execute
    for command in pickle.loads(flow.read_bytes()):
        execute(command)


def per_request(where: Path, requests: int, bare: bool) -> float:
    """Instructions of the server per request answered, counted only while `requests` are."""
    where.mkdir()
    counted = where / "callgrind"
    wrapper = [*_callgrind(counted), "--instr-atstart=no"]
    with _server(wrapper, bare) as (url, pid):
        token = "" if bare else bearer(url)
        headers = FORM | ({} if bare else {"Authorization": f"Bearer {token}"})
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            _place(client, WARM_UP)
            _control(pid, "--instr=on")
            _place(client, requests)
            _control(pid, "--instr=off")
            _control(pid, "--dump")
    # The dump asked for is the first part; what the process counted after it, nothing, the last.
    dumped = Path(f"{counted}.1")
    return total_instructions(dumped.read_text()) / requests


@contextlib.contextmanager
def _server(wrapper: list[str], bare: bool) -> Iterator[tuple[str, int]]:
    if bare:
        with bare_server(wrapper) as (url, pid):
            yield url, pid
    else:
        with deployment("all", "memory", wrapper=wrapper) as bourse:
            yield bourse.urls[0], bourse.processes["all"]


def _place(client: httpx.Client, count: int) -> None:
    for _ in range(count):
        answer = client.post("/api/v3/order", content=ORDER)
        answer.raise_for_status()


def _control(pid: int, order: str) -> None:
    subprocess.run(["callgrind_control", order, str(pid)], check=True, capture_output=True)


def _callgrind(output: Path) -> list[str]:
    return ["valgrind", "--tool=callgrind", f"--callgrind-out-file={output}"]


def total_instructions(dump: str) -> int:
    """The instructions a callgrind output file counts (its `totals:` line)."""
    for line in dump.splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    raise ValueError("not a callgrind output file: no totals line")


if __name__ == "__main__":
    main()
