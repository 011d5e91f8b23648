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
    heading = f"{'deployment':<{width}}{'rate':>8}" + "".join(f"{role:>11}" for role in ROLES)
    print("\nat fixed rates (requests/s, ms)")
    print(f"{'deployment':<{width}}" + "".join(f"{c:>13}" for c in FIGURES))
    for name, result in summary.items():
        for row in result["fixed"]:
            print(f"{name:<{width}}" + "".join(f"{row[c]:>13,.2f}" for c in FIGURES))
    print("\nCPU-seconds per 1,000 orders placed, by role, at fixed rates and at the highest held;")
    print("database transactions per 1,000 orders")
    print(heading + " txn/1k")
    for name, result in summary.items():
        held = [result["held"]] if result["held"] else []
        for row in result["fixed"] + held:
            rate = f"{row['rate']:,.0f}" + ("*" if row in held else "")
            transactions = row.get("transactions_per_1k_orders", "-")
            cells = by_role(row["cpu_s_per_1k_orders"], 3) + f"{transactions:>7}"
            print(f"{name:<{width}}{rate:>8}{cells}")
    print("\ncores busy at rest (no load)")
    print(heading)
    for name, result in summary.items():
        print(f"{name:<{width}}{'0':>8}{by_role(result['idle'], 2)}")
    if not any(result["held"] for result in summary.values()):
        return
    print("\nhighest rate held (p99 < 100 ms, no errors), with the cores each role kept busy at it")
    print(heading + "  p99_ms pressure  held in each run")
    for name, result in summary.items():
        runs = ", ".join(f"{rate:,.0f}" if rate else "none" for rate in result["held_rates"])
        row = result["held"]
        if row is None:
            print(f"{name:<{width}}{'none':>8}{'':>{11 * len(ROLES) + 17}}  {runs}")
            continue
        figures = f"{row['p99_ms']:>8.1f}{row['cpu_pressure']:>9.2f}"
        print(f"{name:<{width}}{row['rate']:>8,.0f}{by_role(row['cores'], 2)}{figures}  {runs}")


def by_role(values: dict[str, float], digits: int) -> str:
    return "".join(f"{values[r]:>11.{digits}f}" if r in values else f"{'-':>11}" for r in ROLES)
