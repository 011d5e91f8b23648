// Balances and their value, the demo faucet, and statements downloaded as CSV.

import { ApiError, Session } from "./api";
import { dec, fmt } from "./decimal";
import { field, h, row, table } from "./dom";

interface Holding {
  asset: string;
  free: string;
  locked: string;
  total: string;
  value: string | null;
}

interface Portfolio {
  asset: string;
  total: string;
  holdings: Holding[];
}

export interface Balance {
  free: string;
  locked: string;
}

export async function balances(session: Session): Promise<Map<string, Balance>> {
  const account = await session.call<{ balances: { asset: string; free: string; locked: string }[] }>(
    "GET",
    "/api/v3/account",
  );
  return new Map(account.balances.map((b) => [b.asset, { free: b.free, locked: b.locked }]));
}

export async function walletView(
  session: Session,
  assets: string[],
  say: (text: string) => void,
  refresh: () => void,
): Promise<HTMLElement> {
  const portfolio = await session.call<Portfolio>("GET", "/api/v1/portfolio", { asset: "USDT" });
  const places = (text: string) => Math.min(8, (text.split(".")[1] ?? "").length);
  const rows = portfolio.holdings.map((holding) => {
    const line = row(
      holding.asset,
      fmt(dec(holding.free), places(holding.free)),
      fmt(dec(holding.locked), places(holding.locked)),
      holding.value === null ? "–" : fmt(dec(holding.value), 2),
    );
    line.dataset.asset = holding.asset;
    return line;
  });
  const asset = h("select", { name: "asset" }, ...assets.map((a) => h("option", { value: a }, a)));
  const amount = h("input", { name: "amount", inputmode: "decimal", value: "1000", required: true });
  const take = async (event: Event) => {
    event.preventDefault();
    try {
      const given = await session.call<{ asset: string; amount: string }>("POST", "/api/v1/faucet", {}, {
        asset: asset.value,
        amount: amount.value.trim(),
      });
      say(`Received ${given.amount} ${given.asset}.`);
      refresh();
    } catch (caught) {
      say(caught instanceof ApiError ? caught.message : String(caught));
    }
  };
  const statementAsset = h("select", { name: "statement-asset" }, h("option", { value: "" }, "All assets"), ...assets.map((a) => h("option", { value: a }, a)));
  const download = async () => {
    try {
      const blob = await session.download("/api/v1/statements", { format: "csv", asset: statementAsset.value || undefined });
      const link = h("a", { href: URL.createObjectURL(blob), download: "statement.csv" });
      document.body.append(link);
      link.click();
      link.remove();
    } catch (caught) {
      say(caught instanceof ApiError ? caught.message : String(caught));
    }
  };
  return h(
    "div",
    { class: "wallet" },
    h(
      "div",
      { "data-live": "balances" },
      h("p", { class: "total" }, "Portfolio value: ", h("strong", { id: "portfolio-value" }, `${fmt(dec(portfolio.total), 2)} ${portfolio.asset}`)),
      table(["Asset", "Free", "Locked", "Value (USDT)"], rows, "Balances"),
    ),
    h("form", { class: "inline", id: "faucet-form", onsubmit: take as EventListener }, h("h3", {}, "Demo faucet"), field("Asset", asset), field("Amount", amount), h("button", { type: "submit" }, "Take funds")),
    h("div", { class: "inline" }, h("h3", {}, "Statement"), field("Asset", statementAsset), h("button", { type: "button", id: "download-statement", onclick: download as EventListener }, "Download CSV")),
  );
}
