"""The `bourse` command."""

import argparse
from collections.abc import Sequence

from entrypoints.demo import run_demo


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bourse", description="A spot exchange backend.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="trade a seeded session on the engine and show it")
    demo.add_argument("--orders", type=int, default=2000, help="orders the bots place")
    demo.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.command == "demo":
        run_demo(args.orders, args.seed)
