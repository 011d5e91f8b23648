// The order book kept live as Binance tells clients to: buffer the diff-depth stream, take a
// snapshot, drop the events it already holds, apply the first event that straddles it and
// then every event in order; a gap in the update ids starts over from a new snapshot.

import { publicGet } from "./api";
import { type Dec, add, compare, dec, fmt, sub } from "./decimal";
import type { Market } from "./markets";
import { MarketStreams } from "./streams";

interface DepthEvent {
  U: number;
  u: number;
  b: [string, string][];
  a: [string, string][];
}

interface Snapshot {
  lastUpdateId: number;
  bids: [string, string][];
  asks: [string, string][];
}

const SHOWN = 12;

export class LiveBook {
  private bids = new Map<string, string>();
  private asks = new Map<string, string>();
  private buffer: DepthEvent[] = [];
  private lastUpdateId = 0;
  private synced = false;
  private stream: string | undefined;
  private market: Market | undefined;
  private generation = 0;
  private frame = 0;

  constructor(
    private readonly streams: MarketStreams,
    private readonly asksTable: HTMLTableElement,
    private readonly bidsTable: HTMLTableElement,
    private readonly spread: HTMLElement,
    private readonly pick: (price: string) => void,
  ) {
    streams.onReconnect(() => this.market && this.show(this.market));
  }

  bestBid(): string | undefined {
    return this.sorted(this.bids, -1)[0]?.[0];
  }

  bestAsk(): string | undefined {
    return this.sorted(this.asks, 1)[0]?.[0];
  }

  async show(market: Market): Promise<void> {
    const generation = ++this.generation;
    this.market = market;
    if (this.stream) this.streams.unsubscribe(this.stream);
    this.stream = `${market.symbol.toLowerCase()}@depth@100ms`;
    this.bids.clear();
    this.asks.clear();
    this.buffer = [];
    this.synced = false;
    this.streams.subscribe(this.stream, (event: DepthEvent) => this.receive(event, generation));
    await this.snapshot(generation);
  }

  private async snapshot(generation: number): Promise<void> {
    const market = this.market!;
    const snapshot = await publicGet<Snapshot>("/api/v3/depth", {
      symbol: market.symbol,
      limit: 1000,
    });
    if (generation !== this.generation) return;
    if (this.buffer.length && snapshot.lastUpdateId < this.buffer[0].U - 1) {
      // Older than the events already buffered: ask again.
      window.setTimeout(() => this.snapshot(generation), 250);
      return;
    }
    this.bids = new Map(snapshot.bids);
    this.asks = new Map(snapshot.asks);
    this.lastUpdateId = snapshot.lastUpdateId;
    this.synced = true;
    const buffered = this.buffer.filter((event) => event.u > this.lastUpdateId);
    this.buffer = [];
    for (const event of buffered) if (!this.apply(event)) return;
    this.render();
  }

  private receive(event: DepthEvent, generation: number): void {
    if (generation !== this.generation) return;
    if (!this.synced) {
      this.buffer.push(event);
      return;
    }
    if (event.u <= this.lastUpdateId) return;
    if (this.apply(event)) this.schedule();
  }

  /** Applies the next event, or starts over if one was missed; false when it started over. */
  private apply(event: DepthEvent): boolean {
    if (event.U > this.lastUpdateId + 1) {
      this.synced = false;
      this.buffer = [event];
      void this.snapshot(this.generation);
      return false;
    }
    for (const [price, quantity] of event.b) this.set(this.bids, price, quantity);
    for (const [price, quantity] of event.a) this.set(this.asks, price, quantity);
    this.lastUpdateId = event.u;
    return true;
  }

  private set(side: Map<string, string>, price: string, quantity: string): void {
    if (dec(quantity).units === 0n) side.delete(price);
    else side.set(price, quantity);
  }

  private schedule(): void {
    if (!this.frame) {
      this.frame = window.requestAnimationFrame(() => {
        this.frame = 0;
        this.render();
      });
    }
  }

  private sorted(side: Map<string, string>, direction: number): [string, string][] {
    return [...side.entries()].sort(([a], [b]) => direction * compare(dec(a), dec(b)));
  }

  private render(): void {
    const market = this.market!;
    const asks = this.sorted(this.asks, 1).slice(0, SHOWN);
    const bids = this.sorted(this.bids, -1).slice(0, SHOWN);
    const total = (levels: [string, string][]) =>
      levels.reduce<Dec>((sum, [, q]) => add(sum, dec(q)), { units: 0n, scale: 0 });
    const deepest = [total(asks), total(bids)].reduce((a, b) => (compare(a, b) >= 0 ? a : b));
    this.fill(this.asksTable, [...asks].reverse(), "ask", deepest, asks);
    this.fill(this.bidsTable, bids, "bid", deepest, bids);
    const bestAsk = asks[0]?.[0];
    const bestBid = bids[0]?.[0];
    this.spread.dataset.bestBid = bestBid ?? "";
    this.spread.dataset.bestAsk = bestAsk ?? "";
    this.spread.textContent =
      bestAsk && bestBid
        ? `Spread ${fmt(sub(dec(bestAsk), dec(bestBid)), market.pricePlaces)}`
        : "No spread: one side is empty";
  }

  /** Rows of price, quantity and the depth up to that level, with a bar of that depth. */
  private fill(
    table: HTMLTableElement,
    rows: [string, string][],
    kind: string,
    deepest: Dec,
    fromTop: [string, string][],
  ): void {
    const market = this.market!;
    const body = table.tBodies[0];
    const cumulative = new Map<string, Dec>();
    let sum: Dec = { units: 0n, scale: 0 };
    for (const [price, quantity] of fromTop) {
      sum = add(sum, dec(quantity));
      cumulative.set(price, sum);
    }
    body.replaceChildren(
      ...rows.map(([price, quantity]) => {
        const row = document.createElement("tr");
        row.className = kind;
        row.dataset.price = price;
        const depth = cumulative.get(price)!;
        // The bar's width is drawing, not money.
        const width = deepest.units ? Number((depth.units * 1000n * 10n ** BigInt(deepest.scale)) / (deepest.units * 10n ** BigInt(depth.scale))) / 10 : 0;
        row.style.setProperty("--depth", `${width}%`);
        const cells = [
          fmt(dec(price), market.pricePlaces),
          fmt(dec(quantity), market.quantityPlaces),
          fmt(depth, market.quantityPlaces),
        ].map((text) => {
          const cell = document.createElement("td");
          cell.textContent = text;
          return cell;
        });
        const button = document.createElement("button");
        button.type = "button";
        button.className = "price";
        button.textContent = cells[0].textContent;
        button.title = "Use this price";
        button.addEventListener("click", () => this.pick(fmt(dec(price), market.pricePlaces)));
        cells[0].replaceChildren(button);
        row.append(...cells);
        return row;
      }),
    );
  }
}
