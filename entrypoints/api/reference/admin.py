"""The admin routes beyond transfers and market statuses: accounts and their freezes, the audit
log, the caller's identity and the system view, as the admin console uses them."""

from entrypoints.api.reference.endpoint import Access, Answer, Endpoint, Param
from entrypoints.api.reference.parameters import END_TIME, START_TIME, limit
from entrypoints.api.reference.refusals import (
    ADMIN,
    DUPLICATE_PARAMETER,
    ILLEGAL,
    JSON_BODY,
    MANDATORY,
    NOT_FOUND,
    UNREAD,
)
from entrypoints.api.reference.shapes import (
    ASSET,
    MILLIS,
    ORDER,
    array,
    boolean,
    decimal,
    integer,
    nullable,
    obj,
    text,
)

_QUERY = (*ADMIN, DUPLICATE_PARAMETER, UNREAD, ILLEGAL)
_REASON = 'The JSON body is `{"reason": "..."}`, recorded in the audit log.'
_USER_ID = Param(
    "user_id", text(pattern="^[0-9]{1,19}$"), "The account's id.", example="7", location="path"
)
FREEZE_VIEW = obj(
    userId=integer(minimum=1), frozen=boolean(), reason=text(),
    canceledOrders=integer(minimum=0, description="Open orders cancelled by this freeze."),
    marketsClosed=array(text(), "Markets whose orders stay: closed to cancels (HALT, BREAK)."),
)  # fmt: skip

FIND_ACCOUNT = Endpoint(
    "Find an account (admin)", Access.ADMIN, 1,
    description="One account by `email` or `userId`: its balances, open orders and freeze.",
    params=(
        Param("email", text(), "The email it signed up with.", example="ada@example.com"),
        Param("userId", integer(minimum=1), "Its id.", example=7),
    ),
    refusals=(*_QUERY, MANDATORY, NOT_FOUND),
    answer=Answer(
        obj(
            userId=integer(minimum=1), email=text(), createdAt=MILLIS,
            frozen=nullable(obj(time=MILLIS, reason=text())),
            balances=array(obj(asset=ASSET, free=decimal(), locked=decimal())),
            openOrders=array(ORDER),
        ),
        "The account.",
    ),
)  # fmt: skip
SEARCH_ACCOUNTS = Endpoint(
    "Search accounts (admin)", Access.ADMIN, 1,
    description="The accounts whose email holds `email` (in any case), oldest first.",
    params=(
        Param("email", text(), "A part of the email.", required=True, example="example.com"),
        limit(20, 100),
    ),
    refusals=(*_QUERY, MANDATORY),
    answer=Answer(
        array(obj(userId=integer(minimum=1), email=text(), createdAt=MILLIS, frozen=boolean())),
        "The accounts found.",
    ),
)  # fmt: skip
FREEZE = Endpoint(
    "Freeze an account (admin)", Access.ADMIN, 1,
    description="From now on its orders are refused (-2010), its API keys (-2015) and its "
    "logins (-1002) too; its open orders are cancelled by their engines, its streams closed. "
    f"Freezing a frozen account cancels what it still has open. {_REASON}",
    params=(_USER_ID,), refusals=(*JSON_BODY, *ADMIN, NOT_FOUND),
    answer=Answer(FREEZE_VIEW, "The freeze as carried out."),
)  # fmt: skip
UNFREEZE = Endpoint(
    "Unfreeze an account (admin)", Access.ADMIN, 1,
    description="Its API keys and logins work again; cancelled orders stay cancelled. "
    f"{_REASON}",
    params=(_USER_ID,), refusals=(*JSON_BODY, *ADMIN, NOT_FOUND),
    answer=Answer(FREEZE_VIEW, "The account, no longer frozen."),
)  # fmt: skip
AUDIT = Endpoint(
    "Audit log (admin)", Access.ADMIN, 1,
    description="Every admin act, newest first: who (an admin's email, or `token`), what (the "
    "act and its parameters), when and why. Entries are never changed or deleted; page back "
    "with `beforeId`, the last id of a page.",
    params=(
        Param("actor", text(), "Only this actor's acts.", example="ada@example.com"),
        Param("act", text(), "Only this act.", example="market.status"),
        START_TIME, END_TIME,
        Param("beforeId", integer(minimum=1), "Only entries numbered below it."),
        limit(100, 1000),
    ),
    refusals=(*_QUERY, MANDATORY),
    answer=Answer(
        array(obj(
            id=integer(minimum=1), time=MILLIS, actor=text(), act=text(),
            params=obj("The act's parameters, as text."), reason=text(),
        )),
        "The entries.",
    ),
)  # fmt: skip
OPERATOR = Endpoint(
    "Who am I (admin)", Access.ADMIN, 1,
    description="The name the caller's admin acts are recorded under.",
    params=(), refusals=ADMIN, answer=Answer(obj(actor=text()), "The caller."),
)  # fmt: skip
SYSTEM = Endpoint(
    "System view (admin)", Access.ADMIN, 1,
    description="Each live process of every role (it beats every 2 s) with its measures, from "
    "the same metrics as its `/metrics`: requests and 5xx errors (in all, and over the last "
    "minute), order commands, store errors, command bus timeouts and lag, outbox backlog and "
    "lag, stream connections; and each market's status and lease: the engine holding it, "
    "since when, and its fencing epoch.",
    params=(), refusals=ADMIN,
    answer=Answer(
        obj(
            time=MILLIS,
            processes=array(obj(
                processId=text(), role=text(), host=text(), pid=integer(), startedAt=MILLIS,
                seenAt=MILLIS, measures=obj("Measure name to number."),
            )),
            markets=array(obj(
                symbol=text(), status=text(),
                lease=nullable(obj(
                    owner=text(), epoch=integer(), heldSince=MILLIS, expiresAt=MILLIS,
                    sequence=integer(),
                )),
            )),
        ),
        "The system now.",
    ),
)  # fmt: skip
