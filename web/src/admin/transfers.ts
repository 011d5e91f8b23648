// Credits and debits: a deposit or a withdrawal seen outside the exchange (a bank transfer, a
// transaction on a chain), entered once under its reference, with the reason.

import { Session } from "../api";
import { field, h, row, table, when } from "../dom";
import type { Entry } from "./audit";
import type { Say } from "./main";

const SHOWN = 20;

/** The latest credits and debits, from the audit log where each is recorded. */
async function recent(session: Session): Promise<HTMLTableElement> {
  const pages = await Promise.all(
    ["funds.deposit", "funds.withdrawal"].map((act) => session.call<Entry[]>("GET", "/api/v1/admin/audit", { act, limit: SHOWN })),
  );
  const entries = pages.flat().sort((a, b) => b.id - a.id).slice(0, SHOWN);
  const rows = entries.map((e) =>
    row(
      when(e.time), e.act === "funds.deposit" ? "credit" : "debit", e.params.userId, e.params.asset,
      e.params.amount, e.params.reference, e.actor, e.reason,
    ),
  );
  return table(["Time", "Kind", "User", "Asset", "Amount", "Reference", "By", "Reason"], rows, "Latest credits and debits");
}

export async function transfersView(session: Session, say: Say): Promise<HTMLElement> {
  const input = (name: string, extra: Record<string, string> = {}) => h("input", { name, id: `transfer-${name}`, required: true, ...extra });
  const userId = input("userId", { inputmode: "numeric" });
  const asset = input("asset", { placeholder: "USDT" });
  const amount = input("amount", { inputmode: "decimal" });
  const reference = input("reference", { maxlength: "64" });
  const reason = input("reason", { maxlength: "256" });
  const send = async (kind: "deposits" | "withdrawals") => {
    const body = {
      userId: Number(userId.value.trim()),
      asset: asset.value.trim().toUpperCase(),
      amount: amount.value.trim(),
      reference: reference.value.trim(),
      reason: reason.value.trim(),
    };
    try {
      const made = await session.call<{ amount: string; asset: string }>("POST", `/api/v1/admin/${kind}`, {}, body);
      say(`${kind === "deposits" ? "Credited" : "Debited"} ${made.amount} ${made.asset} to user ${body.userId} (${body.reference}).`);
      latest.replaceChildren(await recent(session));
    } catch (caught) {
      say(caught instanceof Error ? caught.message : String(caught));
    }
  };
  const latest = h("div", { id: "transfers" }, await recent(session));
  const form = h(
    "form",
    { id: "transfer-form", onsubmit: ((event: Event) => event.preventDefault()) as EventListener },
    h("h2", {}, "Credits and debits"),
    h("p", {}, "Each is made once per reference: entering the same one again changes nothing."),
    field("User id", userId),
    field("Asset", asset),
    field("Amount", amount),
    field("Reference (bank transfer, transaction hash)", reference),
    field("Reason (recorded in the audit log)", reason),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", id: "credit", onclick: () => void send("deposits") }, "Credit (deposit)"),
      h("button", { type: "button", id: "debit", onclick: () => void send("withdrawals") }, "Debit (withdrawal)"),
    ),
  );
  return h("div", {}, form, h("h3", {}, "Latest credits and debits"), latest);
}
