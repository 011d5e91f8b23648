// Markets and their states: halt one in an incident, break it for maintenance, let traders
// only cancel, or open it again; each change with its reason.

import { Session, publicGet } from "../api";
import { h, row, table } from "../dom";
import { statusWords } from "../markets";
import type { Say } from "./main";

const ACTS: [string, string][] = [
  ["HALT", "Halt"],
  ["CANCEL_ONLY", "Cancel only"],
  ["BREAK", "Break"],
  ["TRADING", "Resume"],
];

export async function marketsView(session: Session, say: Say): Promise<HTMLElement> {
  const info = await publicGet<{ symbols: { symbol: string; status: string }[] }>("/api/v3/exchangeInfo");
  const reason = h("input", { name: "reason", id: "market-reason", required: true, maxlength: "256" });
  const view = h("div", {});
  const set = async (symbol: string, status: string) => {
    if (!reason.value.trim()) {
      say("Give the reason for the change first.");
      return;
    }
    try {
      await session.call("PUT", `/api/v1/admin/markets/${symbol}/status`, {}, { status, reason: reason.value.trim() });
      say(`${symbol} is now ${status}.`);
      view.replaceWith(await marketsView(session, say));
    } catch (caught) {
      say(caught instanceof Error ? caught.message : String(caught));
    }
  };
  const rows = info.symbols.map((market) =>
    row(
      market.symbol,
      h("span", { "data-status": market.status }, market.status),
      statusWords(market.status) || "Trading",
      h(
        "span",
        { class: "actions" },
        ...ACTS.filter(([status]) => status !== market.status).map(([status, label]) =>
          h("button", { type: "button", "data-symbol": market.symbol, "data-act": status, onclick: () => void set(market.symbol, status) }, label),
        ),
      ),
    ),
  );
  view.append(
    h("h2", {}, "Markets"),
    h("label", {}, "Reason (recorded in the audit log)", reason),
    table(["Market", "Status", "Meaning", "Change to"], rows, "Markets and their states"),
  );
  return view;
}
