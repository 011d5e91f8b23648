"""A live server on loopback for real clients (ccxt, python-binance, WebSocket clients), run
in a thread of this process so that tests can open accounts through the use cases on the
server's own event loop."""

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import attrs
import ccxt
import ccxt.pro
import httpx
import pyotp
import pytest
import redis
import uvicorn
from binance.client import Client
from litestar import Litestar

from adapters.security.secret_box import SecretBox
from adapters.security.signatures import sign
from entrypoints.api.app import create_app
from entrypoints.api.transport import server_options
from entrypoints.aws_secrets import read_from_aws
from entrypoints.container import Container
from entrypoints.server import build_app, build_container, build_ops_app
from entrypoints.settings import AwsSettings, Settings
from tests.aws_mode import aws_environment
from tests.conftest import REDIS, empty
from tests.e2e.conftest import SETTINGS

T = TypeVar("T")


class LiveServer:
    def __init__(self, settings: Settings = SETTINGS, companions: Sequence[Settings] = ()) -> None:
        self.settings = settings
        # Processes of other roles that this one needs, each on a loop and thread of its own.
        self.companions = [LiveServer(companion) for companion in companions]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        app, self.container = _app(settings)
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=self.port,
                log_level="warning",
                **server_options(settings),
            )
        )
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_until_complete, args=(self.server.serve(),), daemon=True
        )

    def __enter__(self) -> "LiveServer":
        for companion in self.companions:
            companion.__enter__()
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start within 20 s")
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        for companion in reversed(self.companions):
            companion.__exit__()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=20)

    def api_key(self, name: str, **funds: str) -> tuple[str, str, int]:
        container: Container = self.container
        accounts = container.accounts()
        user = self.run(accounts.sign_up(f"{name}@example.com", "correct horse battery"))
        key = self.run(accounts.create_api_key(user.user_id, name))
        for asset, amount in funds.items():
            deposit = container.funds().deposit
            self.run(deposit(user.user_id, asset, Decimal(amount), f"funding {name} {asset}"))
        return key.api_key, key.secret, user.user_id

    def admin(self, name: str) -> tuple[str, str]:
        """An admin with two-factor authentication (as `bourse grant-admin` and the two-factor
        routes make one), and a recovery code to log in with: email, code."""
        container: Container = self.container
        email = f"{name}@example.com"
        user = self.run(container.accounts().sign_up(email, "correct horse battery"))
        enrolment = self.run(container.two_factor().enrol(user.user_id))
        code = pyotp.TOTP(enrolment.secret).now()
        recovery_codes = self.run(container.two_factor().enable(user.user_id, code))
        self.run(container.operators().grant_admin(email))
        return email, recovery_codes[0]

    def admin_headers(self, name: str) -> dict[str, str]:
        """The bearer header of a fresh admin's login."""
        email, code = self.admin(name)
        tokens = self.run(self.container.accounts().login(email, "correct horse battery", code))
        return {"Authorization": f"Bearer {tokens.access_token}"}

    def ccxt(self, name: str, **funds: str) -> Any:
        return self.point_ccxt(ccxt.binance, name, **funds)

    def ccxt_pro(self, name: str, **funds: str) -> Any:
        exchange = self.point_ccxt(ccxt.pro.binance, name, **funds)
        exchange.urls["api"]["ws"]["spot"] = f"{self.ws_url}/ws"
        exchange.urls["api"]["ws"]["ws-api"]["spot"] = f"{self.ws_url}/ws-api/v3"
        return exchange

    def point_ccxt(self, kind: Any, name: str, **funds: str) -> Any:
        """A ccxt binance client of a new funded account, with every REST URL pointed here."""
        api_key, secret, _ = self.api_key(name, **funds)
        exchange = kind(
            {
                "apiKey": api_key,
                "secret": secret,
                "enableRateLimit": False,
                "options": {
                    "defaultType": "spot",
                    "fetchCurrencies": False,
                    "fetchMargins": False,
                    "fetchMarkets": {"types": ["spot"]},
                },
            }
        )
        for name_, url in exchange.urls["api"].items():
            if isinstance(url, str):
                exchange.urls["api"][name_] = self.base_url + urlsplit(url).path
        return exchange

    def signed(self, name: str, **funds: str) -> "SignedClient":
        api_key, secret, _ = self.api_key(name, **funds)
        return SignedClient(self.base_url, api_key, secret)

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://")

    def python_binance(self, name: str, **funds: str) -> Client:
        api_key, secret, _ = self.api_key(name, **funds)
        client = Client(api_key, secret, ping=False)
        client.API_URL = self.base_url + "/api"
        return client


def _app(settings: Settings) -> tuple[Litestar, Container]:
    if settings.role == "all":
        return build_app(settings)
    if settings.role == "api":  # an api process that also serves the streams
        container = build_container(settings)
        return create_app(container, ("api", "websocket")), container
    return build_ops_app(settings)


def settled(read: Callable[[], T], done: Callable[[T], bool], seconds: float = 10) -> T:
    """What `read` answers once `done` holds of it, or at last: in `aws` mode, public history
    is read from DynamoDB, which the trade stream's functions fill a moment after the trade."""
    deadline = time.monotonic() + seconds
    found = read()
    while not done(found) and time.monotonic() < deadline:
        time.sleep(0.1)
        found = read()
    return found


@pytest.fixture(scope="module", params=["memory", "local", "split", "aws-split"])
def live(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """A live server on the memory adapters, and on PostgreSQL + Redis (emptied first): in one
    process of every role, and split as the design deploys it, with an engine and a market
    data process beside an api process that runs no engine; and split in `aws` mode, its
    secrets and event log on the session's moto server (`tests.aws_mode`)."""
    settings = SETTINGS
    companions: list[Settings] = []
    if request.param != "memory":
        database_url = request.getfixturevalue("postgres_url")
        asyncio.run(empty(database_url))
        redis.Redis.from_url(REDIS).flushdb()
        settings = attrs.evolve(
            SETTINGS,
            adapters="local",
            database_url=database_url,
            redis_url=REDIS,
            secret_key=SecretBox.new_key(),
        )
    if request.param == "aws-split":
        moto_url = request.getfixturevalue("moto_url")
        aws = AwsSettings.from_env(aws_environment(moto_url, database_url, REDIS))
        settings = asyncio.run(read_from_aws(attrs.evolve(settings, adapters="aws", aws=aws)))
        settings = attrs.evolve(settings, database_url=aws.database_url)
    if request.param in ("split", "aws-split"):
        companions = [attrs.evolve(settings, role=role) for role in ("engine", "marketdata")]
        settings = attrs.evolve(settings, role="api")
    with LiveServer(settings, companions) as server:
        yield server


class SignedClient:
    """A plain HTTP client that signs its requests like a Binance client."""

    def __init__(self, base_url: str, api_key: str, secret: str) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=10)
        self.api_key = api_key
        self.secret = secret

    def call(self, method: str, path: str, **params: Any) -> Any:
        query = urlencode(params | {"timestamp": int(time.time() * 1000)})
        signed = f"{query}&signature={sign(self.secret, query)}"
        headers = {"X-MBX-APIKEY": self.api_key}
        response = self.client.request(method, f"{path}?{signed}", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()
