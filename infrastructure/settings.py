"""The names the `aws` adapter mode reads from its environment, taken from the resources
(`entrypoints.settings.AWS_VARIABLES` reads them by the same names)."""

from __future__ import annotations

from infrastructure.config import EnvironmentConfig
from infrastructure.data import DataStores
from infrastructure.database import DATABASE_NAME
from infrastructure.load_balancer import IDLE_TIMEOUT_SECONDS


def runtime_settings(config: EnvironmentConfig, data: DataStores) -> dict[str, str]:
    cluster = data.database.cluster
    return {
        "BOURSE_ADAPTERS": "aws",
        "AWS_REGION": config.region,
        "BOURSE_DATABASE_SECRET_ARN": data.database.secret_arn,
        "BOURSE_DATABASE_HOST": cluster.endpoint,
        "BOURSE_DATABASE_NAME": DATABASE_NAME,
        "BOURSE_REDIS_URL": data.cache.url,
        "BOURSE_REDIS_AUTH_SECRET_ARN": data.cache.auth_secret.arn,
        "BOURSE_SECRET_KEY_SECRET_ARN": data.service_secrets.secret_key.arn,
        "BOURSE_JWT_SECRET_ARN": data.service_secrets.jwt_secret.arn,
        "BOURSE_ADMIN_TOKEN_SECRET_ARN": data.service_secrets.admin_token.arn,
        "BOURSE_TRADES_TABLE": data.trades_table.name,
        "BOURSE_CANDLES_TABLE": data.candles_table.name,
        "BOURSE_BOOK_SNAPSHOTS_TABLE": data.book_snapshots_table.name,
        "BOURSE_TRADE_STREAM": data.trade_stream.name,
        "BOURSE_ORDER_STREAM": data.order_stream.name,
        "BOURSE_ARCHIVE_BUCKET": data.archive_bucket.bucket,
        # Every connection comes from the load balancer, whose addresses are in the VPC's public
        # subnets: the client is the one it names in X-Forwarded-For.
        "BOURSE_TRUSTED_PROXIES": config.vpc_cidr,
        # Longer than the balancer keeps an idle connection to a task, so that a task never
        # closes one just as the balancer sends on it (the balancer would answer 502).
        "BOURSE_KEEP_ALIVE_S": str(IDLE_TIMEOUT_SECONDS + 5),
        # The trading page, served on the API's name, loads its assets from CloudFront and its
        # streams from the load balancer's WebSocket name.
        "BOURSE_ASSETS_ORIGIN": f"https://static.{config.domain_name}",
        "BOURSE_STREAMS_URL": f"wss://ws.{config.domain_name}",
    }
