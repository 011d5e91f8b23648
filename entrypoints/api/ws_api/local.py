"""The WebSocket API's methods of the connection itself, which have no REST endpoint: its
session (`session.logon`, `session.status`, `session.logout`) and its user data stream subscriptions
(`userDataStream.subscribe`, `.subscribe.signature`, `.unsubscribe`, `session.subscriptions`).
Each weighs 2, as on Binance."""

from typing import Any

from application.records import ApiKey, KeyType
from entrypoints.api.errors import ApiError, mandatory
from entrypoints.api.gate import rejected_key
from entrypoints.api.params import Params
from entrypoints.api.ws_api.dispatch import Answer
from entrypoints.api.ws_api.envelope import RATE_LIMITS, encode
from entrypoints.api.ws_api.methods import signature_payload, texts
from entrypoints.api.ws_api.session import ApiSession, LocalMethod, Logon

WEIGHT = 2


def _read(sent: dict[str, object]) -> Params:
    params = Params(list(texts(sent).items()))
    params.ignore(RATE_LIMITS)
    return params


def _status(session: ApiSession) -> dict[str, Any]:
    logon = session.logon
    return {
        "apiKey": None if logon is None else logon.key.api_key,
        "authorizedSince": None if logon is None else logon.since,
        "connectedSince": session.connected_since,
        "returnRateLimits": session.return_rate_limits,
        "serverTime": session.services.user_streams.clock.now(),
        "userDataStream": bool(session.user_data.active),
    }


async def session_status(session: ApiSession, sent: dict[str, object]) -> Answer:
    _read(sent).check_all_read()
    used = await session.charge(WEIGHT)
    return Answer(200, encode(_status(session)), used)


async def session_logout(session: ApiSession, sent: dict[str, object]) -> Answer:
    _read(sent).check_all_read()
    used = await session.charge(WEIGHT)
    session.log_out()
    return Answer(200, encode(_status(session)), used)


async def subscribe(session: ApiSession, sent: dict[str, object]) -> Answer:
    """The logged-on session's account."""
    _read(sent).check_all_read()
    if session.logon is None:
        raise ApiError(-1002, "You are not authorized to execute this request.", 401)
    key = await session.logged_on_key()
    used = await session.charge(WEIGHT, key)
    subscription_id = await session.user_data.subscribe(key, by_logon=True)
    return Answer(200, encode({"subscriptionId": subscription_id}), used)


async def _signed_key(session: ApiSession, sent: dict[str, object]) -> ApiKey:
    """The key that signed a request of the connection's own (no other parameter allowed)."""
    params = texts(sent)
    checked = Params(list(params.items()))
    checked.ignore(RATE_LIMITS)
    api_key = checked.text("apiKey")
    if api_key is None:
        raise mandatory("apiKey")
    payload = signature_payload(params)
    key = await session.services.gate.verified(api_key, checked, payload, session.address)
    checked.check_all_read()
    return key


async def logon(session: ApiSession, sent: dict[str, object]) -> Answer:
    """Later requests speak for the key without signatures; Ed25519 keys alone may, as on
    Binance."""
    key = await _signed_key(session, sent)
    if key.key_type is not KeyType.ED25519:
        raise rejected_key()
    used = await session.charge(WEIGHT, key)
    session.logon = Logon(key, session.services.user_streams.clock.now())
    return Answer(200, encode(_status(session)), used)


async def subscribe_signature(session: ApiSession, sent: dict[str, object]) -> Answer:
    """The account of the API key that signed the request, logged on or not."""
    key = await _signed_key(session, sent)
    used = await session.charge(WEIGHT, key)
    subscription_id = await session.user_data.subscribe(key, by_logon=False)
    return Answer(200, encode({"subscriptionId": subscription_id}), used)


async def unsubscribe(session: ApiSession, sent: dict[str, object]) -> Answer:
    """One subscription by its id, or every one."""
    params = _read(sent)
    wanted = params.integer("subscriptionId", minimum=0)
    params.check_all_read()
    used = await session.charge(WEIGHT)
    session.user_data.end_where(
        lambda subscription: wanted is None or subscription.subscription_id == wanted
    )
    return Answer(200, b"{}", used)


async def subscriptions(session: ApiSession, sent: dict[str, object]) -> Answer:
    _read(sent).check_all_read()
    used = await session.charge(WEIGHT)
    active = [{"subscriptionId": number} for number in session.user_data.active]
    return Answer(200, encode(active), used)


LOCAL_METHODS: dict[str, LocalMethod] = {
    "session.logon": logon,
    "session.status": session_status,
    "session.logout": session_logout,
    "userDataStream.subscribe": subscribe,
    "userDataStream.subscribe.signature": subscribe_signature,
    "userDataStream.unsubscribe": unsubscribe,
    "session.subscriptions": subscriptions,
}
