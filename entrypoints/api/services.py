"""Everything a request handler may use, handed over as one dependency (Litestar resolves
several dependencies of one handler concurrently, in a task group per request; one is cheap)."""

from attrs import frozen

from application.accounts import Accounts
from application.freezes import AccountFreezes
from application.funds import Funds
from application.history import History
from application.listing import MarketListing
from application.market_admin import MarketAdmin
from application.market_data import MarketData
from application.operators import Operators
from application.portfolio import Portfolio
from application.snapshot_ports import Cache
from application.system_view import SystemView
from application.trading import Trading
from application.two_factor import TwoFactorAuth
from application.user_streams import UserStreams
from entrypoints.api.gate import Gate


@frozen
class Services:
    gate: Gate
    trading: Trading
    market_data: MarketData
    history: History
    accounts: Accounts
    two_factor: TwoFactorAuth
    funds: Funds
    portfolio: Portfolio
    user_streams: UserStreams
    cache: Cache
    admin_token: str | None
    connections_per_address: int
    market_admin: MarketAdmin
    operators: Operators
    account_freezes: AccountFreezes
    system_view: SystemView
    market_listing: MarketListing
