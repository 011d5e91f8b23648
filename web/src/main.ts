// The trading page: /, or /trade/{symbol} for one market.

import "./style.css";
import { Session } from "./api";
import { AccountPanel } from "./account";
import { LiveBook } from "./book";
import { CandleChart, INTERVALS } from "./chart";
import { h } from "./dom";
import { MarketList, MarketStatusBanner, loadMarkets } from "./markets";
import { MarketStreams } from "./streams";
import { Tape } from "./tape";
import { OrderEntry } from "./trade";

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

async function start(): Promise<void> {
  const markets = await loadMarkets();
  const fromPath = location.pathname.match(/^\/trade\/([A-Za-z0-9]+)$/)?.[1]?.toUpperCase();
  let symbol = fromPath && markets.has(fromPath) ? fromPath : [...markets.keys()][0];
  let interval = "1m";
  const streams = new MarketStreams();
  const session = new Session();
  const chart = new CandleChart(byId("chart"), streams);
  const tape = new Tape(streams, byId("tape"));
  const form = byId<HTMLFormElement>("order-form");
  let book: LiveBook;
  const entry = new OrderEntry(form, session, (side) => (side === "BUY" ? book.bestAsk() : book.bestBid()), () => account.refresh());
  book = new LiveBook(streams, byId<HTMLTableElement>("asks"), byId<HTMLTableElement>("bids"), byId("spread"), (price) => entry.setPrice(price));
  const account = new AccountPanel(session, markets, entry, byId("account"), byId("who"));
  const banner = new MarketStatusBanner(streams, byId("market-status"));

  const show = (chosen: string, push: boolean) => {
    symbol = chosen;
    const market = markets.get(symbol)!;
    if (push) history.pushState({}, "", `/trade/${symbol}`);
    document.title = `${market.base}/${market.quote} · Bourse`;
    byId("headline").textContent = `${market.base}/${market.quote}`;
    list.highlight(symbol);
    banner.show(market);
    void chart.show(symbol, interval);
    void book.show(market);
    void tape.show(market);
    entry.show(market);
    account.show(market);
  };
  const list = new MarketList(markets, byId("markets"), byId<HTMLSelectElement>("market"), symbol, (s) => show(s, true));
  const buttons = INTERVALS.map((name) =>
    h("button", {
      type: "button",
      "aria-pressed": String(name === interval),
      onclick: () => {
        interval = name;
        buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.textContent === name)));
        void chart.show(symbol, interval);
      },
    }, name),
  );
  byId("intervals").replaceChildren(...buttons);
  window.addEventListener("popstate", () => {
    const back = location.pathname.match(/^\/trade\/([A-Za-z0-9]+)$/)?.[1]?.toUpperCase();
    if (back && markets.has(back)) show(back, false);
  });
  void list.start(streams);
  show(symbol, false);
  if (!(await session.resume())) account.signedOut();
  document.body.dataset.ready = "true";
}

void start();
