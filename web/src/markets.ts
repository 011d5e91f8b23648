// The markets and their filters from exchangeInfo, and the market selector with 24 h tickers
// kept live by the all-markets mini ticker stream.

import { publicGet } from "./api";
import { dec, fmt, placesOf, sub, compare } from "./decimal";
import { MarketStreams } from "./streams";

export interface Market {
  symbol: string;
  base: string;
  quote: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  minNotional: string;
  pricePlaces: number;
  quantityPlaces: number;
  status: string;
}

interface SymbolInfo {
  symbol: string;
  status: string;
  baseAsset: string;
  quoteAsset: string;
  filters: Record<string, string>[];
}

export async function loadMarkets(): Promise<Map<string, Market>> {
  const info = await publicGet<{ symbols: SymbolInfo[] }>("/api/v3/exchangeInfo");
  const markets = new Map<string, Market>();
  for (const s of info.symbols) {
    const filter = (type: string) => s.filters.find((f) => f.filterType === type) ?? {};
    const price = filter("PRICE_FILTER");
    const lot = filter("LOT_SIZE");
    const notional = { ...filter("NOTIONAL"), ...filter("MIN_NOTIONAL") };
    markets.set(s.symbol, {
      symbol: s.symbol,
      base: s.baseAsset,
      quote: s.quoteAsset,
      tickSize: price.tickSize ?? "0.01",
      stepSize: lot.stepSize ?? "0.0001",
      minQty: lot.minQty ?? "0",
      minNotional: notional.minNotional ?? "0",
      pricePlaces: placesOf(price.tickSize ?? "0.01"),
      quantityPlaces: placesOf(lot.stepSize ?? "0.0001"),
      status: s.status,
    });
  }
  return markets;
}

const STATUS_WORDS: Record<string, string> = {
  TRADING: "",
  HALT: "Halted: no orders or cancels",
  BREAK: "Break: no orders or cancels",
  CANCEL_ONLY: "Cancel only: no new orders",
};

/** What the page says of a market's status: nothing while it trades. */
export function statusWords(status: string): string {
  return STATUS_WORDS[status] ?? status;
}

/** Shows the market's status, kept live by its `@marketStatus` stream. */
export class MarketStatusBanner {
  private followed: string | undefined;

  constructor(
    private readonly streams: MarketStreams,
    private readonly banner: HTMLElement,
  ) {}

  show(market: Market): void {
    if (this.followed) this.streams.unsubscribe(this.followed);
    this.followed = `${market.symbol.toLowerCase()}@marketStatus`;
    this.set(market, market.status);
    this.streams.subscribe(this.followed, (update: { X: string }) => this.set(market, update.X));
  }

  private set(market: Market, status: string): void {
    market.status = status;
    this.banner.textContent = statusWords(status);
    this.banner.dataset.status = status;
    this.banner.hidden = status === "TRADING";
  }
}

interface Ticker {
  symbol: string;
  lastPrice: string;
  openPrice: string;
  volume: string;
}

export function change(open: string, last: string): string {
  const o = dec(open);
  if (o.units === 0n) return "–";
  const diff = sub(dec(last), o);
  // A percentage to two places, computed exactly then rounded toward zero.
  const basisPoints = (diff.units * 10n ** BigInt(o.scale) * 10000n) / (o.units * 10n ** BigInt(diff.scale));
  const sign = compare(diff, { units: 0n, scale: 0 }) > 0 ? "+" : "";
  return `${sign}${fmt({ units: basisPoints, scale: 2 })}%`;
}

export class MarketList {
  private rows = new Map<string, HTMLTableRowElement>();

  constructor(
    private readonly markets: Map<string, Market>,
    body: HTMLElement,
    private readonly select: HTMLSelectElement,
    current: string,
    choose: (symbol: string) => void,
  ) {
    for (const market of markets.values()) {
      const option = document.createElement("option");
      option.value = market.symbol;
      option.textContent = `${market.base}/${market.quote}`;
      select.append(option);
      const row = document.createElement("tr");
      row.dataset.symbol = market.symbol;
      const link = document.createElement("a");
      link.href = `/trade/${market.symbol}`;
      link.textContent = `${market.base}/${market.quote}`;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        choose(market.symbol);
      });
      const name = document.createElement("th");
      name.scope = "row";
      name.append(link);
      row.append(name, document.createElement("td"), document.createElement("td"), document.createElement("td"));
      body.append(row);
      this.rows.set(market.symbol, row);
    }
    select.value = current;
    select.addEventListener("change", () => choose(select.value));
  }

  async start(streams: MarketStreams): Promise<void> {
    const tickers = await publicGet<Ticker[]>("/api/v3/ticker/24hr");
    tickers.forEach((t) => this.show(t.symbol, t.lastPrice, t.openPrice, t.volume));
    streams.subscribe("!miniTicker@arr", (all: { s: string; c: string; o: string; v: string }[]) => {
      all.forEach((t) => this.show(t.s, t.c, t.o, t.v));
    });
  }

  highlight(symbol: string): void {
    this.select.value = symbol;
    this.rows.forEach((row, s) => row.classList.toggle("current", s === symbol));
  }

  private show(symbol: string, last: string, open: string, volume: string): void {
    const row = this.rows.get(symbol);
    const market = this.markets.get(symbol);
    if (!row || !market) return;
    const [, lastCell, changeCell, volumeCell] = row.children;
    lastCell.textContent = fmt(dec(last), market.pricePlaces);
    const moved = change(open, last);
    changeCell.textContent = moved;
    changeCell.className = moved.startsWith("-") ? "down" : moved.startsWith("+") ? "up" : "";
    volumeCell.textContent = fmt(dec(volume), market.quantityPlaces);
  }
}
