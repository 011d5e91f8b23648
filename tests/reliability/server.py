"""A Bourse process of any role in a subprocess on loopback, killed and restarted at will, and
the accounts that trade on it as a Binance client would: signed with HMAC-SHA256 over plain
HTTP."""

import os
import signal
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self
from urllib.parse import urlencode

import httpx
import pyotp
from attrs import frozen
from prometheus_client.parser import text_string_to_metric_families

from adapters.security.secret_box import SecretBox
from adapters.security.signatures import sign
from entrypoints.roles import SERVE_ROLES

ROOT = Path(__file__).resolve().parents[2]
# A process of aws mode first reads its secrets and opens its AWS clients: starting several at
# once on a busy two-core machine took past 30 s.
START_TIMEOUT_S = 60.0
ADMIN_TOKEN = "reliability-admin-token"
PASSWORD = "correct horse battery staple"


def server_environment(database_url: str, redis_url: str) -> dict[str, str]:
    """What `bourse serve` reads, for a server of this test's own."""
    return os.environ | {
        "BOURSE_DATABASE_URL": database_url,
        "BOURSE_REDIS_URL": redis_url,
        "BOURSE_SECRET_KEY": SecretBox.new_key(),
        "BOURSE_JWT_SECRET": "reliability-jwt-secret",
        "BOURSE_ADMIN_TOKEN": ADMIN_TOKEN,
        "BOURSE_WEIGHT_PER_MINUTE": "1000000",
        "BOURSE_ORDERS_PER_10S": "1000000",
        "BOURSE_LEASE_TTL_MS": "1000",
        "BOURSE_FAUCET": "1",
    }


class ExchangeProcess:
    """`bourse serve --adapters local` (or `aws`; or a role of its own: `--role api`, `engine`,
    ...) on a free loopback port, its public port or its ops port; restarts keep the port."""

    def __init__(
        self,
        environment: dict[str, str],
        log_path: Path,
        role: str = "all",
        adapters: str = "local",
    ) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.role = role
        self.adapters = adapters
        self.environment = environment
        self.log_path = log_path
        self.starts = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.kill()
        if self._log is not None:
            self._log.close()

    def start(self) -> float:
        """Starts the server and waits until it answers; returns the seconds that took."""
        began = time.monotonic()
        self.launch()
        self.wait_answering()
        return time.monotonic() - began

    def launch(self) -> None:
        """Starts the server without waiting for it, so that several start at once."""
        assert self._process is None, "the server is already running"
        if self._log is None:
            self._log = self.log_path.open("ab")
        command = [sys.executable, "-m", "entrypoints.cli", *self._role_arguments()]
        command += ["--adapters", self.adapters, "--log-level", "warning"]
        self._process = subprocess.Popen(
            command, cwd=ROOT, env=self.environment, stdout=self._log, stderr=subprocess.STDOUT
        )
        self.starts += 1

    def wait_answering(self) -> None:
        """Waits until the launched server answers; a role is up once its lifespan ran."""
        assert self._process is not None, "the server is not running"
        began = time.monotonic()
        with httpx.Client(base_url=self.base_url, timeout=2) as client:
            while time.monotonic() - began < START_TIMEOUT_S:
                if self._process.poll() is not None:
                    raise RuntimeError(f"the server exited at start:\n{self.log_tail()}")
                try:
                    if client.get("/health/live").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        raise RuntimeError(f"the server did not answer within {START_TIMEOUT_S} s")

    def _role_arguments(self) -> list[str]:
        if self.role in SERVE_ROLES:
            return ["serve", "--role", self.role, "--no-bots", "--port", str(self.port)]
        return [self.role, "--ops-host", "127.0.0.1", "--ops-port", str(self.port)]

    @property
    def pid(self) -> int:
        assert self._process is not None, "the server is not running"
        return self._process.pid

    def metric(self, name: str) -> dict[str, float]:
        """The values of a metric this process serves at `/metrics` (on its ops port, for the
        engine and market data roles), by symbol."""
        text = httpx.get(f"{self.base_url}/metrics", timeout=5).text
        return {
            sample.labels.get("symbol", ""): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == name
        }

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, as in a crash of the machine's process."""
        if self._process is None:
            return
        self._process.send_signal(signal.SIGKILL)
        self._process.wait(timeout=10)
        self._process = None

    def wait_serving(self, symbols: list[str], timeout: float = 20.0) -> float:
        """Waits until every market's engine serves (its depth answers); returns the seconds."""
        began = time.monotonic()
        waiting = set(symbols)
        with httpx.Client(base_url=self.base_url, timeout=3) as client:
            while waiting:
                if time.monotonic() - began > timeout:
                    raise AssertionError(f"{sorted(waiting)} not served within {timeout} s")
                for symbol in sorted(waiting):
                    answer = client.get("/api/v3/depth", params={"symbol": symbol, "limit": 5})
                    if answer.status_code == 200:
                        waiting.discard(symbol)
                time.sleep(0.05)
        return time.monotonic() - began

    def pause(self) -> None:
        """SIGSTOP: the process holds its connections and leases but does nothing, as in a
        long garbage collection or a stalled machine."""
        assert self._process is not None, "the server is not running"
        self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self._process is not None, "the server is not running"
        self._process.send_signal(signal.SIGCONT)

    def log_tail(self, lines: int = 40) -> str:
        if self._log is not None:
            self._log.flush()
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def tracebacks(self) -> int:
        if self._log is not None:
            self._log.flush()
        return self.log_path.read_text(errors="replace").count("Traceback (most recent call")


@frozen
class Account:
    user_id: int
    api_key: str
    secret: str


def open_account(base_url: str, email: str, funds: dict[str, str]) -> Account:
    """Signs up, takes an API key and has the operator deposit `funds`."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        credentials = {"email": email, "password": PASSWORD}
        user = _ok(client.post("/api/v1/users", json=credentials))
        tokens = _ok(client.post("/api/v1/auth/login", json=credentials))
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        key = _ok(client.post("/api/v1/api-keys", json={"label": "reliability"}, headers=bearer))
        for asset, amount in funds.items():
            transfer = {
                "userId": user["userId"],
                "asset": asset,
                "amount": str(Decimal(amount)),
                "reference": f"funding {email} {asset}",
                "reason": "the reliability run's funding",
            }
            headers = {"X-Admin-Token": ADMIN_TOKEN}
            _ok(client.post("/api/v1/admin/deposits", json=transfer, headers=headers))
    return Account(user["userId"], key["apiKey"], key["secretKey"])


def operator(base_url: str, environment: dict[str, str], email: str) -> dict[str, str]:
    """The bearer header of an admin made as an operator makes one: signed up and enrolled in
    two-factor authentication through the API, granted the role by `bourse grant-admin`, logged
    in with a recovery code."""
    credentials = {"email": email, "password": PASSWORD}
    with httpx.Client(base_url=base_url, timeout=10) as client:
        _ok(client.post("/api/v1/users", json=credentials))
        tokens = _ok(client.post("/api/v1/auth/login", json=credentials))
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        secret = _ok(client.post("/api/v1/two-factor/enrolment", headers=bearer))["secret"]
        code = {"code": pyotp.TOTP(secret).now()}
        enabled = _ok(client.post("/api/v1/two-factor/enable", json=code, headers=bearer))
        grant = [sys.executable, "-m", "entrypoints.cli", "grant-admin", "--email", email,
                 "--adapters", "local"]  # fmt: skip
        granted = subprocess.run(grant, env=environment, capture_output=True, text=True)
        assert granted.returncode == 0, granted.stderr
        second = {"two_factor_code": enabled["recoveryCodes"][0]}
        tokens = _ok(client.post("/api/v1/auth/login", json=credentials | second))
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def _ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), f"{response.request.url}: {response.text}"
    return response.json()


class SignedSession:
    """One account's HTTP connection, signing each request like a Binance client; answers are
    returned as they come, whatever their status."""

    def __init__(self, base_url: str, account: Account, timeout: float) -> None:
        self.account = account
        self.client = httpx.Client(base_url=base_url, timeout=timeout)

    def request(self, method: str, path: str, **params: object) -> httpx.Response:
        query = urlencode(params | {"timestamp": int(time.time() * 1000), "recvWindow": 10000})
        signed = f"{query}&signature={sign(self.account.secret, query)}"
        headers = {"X-MBX-APIKEY": self.account.api_key}
        return self.client.request(method, f"{path}?{signed}", headers=headers)

    def close(self) -> None:
        self.client.close()
