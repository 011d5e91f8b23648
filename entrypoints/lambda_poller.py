"""The Lambda functions of the trade stream, run in this process on a local run of `aws` mode
(`BOURSE_AWS_ENDPOINT_URL` names a moto server, which cannot run Lambda functions without
Docker): a poller per function reads the stream as Lambda's event source mapping does, hands the
same handler functions the event Lambda delivers (base64 data, sequence numbers), and moves its
checkpoint past what the handler took: up to the first record it reports failed, which is
delivered again, up to `RETRIES` times, after which it is passed over as Lambda passes a batch
over to its on-failure destination. Checkpoints live as long as the process: after a restart a
poller reads the stream from its oldest record, which the handlers, being idempotent, fold
once."""

import asyncio
import base64
import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any

import boto3
from attrs import define, field

from adapters.aws.clients import CLIENT_CONFIG
from application.errors import ApplicationError
from application.messaging_ports import EventLog
from application.records import StoredRecord
from entrypoints.lambdas.candle_builder import build_candles
from entrypoints.lambdas.trade_archiver import archive_trades
from entrypoints.settings import AwsSettings

BATCH_SIZE = 100  # as infrastructure/ maps the trade stream to its functions
POLL_S = 0.2
RETRIES = 5
Handler = Callable[[Mapping[str, Any]], Mapping[str, Any]]

logger = logging.getLogger(__name__)


def lambda_event(
    stream_arn: str, region: str, shard: str, records: list[StoredRecord]
) -> dict[str, Any]:
    """The event a Kinesis event source mapping hands a function."""
    return {
        "Records": [
            {
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": record.partition_key,
                    "sequenceNumber": record.sequence_number,
                    "data": base64.b64encode(record.data).decode(),
                    "approximateArrivalTimestamp": record.arrived_at / 1000,
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": f"{shard}:{record.sequence_number}",
                "eventName": "aws:kinesis:record",
                "eventSourceARN": stream_arn,
                "awsRegion": region,
            }
            for record in records
        ]
    }


@define
class StreamPoller:
    """One function on one stream, as an event source mapping runs it."""

    name: str
    log: EventLog
    stream: str
    stream_arn: str
    region: str
    handle: Handler
    checkpoints: dict[str, str | None] = field(factory=dict)
    _retries: dict[str, int] = field(factory=dict)

    async def run(self) -> None:
        while True:
            try:
                busy = await self.poll_once()
            except ApplicationError as error:
                logger.warning("%s waits for the stream %s: %s", self.name, self.stream, error)
                busy = False
            except Exception:
                logger.exception(
                    "%s failed on the stream %s; polling again", self.name, self.stream
                )
                busy = False
            if not busy:
                await asyncio.sleep(POLL_S)

    async def poll_once(self) -> bool:
        """Hands each shard's next batch to the function; whether any shard had records."""
        busy = False
        for shard in await self.log.shards(self.stream):
            after = self.checkpoints.get(shard)
            records = await self.log.read(self.stream, shard, after, BATCH_SIZE)
            if not records:
                continue
            busy = True
            event = lambda_event(self.stream_arn, self.region, shard, records)
            answer = await asyncio.to_thread(self.handle, event)
            self.checkpoints[shard] = self._taken(shard, records, answer)
        return busy

    def _taken(
        self, shard: str, records: list[StoredRecord], answer: Mapping[str, Any]
    ) -> str | None:
        """The sequence number to read after: the last record's, or the one before the first
        failed record's (the failed one after `RETRIES` deliveries)."""
        failed = {item["itemIdentifier"] for item in answer.get("batchItemFailures", [])}
        for index, record in enumerate(records):
            if record.sequence_number not in failed:
                continue
            tries = self._retries[record.sequence_number] = (
                self._retries.get(record.sequence_number, 0) + 1
            )
            if tries <= RETRIES:
                # Read again from the failed record: the batch's first is where this read began.
                return records[index - 1].sequence_number if index else self.checkpoints.get(shard)
            logger.error("%s passes over record %s of %s", self.name, record.sequence_number, shard)
        self._retries.clear()
        return records[-1].sequence_number


def trade_stream_pollers(aws: AwsSettings, log: EventLog) -> list[StreamPoller]:
    """The trade stream's functions (as `infrastructure.compute` deploys them), on the local
    endpoint."""
    region = aws.region or "us-east-1"
    dynamodb, s3 = (
        boto3.client(
            service, endpoint_url=aws.endpoint_url, region_name=region, config=CLIENT_CONFIG
        )
        for service in ("dynamodb", "s3")
    )
    arn = f"arn:aws:kinesis:{region}:000000000000:stream/{aws.trade_stream}"
    functions: dict[str, Handler] = {
        "trade-archiver": functools.partial(
            archive_trades,
            dynamodb=dynamodb,
            table=aws.trades_table,
            s3=s3,
            bucket=aws.archive_bucket,
        ),
        "candle-builder": functools.partial(
            build_candles, dynamodb=dynamodb, table=aws.candles_table
        ),
    }
    return [
        StreamPoller(name, log, aws.trade_stream, arn, region, handle)
        for name, handle in functions.items()
    ]
