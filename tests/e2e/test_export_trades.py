"""`bourse export-trades --symbol S --day D` writes the day's trades to a CSV file from
whichever store holds them: the system of record (`local`, and `aws` before the day is
archived), or the archive bucket once the trade archiver wrote the day there (`aws`)."""

import asyncio
import gzip
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.aws.clients import AwsClients
from adapters.aws.trade_archive import S3TradeArchive
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.security.secret_box import SecretBox
from domain.events import Trade
from entrypoints.settings import AwsSettings
from tests.aws_mode import aws_environment
from tests.conftest import REDIS

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2024, 11, 25)
MIDNIGHT = 1_732_492_800_000  # 2024-11-25 00:00 UTC
BTC, USDT = 10**8, 10**8


def trade(trade_id: int, at: int) -> Trade:
    return Trade("BTCUSDT", trade_id, 60_000 * USDT + trade_id, BTC // 100, 600 * USDT, 1, 2,
                 11, 12, trade_id % 2 == 0, 0, 0, at)  # fmt: skip


def export(environment: dict[str, str], adapters: str, output: Path) -> str:
    finished = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "export-trades", "--symbol", "BTCUSDT",
         "--day", DAY.isoformat(), "--output", str(output), "--adapters", adapters],
        cwd=ROOT, env=os.environ | environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


async def test_a_day_is_exported_from_the_store_in_trade_id_order(
    postgres_url: str, postgres_engine: AsyncEngine, tmp_path: Path
) -> None:
    store = PostgresUnitOfWorkFactory(postgres_engine, SecretBox(SecretBox.new_key()))
    async with store() as uow:
        for trade_id, at in enumerate([MIDNIGHT - 1, MIDNIGHT, MIDNIGHT + 5, MIDNIGHT + 86_399_999,
                                       MIDNIGHT + 86_400_000], 1):  # fmt: skip
            await uow.trades.add(trade(trade_id, at))
        await uow.commit()
    environment = {"BOURSE_DATABASE_URL": postgres_url, "BOURSE_SECRET_KEY": SecretBox.new_key()}

    said = export(environment, "local", tmp_path / "day.csv")

    assert "3 trades of BTCUSDT on 2024-11-25" in said
    assert (tmp_path / "day.csv").read_text().splitlines() == [
        f"2,60000.00000002,0.01000000,600.00000000,{MIDNIGHT},True,True",
        f"3,60000.00000003,0.01000000,600.00000000,{MIDNIGHT + 5},False,True",
        f"4,60000.00000004,0.01000000,600.00000000,{MIDNIGHT + 86_399_999},True,True",
    ]


async def test_an_archived_day_is_exported_from_the_archive(
    postgres_url: str, postgres_engine: AsyncEngine, moto_url: str, tmp_path: Path
) -> None:
    environment = await asyncio.to_thread(aws_environment, moto_url, postgres_url, REDIS)
    aws = AwsSettings.from_env(environment)
    archived = b"7,60000.00000000,0.01000000,600.00000000,1732530000000,False,True\n"
    async with AwsClients(aws.region, aws.endpoint_url) as clients:
        await S3TradeArchive(clients, aws.archive_bucket).put(
            "BTCUSDT", DAY, gzip.compress(archived)
        )

    said = export(environment, "aws", tmp_path / "day.csv")

    assert "1 trades of BTCUSDT" in said
    assert (tmp_path / "day.csv").read_bytes() == archived
