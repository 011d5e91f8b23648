"""The `bourse` command."""

import argparse
import asyncio
import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import uvicorn

from adapters.security.secret_box import SecretBox
from entrypoints import logs, tracing
from entrypoints.api.app import create_ops_app
from entrypoints.api.transport import server_options
from entrypoints.demo import run_demo
from entrypoints.migrate import migrate
from entrypoints.roles import SERVE_ROLES
from entrypoints.server import build_app, build_ops_app, check_local
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
    migration.add_argument("--database-url", help="default: $BOURSE_DATABASE_URL")
    migration.add_argument("--revision", default="head")
    commands.add_parser("secret-key", help="print a new key for BOURSE_SECRET_KEY")
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
        migrate(args.database_url or database_url(), args.revision)
    elif args.command == "secret-key":
        print(SecretBox.new_key())
    elif args.command == "synth":
        from infrastructure.app import synth as write_terraform  # slow to import: only here

        write_terraform(args.output)


def _settings(adapters: str | None, role: str, markets: list[str] | None) -> Settings:
    settings = Settings.from_env(adapters, role, markets)
    if settings.adapters == "memory" and role != "all":
        raise SystemExit(
            f"The {role} role shares its work with other processes through PostgreSQL and "
            "Redis: run it with --adapters local (memory mode runs everything in one process)."
        )
    if settings.adapters != "memory":
        check_local(settings)
    if role != "all" and not os.environ.get("BOURSE_JWT_SECRET"):
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
