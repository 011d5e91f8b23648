"""A market's orders of one kind, the book's resting orders or the waiting stops: by order id,
by client order id within each account, and so how many each account has."""

from domain.orders import Order


class OrderIndex:
    def __init__(self) -> None:
        self.orders: dict[int, Order] = {}
        # Each account's orders by client order id, and so how many it has: two lookups by an
        # id and a string cost the compiled engine less than one by a pair made for each.
        self._of_account: dict[int, dict[str, Order]] = {}

    def add(self, order: Order) -> None:
        self.orders[order.order_id] = order
        held = self._of_account.get(order.account_id)
        if held is None:
            held = self._of_account[order.account_id] = {}
        held[order.client_order_id] = order

    def remove(self, order: Order) -> None:
        del self.orders[order.order_id]
        held = self._of_account[order.account_id]
        del held[order.client_order_id]
        if not held:
            del self._of_account[order.account_id]

    def open_orders_of(self, account_id: int) -> int:
        held = self._of_account.get(account_id)
        return len(held) if held is not None else 0

    def by_client_id(self, account_id: int, client_order_id: str) -> Order | None:
        held = self._of_account.get(account_id)
        return held.get(client_order_id) if held is not None else None

    def find(
        self, account_id: int, order_id: int | None, client_order_id: str | None
    ) -> Order | None:
        """The account's order by id (and client order id, if given too) or by client id."""
        if order_id is not None:
            order = self.orders.get(order_id)
            if order is None or order.account_id != account_id:
                return None
            if client_order_id is not None and order.client_order_id != client_order_id:
                return None
            return order
        if client_order_id is not None:
            return self.by_client_id(account_id, client_order_id)
        return None

    def check_index(self) -> None:
        """Each order is under its id and, in its account's, under its client order id, and
        nothing else is."""
        for order_id, order in self.orders.items():
            assert order.order_id == order_id, "order under another's id"
            assert self.by_client_id(order.account_id, order.client_order_id) is order
        held = [len(orders) for orders in self._of_account.values()]
        assert sum(held) == len(self.orders) and all(held), "index holds stale orders"
