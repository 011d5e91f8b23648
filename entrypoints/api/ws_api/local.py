"""The WebSocket API's methods of the connection itself, which have no REST endpoint: its
session (`session.status`, `session.logout`) and its user data stream subscriptions
(`userDataStream.subscribe`, `.subscribe.signature`, `.unsubscribe`, `session.subscriptions`).
Each weighs 2, as on Binance."""

from typing import Any

from entrypoints.api.errors import ApiError, mandatory
from entrypoints.api.params import Params
from entrypoints.api.ws_api.dispatch import Answer
from entrypoints.api.ws_api.envelope import RATE_LIMITS, encode
from entrypoints.api.ws_api.methods import signature_payload, texts
from entrypoints.api.ws_api.session import REJECTED_KEY, ApiSession, LocalMethod

WEIGHT = 2
NOT_LOGGED_ON = ApiError(-1002, "You are not authorized to execute this request.", 401)


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
        await session.charge(WEIGHT)
        raise NOT_LOGGED_ON
    key = await session.services.accounts.api_key(session.logon.key.api_key)
    if key is None:
        session.log_out()
        raise REJECTED_KEY
    used = await session.charge(WEIGHT, key)
    subscription_id = await session.user_data.subscribe(key, by_logon=True)
    return Answer(200, encode({"subscriptionId": subscription_id}), used)


async def subscribe_signature(session: ApiSession, sent: dict[str, object]) -> Answer:
    """The account of the API key that signed the request, logged on or not."""
    params = texts(sent)
    checked = Params(list(params.items()))
    checked.ignore(RATE_LIMITS)
    api_key = checked.text("apiKey")
    if api_key is None:
        raise mandatory("apiKey")
    key = await session.services.gate.verified(api_key, checked, signature_payload(params))
    checked.check_all_read()
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
    "session.status": session_status,
    "session.logout": session_logout,
    "userDataStream.subscribe": subscribe,
    "userDataStream.subscribe.signature": subscribe_signature,
    "userDataStream.unsubscribe": unsubscribe,
    "session.subscriptions": subscriptions,
}
