// Listings: an asset, a market over two listed assets, and a change of a market's fees and
// filters; each with its reason. A market listed here trades at once, on every process.

import { Session, publicGet } from "../api";
import { field, h } from "../dom";
import type { Say } from "./main";

type Inputs = Record<string, HTMLInputElement>;

function inputs(form: string, names: [string, string, Record<string, string>?][]): [Inputs, HTMLLabelElement[]] {
  const made: Inputs = {};
  const labels = names.map(([name, label, extra]) => {
    made[name] = h("input", { name, id: `${form}-${name}`, ...(extra ?? {}) });
    return field(label, made[name]);
  });
  return [made, labels];
}

/** The fields filled in, trimmed; those left empty are not sent. */
function sent(fields: Inputs): Record<string, string | number> {
  const body: Record<string, string | number> = {};
  for (const [name, input] of Object.entries(fields)) {
    const value = input.value.trim();
    if (value) body[name] = input.inputMode === "numeric" ? Number(value) : value;
  }
  return body;
}

function form(id: string, title: string, labels: HTMLLabelElement[], button: HTMLButtonElement): HTMLFormElement {
  return h(
    "form",
    { id, onsubmit: ((event: Event) => event.preventDefault()) as EventListener },
    h("h3", {}, title),
    ...labels,
    h("div", { class: "actions" }, button),
  );
}

export async function listingsView(session: Session, say: Say): Promise<HTMLElement> {
  const info = await publicGet<{ symbols: { symbol: string }[] }>("/api/v3/exchangeInfo");
  const act = async (method: string, path: string, body: Record<string, string | number>, done: string) => {
    try {
      await session.call(method, path, {}, body);
      say(done);
    } catch (caught) {
      say(caught instanceof Error ? caught.message : String(caught));
    }
  };

  const [asset, assetLabels] = inputs("asset", [
    ["asset", "Code", { placeholder: "SOL", required: "" }],
    ["precision", "Decimals", { inputmode: "numeric", required: "" }],
    ["reason", "Reason (recorded in the audit log)", { maxlength: "256", required: "" }],
  ]);
  const listAsset = h("button", { type: "button", id: "list-asset" }, "List the asset");
  listAsset.onclick = () => {
    const body = sent(asset);
    body.asset = String(body.asset ?? "").toUpperCase();
    void act("POST", "/api/v1/admin/assets", body, `${body.asset} is listed.`);
  };

  const [market, marketLabels] = inputs("market", [
    ["baseAsset", "Base asset", { placeholder: "SOL", required: "" }],
    ["quoteAsset", "Quote asset", { placeholder: "USDT", required: "" }],
    ["tickSize", "Tick size (price step)", { inputmode: "decimal", required: "" }],
    ["stepSize", "Step size (quantity step)", { inputmode: "decimal", required: "" }],
    ["maxQty", "Largest quantity", { inputmode: "decimal", required: "" }],
    ["minNotional", "Smallest order value", { inputmode: "decimal", required: "" }],
    ["maxNotional", "Largest order value", { inputmode: "decimal", required: "" }],
    ["makerCommission", "Maker commission (0.001 is 0.1%)", { inputmode: "decimal", required: "" }],
    ["takerCommission", "Taker commission", { inputmode: "decimal", required: "" }],
    ["reason", "Reason (recorded in the audit log)", { maxlength: "256", required: "" }],
  ]);
  const listMarket = h("button", { type: "button", id: "list-market" }, "List the market");
  listMarket.onclick = () => {
    const body = sent(market);
    for (const side of ["baseAsset", "quoteAsset"]) body[side] = String(body[side] ?? "").toUpperCase();
    void act("POST", "/api/v1/admin/markets", body, `${body.baseAsset}${body.quoteAsset} is listed and trading.`);
  };

  const symbol = h(
    "select",
    { name: "symbol", id: "change-symbol" },
    ...info.symbols.map((listed) => h("option", { value: listed.symbol }, listed.symbol)),
  );
  const [change, changeLabels] = inputs("change", [
    ["makerCommission", "Maker commission", { inputmode: "decimal" }],
    ["takerCommission", "Taker commission", { inputmode: "decimal" }],
    ["minQty", "Smallest quantity", { inputmode: "decimal" }],
    ["maxQty", "Largest quantity", { inputmode: "decimal" }],
    ["minNotional", "Smallest order value", { inputmode: "decimal" }],
    ["maxNotional", "Largest order value", { inputmode: "decimal" }],
    ["reason", "Reason (recorded in the audit log)", { maxlength: "256", required: "" }],
  ]);
  const changeMarket = h("button", { type: "button", id: "change-market" }, "Change the terms");
  changeMarket.onclick = () =>
    void act("PATCH", `/api/v1/admin/markets/${symbol.value}`, sent(change), `${symbol.value}'s new terms hold for the orders that follow.`);

  return h(
    "div",
    {},
    h("h2", {}, "Listings"),
    form("asset-form", "A new asset", assetLabels, listAsset),
    form("market-form", "A new market", marketLabels, listMarket),
    form("change-form", "A market's fees and filters", [field("Market", symbol), ...changeLabels], changeMarket),
  );
}
