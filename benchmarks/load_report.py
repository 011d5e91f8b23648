"""The tables of benchmarks.http_load: medians over runs of its rows (one per rate held)."""

import statistics
from typing import Any

Row = dict[str, Any]  # figures of one rate held: floats, or dicts of floats by role
ROLES = ("all", "api", "engine", "marketdata", "redis", "postgres", "client", "machine")
LATENCIES = ("rate", "achieved_rps", "orders_per_s", "p50_ms", "p90_ms", "p99_ms", "p999_ms")
# The share of the time some process waited for a core: how much others took of the machine.
FIGURES = (*LATENCIES, "errors", "cpu_pressure")


def median_row(rows: list[Row]) -> Row:
    """Each figure's median over the rows (the same rate in different runs)."""
    median: Row = {}
    for key, value in rows[0].items():
        if isinstance(value, dict):
            parts = {part for row in rows for part in row[key]}  # a run may lack a failure
            median[key] = {
                part: statistics.median(row[key].get(part, 0) for row in rows) for part in parts
            }
        else:
            median[key] = statistics.median(row[key] for row in rows)
    return median


def medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """At rest and at fixed rates: each figure's median. Highest rate held: the run whose rate is
    the median one (the lower of the two middle ones for an even count; a run that held no rate
    counts as the lowest), with that run's figures."""
    fixed = [median_row(list(rows)) for rows in zip(*(run["fixed"] for run in runs), strict=True)]
    held = sorted((run["held"] for run in runs), key=lambda row: row["rate"] if row else 0.0)
    return {
        "idle": median_row([run["idle"] for run in runs]),
        "fixed": fixed,
        "held": held[(len(held) - 1) // 2],
        "held_rates": [run["held"]["rate"] if run["held"] else None for run in runs],
    }


def print_tables(summary: dict[str, dict[str, Any]]) -> None:
    width = max(len(name) for name in (*summary, "deployment")) + 2
    print("\nat fixed rates (requests/s, ms)")
    print(f"{'deployment':<{width}}" + "".join(f"{c:>13}" for c in FIGURES))
    for name, result in summary.items():
        for row in result["fixed"]:
            print(f"{name:<{width}}" + "".join(f"{row[c]:>13,}" for c in FIGURES))
    print("\nCPU-seconds per 1,000 orders placed, by role; database transactions per 1,000 orders")
    print(f"{'deployment':<{width}}{'rate':>8}" + "".join(f"{r:>11}" for r in ROLES) + " txn/1k")
    for name, result in summary.items():
        for row in result["fixed"]:
            costs = row["cpu_s_per_1k_orders"]
            cells = "".join(f"{costs[r]:>11.3f}" if r in costs else f"{'-':>11}" for r in ROLES)
            transactions = row.get("transactions_per_1k_orders")
            cells += f"{transactions:>7,}" if transactions is not None else f"{'-':>7}"
            print(f"{name:<{width}}{row['rate']:>8,}{cells}")
    print("\ncores busy at rest (no load)")
    print(f"{'deployment':<{width}}{'':>8}" + "".join(f"{r:>11}" for r in ROLES))
    for name, result in summary.items():
        idle = result["idle"]
        cells = "".join(f"{idle[r]:>11.2f}" if r in idle else f"{'-':>11}" for r in ROLES)
        print(f"{name:<{width}}{'':>8}{cells}")
    if not any(result["held"] for result in summary.values()):
        return
    print("\nhighest rate held (p99 < 100 ms, no errors), and the cores each role kept busy at it")
    print(f"{'deployment':<{width}}{'held':>8}{'p99_ms':>8}" + "".join(f"{r:>11}" for r in ROLES)
          + " pressure  held in each run")  # fmt: skip
    for name, result in summary.items():
        row = result["held"]
        if row is None:
            print(f"{name:<{width}}{'none':>8}")
            continue
        cores = row["cores"]
        cells = "".join(f"{cores[r]:>11.2f}" if r in cores else f"{'-':>11}" for r in ROLES)
        runs = ", ".join(f"{rate:,.0f}" if rate else "none" for rate in result["held_rates"])
        pressure = f"{row['cpu_pressure']:>9.2f}"
        print(f"{name:<{width}}{row['rate']:>8,.0f}{row['p99_ms']:>8.1f}{cells}{pressure}  {runs}")
