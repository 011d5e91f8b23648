"""The archive of completed days of trades in the S3 archive bucket, a day's file at
`trades/SYMBOL/YYYY-MM-DD.csv.gz` (where the trade archiver Lambda writes it)."""

from datetime import date

from botocore.exceptions import ClientError

from adapters.aws.clients import AwsClients, error_code, reachable


def archive_key(symbol: str, day: date) -> str:
    return f"trades/{symbol}/{day.isoformat()}.csv.gz"


class S3TradeArchive:
    def __init__(self, clients: AwsClients, bucket: str) -> None:
        self._clients = clients
        self._bucket = bucket

    async def get(self, symbol: str, day: date) -> bytes | None:
        s3 = await self._clients.client("s3")
        try:
            with reachable("trade archive"):
                found = await s3.get_object(Bucket=self._bucket, Key=archive_key(symbol, day))
                async with found["Body"] as body:
                    data: bytes = await body.read()
                    return data
        except ClientError as error:
            if error_code(error) in ("NoSuchKey", "404"):
                return None
            raise

    async def put(self, symbol: str, day: date, data: bytes) -> None:
        s3 = await self._clients.client("s3")
        with reachable("trade archive"):
            await s3.put_object(
                Bucket=self._bucket,
                Key=archive_key(symbol, day),
                Body=data,
                ContentType="text/csv",
                ContentEncoding="gzip",
            )
