"""The `bourse` command."""

import argparse
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from adapters.security.secret_box import SecretBox
from entrypoints.api.transport import server_options
from entrypoints.demo import run_demo
from entrypoints.migrate import migrate
from entrypoints.server import build_app, check_local
from entrypoints.settings import ADAPTER_MODES, Settings, database_url


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bourse", description="A spot exchange backend.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="trade a seeded session on the engine and show it")
    demo.add_argument("--orders", type=int, default=2000, help="orders the bots place")
    demo.add_argument("--seed", type=int, default=1)
    serve = commands.add_parser("serve", help="run the exchange's HTTP and WebSocket API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--adapters", choices=ADAPTER_MODES, help="default: $BOURSE_ADAPTERS")
    serve.add_argument(
        "--no-bots", action="store_true", help="no demo bots (they run in memory mode only)"
    )
    serve.add_argument("--log-level", default="info", help="uvicorn's; 'warning' drops access logs")
    migration = commands.add_parser("migrate", help="create the database schema or upgrade it")
    migration.add_argument("--database-url", help="default: $BOURSE_DATABASE_URL")
    migration.add_argument("--revision", default="head")
    commands.add_parser("secret-key", help="print a new key for BOURSE_SECRET_KEY")
    synth = commands.add_parser("synth", help="write the AWS environment as Terraform JSON")
    synth.add_argument("--output", type=Path, default=Path("cdktf.out"))
    args = parser.parse_args(argv)
    if args.command == "demo":
        run_demo(args.orders, args.seed)
    elif args.command == "serve":
        settings = Settings.from_env(args.adapters)
        if settings.adapters == "local":
            check_local(settings)
        app, _ = build_app(settings, bots=settings.adapters == "memory" and not args.no_bots)
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            **server_options(settings),
        )
    elif args.command == "migrate":
        migrate(args.database_url or database_url(), args.revision)
    elif args.command == "secret-key":
        print(SecretBox.new_key())
    elif args.command == "synth":
        from infrastructure.app import synth as write_terraform  # slow to import: only here

        write_terraform(args.output)


if __name__ == "__main__":
    main()
