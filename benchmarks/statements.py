"""What PostgreSQL spends on the order flow, statement by statement: the load of
`benchmarks.http_load` (signed placements, cancels and depth reads) held at one rate on a
`local` deployment, its database's cluster counting each statement (pg_stat_statements); the
statements that took the most time in the server, with their calls and time per request.

    python -m benchmarks.statements [--deployment all|split] [--rate 900] [--duration 10]
        [--top 12] [--json PATH]

Counted after the accounts are opened and 3 s of unmeasured load. A statement's time is the
server's, from its start to its end (pg_stat_statements' execution time): on two cores shared
with the load, waits for a core are in it too."""

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from benchmarks.deployment import deployment
from benchmarks.order_load import MIX, TRADERS, Load, open_account

WARM_UP_S = 3.0
READ = """SELECT calls, total_exec_time, regexp_replace(query, '\\s+', ' ', 'g') AS query
          FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database
                                                WHERE datname = current_database())"""


def per_request(counted: list[dict[str, Any]], requests: int, top: int) -> list[dict[str, Any]]:
    """The `top` statements by time in all, each with its calls and time per request."""
    ranked = sorted(counted, key=lambda row: row["total_exec_time"], reverse=True)[:top]
    return [
        {
            "calls_per_request": round(row["calls"] / requests, 3),
            "us_per_call": round(row["total_exec_time"] * 1000 / row["calls"], 1),
            "us_per_request": round(row["total_exec_time"] * 1000 / requests, 1),
            "statement": row["query"],
        }
        for row in ranked
    ]


async def measure(urls: list[str], database_url: str, rate: float, seconds: float) -> Any:
    async with aiohttp.ClientSession() as session:
        traders = [await open_account(session, urls[0], f"load{i}") for i in range(TRADERS)]
    await Load(urls, traders, 7, MIX).run(rate, WARM_UP_S)
    database = create_async_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with database.connect() as connection:
            await connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
            await connection.execute(text("SELECT pg_stat_statements_reset()"))
            row = await Load(urls, traders, 7, MIX).run(rate, seconds)
            found = await connection.execute(text(READ))
            counted = [dict(statement._mapping) for statement in found]
    finally:
        await database.dispose()
    return row, counted


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deployment", choices=("all", "split"), default="all")
    parser.add_argument("--rate", type=float, default=900.0, help="requests/s to hold")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds counted")
    parser.add_argument("--top", type=int, default=12, help="statements shown")
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    with deployment(args.deployment, "local", statements=True) as where:
        assert where.database_url is not None
        row, counted = asyncio.run(
            measure(where.urls, where.database_url, args.rate, args.duration)
        )
    requests = int(args.rate * args.duration)
    statements = per_request(counted, requests, args.top)
    total_us = sum(found["total_exec_time"] for found in counted) * 1000 / requests
    print(f"\n{args.deployment}, {args.rate:g} requests/s for {args.duration:g} s: p50 "
          f"{row['p50_ms']} ms, p99 {row['p99_ms']} ms, {row['errors']} errors; PostgreSQL "
          f"ran its statements {total_us:,.1f} µs a request in all")  # fmt: skip
    print(f"{'calls/req':>9} {'µs/call':>9} {'µs/req':>8}  statement")
    for found in statements:
        print(
            f"{found['calls_per_request']:9.2f} {found['us_per_call']:9.1f} "
            f"{found['us_per_request']:8.1f}  {found['statement'][:100]}"
        )
    result = {"load": row, "us_per_request": round(total_us, 1), "statements": statements}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
