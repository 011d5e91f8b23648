// Order entry: limit, market, post-only, IOC and FOK; quantity shortcuts from the free balance;
// the total and the most fee previewed against the market's filters before sending; Binance's
// words shown when the exchange refuses.

import { ApiError, Session } from "./api";
import { type Dec, compare, dec, divFloor, fmt, isDecimal, isMultiple, isZero, mul, share } from "./decimal";
import type { Market } from "./markets";
import type { Balance } from "./wallet";

export interface Rates {
  maker: string;
  taker: string;
}

export class OrderEntry {
  market: Market | undefined;
  balances = new Map<string, Balance>();
  rates: Rates = { maker: "0", taker: "0" };

  constructor(
    private readonly form: HTMLFormElement,
    private readonly session: Session,
    private readonly bestPrice: (side: string) => string | undefined,
    private readonly placed: () => void,
  ) {
    form.addEventListener("input", () => this.preview());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.send();
    });
    form.querySelectorAll<HTMLButtonElement>("[data-share]").forEach((button) =>
      button.addEventListener("click", () => this.fillShare(Number(button.dataset.share))),
    );
  }

  show(market: Market): void {
    this.market = market;
    this.preview();
  }

  setPrice(price: string): void {
    this.input("price").value = price;
    this.preview();
  }

  private input(name: string): HTMLInputElement {
    return this.form.elements.namedItem(name) as HTMLInputElement;
  }

  private value(name: string): string {
    const element = this.form.elements.namedItem(name);
    if (element instanceof RadioNodeList) return element.value;
    return (element as HTMLInputElement | HTMLSelectElement).value.trim();
  }

  private get isMarket(): boolean {
    return this.value("kind") === "MARKET";
  }

  private fillShare(percent: number): void {
    const market = this.market;
    if (!market) return;
    const side = this.value("side");
    const free = dec(this.balances.get(side === "BUY" ? market.quote : market.base)?.free ?? "0");
    const step = dec(market.stepSize);
    let quantity: Dec;
    if (side === "SELL") quantity = share(free, percent, step);
    else {
      const price = this.isMarket ? this.bestPrice("BUY") : this.value("price");
      if (!price || !isDecimal(price) || isZero(dec(price))) {
        this.say("Enter a price first.");
        return;
      }
      // What the share of the quote balance buys, to a whole lot (the fee is taken from the
      // asset received, so the whole share is spent).
      quantity = divFloor(share(free, percent, { units: 1n, scale: free.scale }), dec(price), step);
    }
    this.input("quantity").value = fmt(quantity, market.quantityPlaces);
    this.preview();
  }

  /** The problem with the form as filled, or the preview of what it would send. */
  private check(): { problem?: string; params?: Record<string, string>; text?: string } {
    const market = this.market;
    if (!market) return { problem: "" };
    const kind = this.value("kind");
    const quantity = this.value("quantity");
    const price = this.isMarket ? this.bestPrice(this.value("side")) ?? "" : this.value("price");
    this.input("price").disabled = this.isMarket;
    if (!quantity) return { problem: "" };
    if (!isDecimal(quantity)) return { problem: "The quantity is not a number." };
    if (!isMultiple(dec(quantity), dec(market.stepSize)))
      return { problem: `The quantity must be a multiple of ${market.stepSize}.` };
    if (compare(dec(quantity), dec(market.minQty)) < 0) return { problem: `The least quantity is ${market.minQty}.` };
    if (!this.isMarket) {
      if (!isDecimal(price)) return { problem: "Enter a price." };
      if (!isMultiple(dec(price), dec(market.tickSize)))
        return { problem: `The price must be a multiple of ${market.tickSize}.` };
    }
    const params: Record<string, string> = { symbol: market.symbol, side: this.value("side"), quantity };
    if (kind === "MARKET") params.type = "MARKET";
    else if (kind === "LIMIT_MAKER") Object.assign(params, { type: "LIMIT_MAKER", price });
    else Object.assign(params, { type: "LIMIT", timeInForce: kind === "LIMIT" ? "GTC" : kind, price });
    if (!price) return { params, text: "At the market's price." };
    const total = mul(dec(price), dec(quantity));
    if (compare(total, dec(market.minNotional)) < 0)
      return { problem: `The total must be at least ${market.minNotional} ${market.quote}.` };
    const rate = kind === "LIMIT_MAKER" ? this.rates.maker : compare(dec(this.rates.maker), dec(this.rates.taker)) > 0 ? this.rates.maker : this.rates.taker;
    const received = params.side === "BUY" ? dec(quantity) : total;
    const feeAsset = params.side === "BUY" ? market.base : market.quote;
    const fee = mul(received, dec(rate));
    const approx = this.isMarket ? "about " : "";
    const text = `Total ${approx}${fmt(total, market.pricePlaces)} ${market.quote}; fee at most ${fmt(fee, 8)} ${feeAsset}.`;
    return { params, text };
  }

  private preview(): void {
    const { problem, text } = this.check();
    const preview = this.form.querySelector("#preview")!;
    preview.textContent = problem ?? text ?? "";
    preview.classList.toggle("error", Boolean(problem));
  }

  private say(text: string): void {
    this.form.querySelector("#order-result")!.textContent = text;
  }

  private async send(): Promise<void> {
    const { problem, params } = this.check();
    if (problem !== undefined || !params) {
      this.say(problem || "Enter a quantity.");
      return;
    }
    this.say("Sending…");
    try {
      const order = await this.session.call<{ orderId: number; status: string; executedQty: string }>(
        "POST",
        "/api/v3/order",
        params,
      );
      this.say(`Order ${order.orderId}: ${order.status}.`);
      this.placed();
    } catch (caught) {
      this.say(caught instanceof ApiError ? caught.message : String(caught));
    }
  }
}
