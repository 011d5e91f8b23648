// The account's open orders, with cancel and amend (a smaller quantity, keeping priority), and
// its order and trade history on the market shown.

import { ApiError, Session } from "./api";
import { dec, fmt } from "./decimal";
import { h, row, table, when } from "./dom";
import type { Market } from "./markets";

interface Order {
  symbol: string;
  orderId: number;
  price: string;
  origQty: string;
  executedQty: string;
  status: string;
  type: string;
  side: string;
  timeInForce: string;
  time: number;
}

interface MyTrade {
  id: number;
  orderId: number;
  price: string;
  qty: string;
  commission: string;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
}

type Say = (text: string) => void;

/** All of the view is live: shown anew on every change of the account. */
function live(content: HTMLElement): HTMLElement {
  return h("div", {}, h("div", { "data-live": "list" }, content));
}

export async function openOrders(session: Session, markets: Map<string, Market>, say: Say, changed: () => void): Promise<HTMLElement> {
  const orders = await session.call<Order[]>("GET", "/api/v3/openOrders");
  const rows = orders.map((order) => {
    const market = markets.get(order.symbol)!;
    const cancel = async () => {
      try {
        await session.call("DELETE", "/api/v3/order", { symbol: order.symbol, orderId: order.orderId });
        say(`Order ${order.orderId} cancelled.`);
        changed();
      } catch (caught) {
        say(caught instanceof ApiError ? caught.message : String(caught));
      }
    };
    const quantity = h("input", {
      name: "new-quantity",
      inputmode: "decimal",
      value: fmt(dec(order.origQty), market.quantityPlaces),
      "aria-label": `New quantity of order ${order.orderId}`,
      size: "8",
    });
    const amend = async () => {
      try {
        await session.call("PUT", "/api/v3/order/amend/keepPriority", {
          symbol: order.symbol,
          orderId: order.orderId,
          newQty: quantity.value.trim(),
        });
        say(`Order ${order.orderId} amended.`);
        changed();
      } catch (caught) {
        say(caught instanceof ApiError ? caught.message : String(caught));
      }
    };
    const line = row(
      order.symbol,
      order.side,
      order.type,
      fmt(dec(order.price), market.pricePlaces),
      quantity,
      fmt(dec(order.executedQty), market.quantityPlaces),
      h("span", { class: "actions" },
        h("button", { type: "button", class: "amend", onclick: amend as EventListener }, "Amend"),
        h("button", { type: "button", class: "cancel", onclick: cancel as EventListener }, "Cancel")),
    );
    line.dataset.orderId = String(order.orderId);
    return line;
  });
  return live(rows.length ? table(["Market", "Side", "Type", "Price", "Quantity", "Filled", ""], rows, "Open orders") : h("p", {}, "No open orders."));
}

export async function orderHistory(session: Session, market: Market): Promise<HTMLElement> {
  const orders = await session.call<Order[]>("GET", "/api/v3/allOrders", { symbol: market.symbol, limit: 50 });
  const rows = orders.reverse().map((order) => {
    const line = row(
      when(order.time),
      order.side,
      order.type,
      fmt(dec(order.price), market.pricePlaces),
      fmt(dec(order.origQty), market.quantityPlaces),
      fmt(dec(order.executedQty), market.quantityPlaces),
      order.status,
    );
    line.dataset.orderId = String(order.orderId);
    return line;
  });
  return live(table(["Time", "Side", "Type", "Price", "Quantity", "Filled", "Status"], rows, `Orders on ${market.symbol}`));
}

export async function tradeHistory(session: Session, market: Market): Promise<HTMLElement> {
  const trades = await session.call<MyTrade[]>("GET", "/api/v3/myTrades", { symbol: market.symbol, limit: 50 });
  const rows = trades.reverse().map((trade) => {
    const line = row(
      when(trade.time),
      trade.isBuyer ? "BUY" : "SELL",
      fmt(dec(trade.price), market.pricePlaces),
      fmt(dec(trade.qty), market.quantityPlaces),
      `${trade.commission} ${trade.commissionAsset}`,
    );
    line.dataset.orderId = String(trade.orderId);
    return line;
  });
  return live(table(["Time", "Side", "Price", "Quantity", "Fee"], rows, `Trades on ${market.symbol}`));
}
