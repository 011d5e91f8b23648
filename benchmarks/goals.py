"""The whole set of benchmarks, run one after the other, and one table of what each measured
against the goal it has (`make bench`):

- order placements against a bare Litestar POST handler (`benchmarks.ceiling`, memory mode,
  wrk): the ratio of their rates, goal 0.5;
- the engine alone (`benchmarks.engine`): commands/s, goal 200,000;
- the order path in local mode (`benchmarks.http_load`), in one process (`all`) and split
  into the design's services: p99 at 500 req/s (goal 25 ms for `all`), and the highest rate
  held at p99 < 100 ms (goals: 2,500 req/s for `all`, 500 for the split deployment);
- the WebSocket fan-out of one process (`benchmarks.ws_fanout`): messages/s received by 500
  clients of a busy market at 500 orders/s (some 110,000 a second offered), goal 60,000 with
  p99 < 100 ms; beside it, not against a goal, the server's CPU-seconds per 1,000 messages,
  which the machine's other load moves less than the latency.

    python -m benchmarks.goals [--quick] [--json PATH]

Each benchmark prints its own tables first; --quick runs each briefly (one run, short rates),
to see that the set works rather than to measure. The ratio is measured / goal, or goal /
measured where less is better."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from benchmarks import ceiling, engine, http_load, ws_fanout

Goal = tuple[str, float, float, bool]  # what, measured, goal, higher is better


def measure(quick: bool) -> tuple[list[Goal], dict[str, Any]]:
    runs = "1" if quick else "3"
    ceiling_result = ceiling.main(["--duration", "3" if quick else "10", "--runs", runs])
    engine_result = engine.main(["--commands", "100000" if quick else "1000000", "--runs", runs])
    load = http_load.main(
        ["--adapters", "local", "--deployment", "all,split", "--rates", "500", "--search",
         "--duration", "3" if quick else "5", "--runs", runs]
    )  # fmt: skip
    clients, seconds = ("100", "3") if quick else ("500", "10")
    fan_out = ws_fanout.main(["--clients", clients, "--rate", "500", "--duration", seconds])
    all_rest, split_rest = load["medians"]["all rest"], load["medians"]["split, api x1 rest"]
    goals: list[Goal] = [
        ("orders / bare POST, ratio of req/s", ceiling_result["ratio"], 0.5, True),
        ("engine, commands/s", engine_result["commands_per_s"], 200_000, True),
        ("all, p99 ms at 500 req/s", all_rest["fixed"][0]["p99_ms"], 25, False),
        ("all, req/s held at p99 < 100 ms", _held(all_rest), 2_500, True),
        ("split, req/s held at p99 < 100 ms", _held(split_rest), 500, True),
        ("ws fan-out, messages/s", fan_out["messages_per_s"], 60_000, True),
        ("ws fan-out, p99 ms", fan_out["p99_ms"], 100, False),
    ]
    figures = {"ceiling": ceiling_result, "engine": engine_result, "ws_fanout": fan_out}
    return goals, figures | {"http_load": load["medians"]}


def _held(result: dict[str, Any]) -> float:
    return float(result["held"]["rate"]) if result["held"] else 0.0


def print_goals(goals: list[Goal]) -> None:
    print(f"\n{'goal':<36}{'measured':>12}{'goal':>12}{'ratio':>8}")
    for what, measured, goal, higher in goals:
        ratio = (measured / goal if higher else goal / measured) if measured else 0.0
        shown = f"{measured:,.1f}" if measured >= 10 else f"{measured:.2f}"  # a ratio, 0.20
        print(f"{what:<36}{shown:>12}{goal:>12,}{ratio:>8.2f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="brief runs: the set works")
    parser.add_argument("--json", type=Path, help="write every figure as JSON here")
    args = parser.parse_args(argv)
    goals, figures = measure(args.quick)
    print_goals(goals)
    server_cpu = figures["ws_fanout"]["server_cpu_s_per_1k"]
    print(f"{'ws fan-out, server CPU-s / 1k msgs':<36}{server_cpu:>12.4f}")
    if args.json:
        args.json.write_text(json.dumps({"goals": goals, "figures": figures}, indent=2) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
