"""A market's orders of one kind, the book's resting orders or the waiting stops: by order id,
by (account, client order id), and how many each account has."""

from domain.orders import Order


class OrderIndex:
    def __init__(self) -> None:
        self.orders: dict[int, Order] = {}
        self.client_ids: dict[tuple[int, str], Order] = {}
        self._open_by_account: dict[int, int] = {}

    def add(self, order: Order) -> None:
        self.orders[order.order_id] = order
        self.client_ids[order.account_id, order.client_order_id] = order
        self._open_by_account[order.account_id] = self.open_orders_of(order.account_id) + 1

    def remove(self, order: Order) -> None:
        del self.orders[order.order_id]
        del self.client_ids[order.account_id, order.client_order_id]
        left = self._open_by_account.pop(order.account_id) - 1
        if left:
            self._open_by_account[order.account_id] = left

    def open_orders_of(self, account_id: int) -> int:
        return self._open_by_account.get(account_id, 0)

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
            return self.client_ids.get((account_id, client_order_id))
        return None
