"""The `bourse` command."""

import argparse
import asyncio
import contextlib
import os
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import uvicorn

from adapters.security.secret_box import SecretBox
from application.errors import ApplicationError, NotFound
from application.records import User
from application.trade_export import export_day
from entrypoints import logs, tracing
from entrypoints.api.app import create_ops_app
from entrypoints.api.transport import server_options
from entrypoints.aws_secrets import read_from_aws, signed_in_database_url
from entrypoints.container import release
from entrypoints.demo import run_demo
from entrypoints.migrate import migrate
from entrypoints.provision import provision
from entrypoints.roles import SERVE_ROLES
from entrypoints.server import build_app, build_container, build_ops_app, check_local
from entrypoints.settings import ADAPTER_MODES, Settings, database_url

ENGINE_OPS_PORT = 9100
MARKETDATA_OPS_PORT = 9101


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bourse", description="A spot exchange backend.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="trade a seeded session on the engine and show it")
    demo.add_argument("--orders", type=int, default=2000, help="orders the bots place")
    demo.add_argument("--seed", type=int, default=1)
    serve = commands.add_parser("serve", help="run the exchange's HTTP and WebSocket API")
    serve.add_argument(
        "--role",
        choices=SERVE_ROLES,
        default="all",
        help="api: the REST API; websocket: the streams; all: both, with the engines",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--no-bots", action="store_true", help="no demo bots (they run in memory mode only)"
    )
    serve.add_argument(
        "--ops-port", type=int, help="also serve /metrics and /health/* on this port"
    )
    engine = commands.add_parser("engine", help="run market engines, taking orders from the bus")
    engine.add_argument(
        "--markets", help="comma-separated symbols this process competes for (default: all)"
    )
    engine.add_argument("--ops-port", type=int, default=ENGINE_OPS_PORT)
    marketdata = commands.add_parser(
        "marketdata", help="relay committed events to streams, books and tickers"
    )
    marketdata.add_argument("--ops-port", type=int, default=MARKETDATA_OPS_PORT)
    for running in (serve, engine, marketdata):
        running.add_argument("--adapters", choices=ADAPTER_MODES, help="default: $BOURSE_ADAPTERS")
        running.add_argument(
            "--log-level", default="info", help="uvicorn's; 'warning' drops access logs"
        )
    for ops in (serve, engine, marketdata):
        ops.add_argument("--ops-host", default="0.0.0.0", help="where /metrics, /health/* answer")
    migration = commands.add_parser("migrate", help="create the database schema or upgrade it")
    migration.add_argument(
        "--database-url", help="default: $BOURSE_DATABASE_URL; in aws mode, from its secret"
    )
    migration.add_argument("--revision", default="head")
    migration.add_argument("--adapters", choices=ADAPTER_MODES, help="default: $BOURSE_ADAPTERS")
    commands.add_parser("secret-key", help="print a new key for BOURSE_SECRET_KEY")
    provision_local = commands.add_parser(
        "provision-local",
        help="create the streams, tables, bucket and secrets of aws mode on a local endpoint",
    )
    provision_local.add_argument(
        "--database-url", help="whose user and password the database secret holds"
    )
    export = commands.add_parser(
        "export-trades", help="write one day (UTC) of a market's trades to a CSV file"
    )
    export.add_argument("--symbol", required=True)
    export.add_argument("--day", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
    export.add_argument("--output", type=Path, help="default: SYMBOL-YYYY-MM-DD.csv")
    export.add_argument("--adapters", choices=ADAPTER_MODES, help="default: $BOURSE_ADAPTERS")
    grant = commands.add_parser(
        "grant-admin", help="give the admin role to the user of an email (the first admin's way)"
    )
    grant.add_argument("--email", required=True)
    grant.add_argument("--adapters", choices=ADAPTER_MODES, help="default: $BOURSE_ADAPTERS")
    synth = commands.add_parser("synth", help="write the AWS environment as Terraform JSON")
    synth.add_argument("--output", type=Path, default=Path("cdktf.out"))
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        run_demo(args.orders, args.seed)
    elif args.command == "serve":
        logs.configure(args.role, args.log_level)
        settings = _settings(args.adapters, args.role, None)
        tracing.configure(args.role, settings.trace_sample_ratio)
        bots = settings.adapters == "memory" and not args.no_bots
        app, container = build_app(settings, bots=bots)
        public = uvicorn.Server(_config(app, settings, args.host, args.port, args.log_level))
        if args.ops_port is None:
            public.run()
        else:
            ops_app = create_ops_app(container)
            # uvicorn's loggers are the process's: the public server's level holds for both.
            ops = _SideServer(_config(ops_app, settings, args.ops_host, args.ops_port, None))
            with asyncio.Runner(loop_factory=public.config.get_loop_factory()) as runner:
                runner.run(_serve_beside(public, ops))
    elif args.command in ("engine", "marketdata"):
        logs.configure(args.command, args.log_level)
        markets = getattr(args, "markets", None)
        settings = _settings(args.adapters, args.command, markets.split(",") if markets else None)
        tracing.configure(args.command, settings.trace_sample_ratio)
        app, _ = build_ops_app(settings)
        uvicorn.Server(_config(app, settings, args.ops_host, args.ops_port, args.log_level)).run()
    elif args.command == "migrate":
        migrate(args.database_url or _database_url(args.adapters), args.revision)
    elif args.command == "provision-local":
        aws = _from_env("aws").aws
        if aws is None or aws.endpoint_url is None:
            raise SystemExit(
                "BOURSE_AWS_ENDPOINT_URL is not set: provision-local creates the resources on a "
                "local stand-in for AWS (a moto server); in AWS, Terraform creates them."
            )
        for created in asyncio.run(provision(aws, args.database_url or database_url())):
            print(f"created {created}")
    elif args.command == "export-trades":
        output = args.output or Path(f"{args.symbol}-{args.day.isoformat()}.csv")
        count = asyncio.run(_export_trades(args.adapters, args.symbol, args.day, output))
        print(f"{count} trades of {args.symbol} on {args.day.isoformat()} written to {output}")
    elif args.command == "grant-admin":
        user = asyncio.run(_grant_admin(args.adapters, args.email))
        print(
            f"{user.email} (user {user.user_id}) is an admin; admin acts need two-factor "
            "authentication enabled on this account."
        )
    elif args.command == "secret-key":
        print(SecretBox.new_key())
    elif args.command == "synth":
        from infrastructure.app import synth as write_terraform  # slow to import: only here

        write_terraform(args.output)


def _settings(adapters: str | None, role: str, markets: list[str] | None) -> Settings:
    settings = _from_env(adapters, role, markets)
    if settings.adapters == "memory" and role != "all":
        raise SystemExit(
            f"The {role} role shares its work with other processes through PostgreSQL and "
            "Redis: run it with --adapters local or aws (memory mode runs everything in one "
            "process)."
        )
    if settings.adapters == "aws":
        try:
            settings = asyncio.run(read_from_aws(settings))
        except ApplicationError as error:
            message = f"The secrets that aws mode is given could not be read: {error}"
            raise SystemExit(message) from None
    if settings.adapters != "memory":
        check_local(settings)
    if role != "all" and settings.adapters == "local" and not os.environ.get("BOURSE_JWT_SECRET"):
        raise SystemExit(
            "BOURSE_JWT_SECRET is not set: every process of the exchange must sign and check "
            "login tokens with the same secret, or a token one api process gives is refused "
            "by the others."
        )
    return settings


def _config(
    app: object, settings: Settings, host: str, port: int, log_level: str | None
) -> uvicorn.Config:
    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        host=host,
        port=port,
        log_level=log_level,
        log_config=None,  # entrypoints.logs configured it
        **server_options(settings),
    )


def _database_url(adapters: str | None) -> str:
    """The database of the mode: in aws mode, signed in with the user its secret holds."""
    settings = _from_env(adapters)
    if settings.adapters != "aws":
        return database_url()
    try:
        return asyncio.run(signed_in_database_url(settings))
    except ApplicationError as error:
        raise SystemExit(f"The database's secret could not be read: {error}") from None


def _from_env(
    adapters: str | None, role: str = "all", markets: list[str] | None = None
) -> Settings:
    try:
        return Settings.from_env(adapters, role, markets)
    except ValueError as error:
        raise SystemExit(str(error)) from None


async def _export_trades(adapters: str | None, symbol: str, day: date, output: Path) -> int:
    settings = _from_env(adapters)
    if settings.adapters == "memory":
        raise SystemExit(
            "Memory mode keeps no trades beyond its process: export from local or aws."
        )
    if settings.aws is not None:
        settings = await read_from_aws(settings)
    container = build_container(settings)
    try:
        await container.listing_sync().refresh()
        if symbol not in container.exchange().markets:
            raise SystemExit(f"No such market: {symbol}.")
        lines = await export_day(
            container.unit_of_work(),
            container.trade_archive(),
            container.exchange(),
            symbol,
            day,
        )
    finally:
        await release(container)
    output.write_bytes(lines)
    return lines.count(b"\n")


async def _grant_admin(adapters: str | None, email: str) -> User:
    settings = _from_env(adapters)
    if settings.adapters == "memory":
        raise SystemExit("Memory mode keeps no users beyond its process: grant in local or aws.")
    if settings.aws is not None:
        settings = await read_from_aws(settings)
    container = build_container(settings)
    try:
        return await container.operators().grant_admin(email)
    except NotFound as error:
        raise SystemExit(str(error)) from None
    finally:
        await release(container)


class _SideServer(uvicorn.Server):
    """Leaves the signals to the public server, and stops when told to."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _serve_beside(public: uvicorn.Server, ops: uvicorn.Server) -> None:
    """The public server and, beside it on the same event loop, the ops server, which stops
    once the public one has."""
    side = asyncio.create_task(ops.serve())
    try:
        await public.serve()
    finally:
        ops.should_exit = True
        await side


if __name__ == "__main__":
    main()
