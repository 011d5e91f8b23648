"""Book snapshots in the DynamoDB book-snapshots table: an item per (symbol, sequence), its
levels as zlib-compressed msgpack (a deep book stays far within an item's 400 KB), expiring
a day after it was taken (the table's TTL on `expiresAt`). The latest is one Query on the
market's partition, newest first, limited to one item."""

import zlib

import msgspec

from adapters.aws.clients import AwsClients, reachable
from application.snapshot_ports import BookSnapshot

KEPT_S = 86_400
_Levels = list[tuple[int, int]]
_decoder = msgspec.msgpack.Decoder(tuple[_Levels, _Levels])


class DynamoBookSnapshots:
    def __init__(self, clients: AwsClients, table: str) -> None:
        self._clients = clients
        self._table = table

    async def put(self, snapshot: BookSnapshot) -> None:
        book = zlib.compress(msgspec.msgpack.encode((snapshot.bids, snapshot.asks)))
        dynamodb = await self._clients.client("dynamodb")
        with reachable("book snapshot store"):
            await dynamodb.put_item(
                TableName=self._table,
                Item={
                    "symbol": {"S": snapshot.symbol},
                    "sequence": {"N": str(snapshot.sequence)},
                    "lastTradeId": {"N": str(snapshot.last_trade_id)},
                    "takenAt": {"N": str(snapshot.taken_at)},
                    "expiresAt": {"N": str(snapshot.taken_at // 1000 + KEPT_S)},
                    "book": {"B": book},
                },
            )

    async def latest(self, symbol: str) -> BookSnapshot | None:
        dynamodb = await self._clients.client("dynamodb")
        with reachable("book snapshot store"):
            page = await dynamodb.query(
                TableName=self._table,
                KeyConditionExpression="symbol = :symbol",
                ExpressionAttributeValues={":symbol": {"S": symbol}},
                ScanIndexForward=False,
                Limit=1,
            )
        if not page["Items"]:
            return None
        item = page["Items"][0]
        bids, asks = _decoder.decode(zlib.decompress(item["book"]["B"]))
        return BookSnapshot(
            symbol,
            int(item["sequence"]["N"]),
            bids,
            asks,
            int(item["lastTradeId"]["N"]),
            int(item["takenAt"]["N"]),
        )
