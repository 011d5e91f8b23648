"""Refusals that come from the application rather than the domain's rules of trading."""


class ApplicationError(Exception):
    """A request that cannot be served as asked."""


class EmailTaken(ApplicationError):
    """Another user signed up with this email. The message never names the email: the answer
    may reach someone other than its owner."""

    def __init__(self) -> None:
        super().__init__("That email is already registered.")


class ReferenceTaken(ApplicationError):
    """Another deposit or withdrawal was entered under this reference."""

    def __init__(self) -> None:
        super().__init__("That reference is already used by another deposit or withdrawal.")


class AlreadyListed(ApplicationError):
    """An asset code or a market symbol listed already."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is already listed.")


class InvalidCredentials(ApplicationError):
    """Wrong email or password, or an unknown, expired or revoked token."""


class InvalidToken(InvalidCredentials):
    """An access or refresh token that is malformed, expired or revoked."""


class ConcurrentChange(ApplicationError):
    """Another request changed the same record since this one read it; nothing was kept."""

    def __init__(self) -> None:
        super().__init__("Changed meanwhile by another request; please try again.")


class RateLimited(ApplicationError):
    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(
            f"Too much request weight used; current limit is {limit} request weight per 1 "
            "MINUTE. Please use WebSocket Streams for live updates to avoid polling the API."
        )
        self.retry_after = retry_after


class TooManyOrders(ApplicationError):
    """One of the account's unfilled order counts is at its limit."""

    def __init__(self, limit: int, interval_num: int, interval: str) -> None:
        super().__init__(
            f"Too many new orders; current limit is {limit} orders per {interval_num} {interval}."
        )


class FeatureDisabled(ApplicationError):
    """A feature switched off by configuration, such as the faucet outside demo mode."""


class NotFound(ApplicationError):
    """Nothing of the caller's goes by that name."""


class MarketUnavailable(ApplicationError):
    """The market's engine is not running, so no command can be taken now."""

    def __init__(self, symbol: str) -> None:
        super().__init__(f"Market {symbol} is unavailable; please try again.")


class Unavailable(ApplicationError):
    """A store or service the request needs cannot be reached now; nothing was changed."""


class LeaseLost(ApplicationError):
    """Another process took over the market: this one may no longer commit for it."""


class BackendTimeout(ApplicationError):
    """No answer came from the market's engine in time: the command may or may not have been
    carried out, and the order's fate is to be read by its client order id."""

    def __init__(self) -> None:
        super().__init__(
            "Timeout waiting for response from backend server. Send status unknown; "
            "execution status unknown."
        )


class SecretMissing(ApplicationError):
    """The secret store holds nothing by the name the configuration gives."""


class StreamMissing(ApplicationError):
    """The event log has no stream, or the stream no shard, by that name."""
