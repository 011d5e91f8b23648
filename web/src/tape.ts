// The recent trades tape: the latest trades, then the trade stream.

import { publicGet } from "./api";
import { dec, fmt } from "./decimal";
import type { Market } from "./markets";
import { MarketStreams } from "./streams";

const KEPT = 40;

interface Trade {
  id: number;
  price: string;
  qty: string;
  time: number;
  isBuyerMaker: boolean;
}

export class Tape {
  private stream: string | undefined;
  private generation = 0;

  constructor(
    private readonly streams: MarketStreams,
    private readonly body: HTMLElement,
  ) {}

  async show(market: Market): Promise<void> {
    const generation = ++this.generation;
    if (this.stream) this.streams.unsubscribe(this.stream);
    this.stream = `${market.symbol.toLowerCase()}@trade`;
    this.body.replaceChildren();
    let lastId = 0;
    const pending: Trade[] = [];
    let loaded = false;
    this.streams.subscribe(this.stream, (e: { t: number; p: string; q: string; T: number; m: boolean }) => {
      const trade = { id: e.t, price: e.p, qty: e.q, time: e.T, isBuyerMaker: e.m };
      if (!loaded) pending.push(trade);
      else if (trade.id > lastId) {
        lastId = trade.id;
        this.add(market, trade);
      }
    });
    const recent = await publicGet<Trade[]>("/api/v3/trades", { symbol: market.symbol, limit: KEPT });
    if (generation !== this.generation) return;
    for (const trade of [...recent, ...pending]) {
      if (trade.id > lastId) {
        lastId = trade.id;
        this.add(market, trade);
      }
    }
    loaded = true;
  }

  private add(market: Market, trade: Trade): void {
    const row = document.createElement("tr");
    row.className = trade.isBuyerMaker ? "down" : "up";
    row.dataset.tradeId = String(trade.id);
    const time = new Date(trade.time).toLocaleTimeString([], { hour12: false });
    for (const text of [fmt(dec(trade.price), market.pricePlaces), fmt(dec(trade.qty), market.quantityPlaces), time]) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    this.body.prepend(row);
    while (this.body.children.length > KEPT) this.body.lastElementChild!.remove();
  }
}
