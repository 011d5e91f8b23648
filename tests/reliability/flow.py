"""Order flow from several accounts at once, and a record of every answer: what the server
acknowledged (HTTP 200) is what it promised to keep; anything else promised nothing."""

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import httpx
from attrs import define, field, frozen

from adapters.memory.demo_listing import demo_markets
from domain.markets import Market
from tests.reliability.server import Account, SignedSession

MARKETS: dict[str, Market] = {market.symbol: market for market in demo_markets()}
# Around each mid, in steps of whole ticks: a buy above the mid or a sell below it may cross.
MIDS = {"BTCUSDT": Decimal("30000"), "ETHUSDT": Decimal("2000")}
STEPS = {"BTCUSDT": Decimal("0.5"), "ETHUSDT": Decimal("0.05")}
LOTS_PER_ORDER = (100, 500)  # 0.001-0.005 BTC, 0.01-0.05 ETH: 20-150 USDT, above the minimum
FUNDS = {"USDT": "2000000", "BTC": "100", "ETH": "1000"}
TERMINAL = ("FILLED", "CANCELED", "EXPIRED", "EXPIRED_IN_MATCH", "REJECTED")
REQUEST_TIMEOUT_S = 5.0


@frozen
class FillAck:
    trade_id: int
    price: int
    quantity: int


@frozen
class Ack:
    """An acknowledged placement or cancel, amounts in minor units."""

    account_id: int
    symbol: str
    order_id: int
    status: str
    executed: int
    fills: tuple[FillAck, ...] = ()


@frozen
class Answer:
    """One request as the client saw it; `status` 0 for no answer at all."""

    kind: str  # place, cancel, depth, open_orders
    symbol: str
    sent: float  # time.monotonic()
    seconds: float
    status: int
    code: int | None
    body: str
    client_id: str | None = None  # of a placement


@define
class Trader:
    """One account placing and canceling limit orders until told to stop, at most `rate`
    requests per second (as fast as answers come when None)."""

    base_url: str
    account: Account
    seed: int
    stopping: threading.Event
    rate: float | None = None
    symbols: tuple[str, ...] = ("BTCUSDT", "ETHUSDT")
    placed: list[Ack] = field(factory=list)
    canceled: list[Ack] = field(factory=list)
    answers: list[Answer] = field(factory=list)
    client_ids: list[tuple[str, str]] = field(factory=list)  # every placement tried
    _open: list[tuple[str, int]] = field(factory=list)

    def run(self) -> None:
        dice = random.Random(self.seed)
        session = SignedSession(self.base_url, self.account, REQUEST_TIMEOUT_S)
        began, sent = time.monotonic(), 0
        try:
            while not self.stopping.is_set():
                if self.rate is not None:
                    time.sleep(max(0.0, began + sent / self.rate - time.monotonic()))
                sent += 1
                if self._open and dice.random() < 0.35:
                    self._cancel(session, self._open[dice.randrange(len(self._open))])
                else:
                    self._place(session, dice)
        finally:
            session.close()

    def _place(self, session: SignedSession, dice: random.Random) -> None:
        symbol = dice.choice(self.symbols)
        market = MARKETS[symbol]
        side = dice.choice(("BUY", "SELL"))
        offset = dice.randint(-12, 3) if side == "BUY" else dice.randint(-3, 12)
        price = MIDS[symbol] + STEPS[symbol] * offset
        lots = dice.randint(*LOTS_PER_ORDER)
        quantity = Decimal(lots * market.lot_size).scaleb(-market.base.precision)
        client_id = f"r{self.account.user_id}x{len(self.client_ids)}"
        self.client_ids.append((symbol, client_id))
        answer, body = self._call(
            session,
            "place",
            "POST",
            symbol=symbol,
            side=side,
            type="LIMIT",
            timeInForce="GTC",
            quantity=format(quantity, "f"),
            price=format(price, "f"),
            newClientOrderId=client_id,
            newOrderRespType="FULL",
        )
        if answer.status != 200 or not isinstance(body, dict):
            return
        ack = Ack(
            self.account.user_id,
            symbol,
            body["orderId"],
            body["status"],
            market.base.to_minor(body["executedQty"]),
            tuple(
                FillAck(
                    fill["tradeId"],
                    market.quote.to_minor(fill["price"]),
                    market.base.to_minor(fill["qty"]),
                )
                for fill in body["fills"]
            ),
        )
        self.placed.append(ack)
        if ack.status not in TERMINAL:
            self._open.append((symbol, ack.order_id))

    def _cancel(self, session: SignedSession, order: tuple[str, int]) -> None:
        symbol, order_id = order
        answer, body = self._call(session, "cancel", "DELETE", symbol=symbol, orderId=order_id)
        if answer.status == 200 and isinstance(body, dict):
            executed = MARKETS[symbol].base.to_minor(body["executedQty"])
            self.canceled.append(
                Ack(self.account.user_id, symbol, order_id, body["status"], executed)
            )
        if answer.status == 200 or answer.code == -2011:  # canceled, or filled meanwhile
            self._open.remove(order)

    def _call(
        self, session: SignedSession, kind: str, method: str, **params: object
    ) -> tuple[Answer, object]:
        symbol, client_id = str(params["symbol"]), params.get("newClientOrderId")
        answer, body = call(
            kind,
            symbol,
            lambda: session.request(method, "/api/v3/order", **params),
            None if client_id is None else str(client_id),
        )
        self.answers.append(answer)
        if answer.status in (0, 503):
            time.sleep(0.02)  # the server is down or rebuilding: no need to spin
        return answer, body


def call(
    kind: str, symbol: str, send: Callable[[], httpx.Response], client_id: str | None = None
) -> tuple[Answer, object]:
    """Sends one request, timing it; a transport failure is an answer of status 0."""
    sent = time.monotonic()
    try:
        response = send()
    except httpx.TransportError as error:
        seconds = time.monotonic() - sent
        return Answer(kind, symbol, sent, seconds, 0, None, repr(error), client_id), None
    seconds = time.monotonic() - sent
    try:
        body: object = response.json()
    except ValueError:
        body = None
    code = body.get("code") if isinstance(body, dict) else None
    answer = Answer(
        kind, symbol, sent, seconds, response.status_code, code, response.text[:300], client_id
    )
    return answer, body


def tally(answers: list[Answer]) -> dict[str, int]:
    """How many answers of each kind, status and code: {"place 200": 180, ...}."""
    kinds = Counter(f"{a.kind} {a.status}{'' if a.code is None else f' {a.code}'}" for a in answers)
    return dict(sorted(kinds.items()))


@define
class Workers:
    """Threads running until they return; whatever one raised is kept for the test to see."""

    threads: list[threading.Thread] = field(factory=list)
    errors: list[BaseException] = field(factory=list)

    def start(self, work: Callable[[], None]) -> None:
        thread = threading.Thread(target=self._run, args=(work,), daemon=True)
        self.threads.append(thread)
        thread.start()

    def _run(self, work: Callable[[], None]) -> None:
        try:
            work()
        except BaseException as error:
            self.errors.append(error)
            raise

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        assert not any(thread.is_alive() for thread in self.threads), "a client hangs"
        assert not self.errors, f"a client failed: {self.errors!r}"
