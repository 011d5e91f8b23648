// Users: search by email (or a part of it) or find one by id, see its balances and open
// orders, freeze or unfreeze it.

import { Session } from "../api";
import { field, h, row, table, when } from "../dom";
import type { Say } from "./main";

interface Account {
  userId: number;
  email: string;
  createdAt: number;
  frozen: { time: number; reason: string } | null;
  balances: { asset: string; free: string; locked: string }[];
  openOrders: { symbol: string; orderId: number; side: string; type: string; price: string; origQty: string; executedQty: string; time: number }[];
}

interface Found {
  userId: number;
  email: string;
  createdAt: number;
  frozen: boolean;
}

export async function usersView(session: Session, say: Say): Promise<HTMLElement> {
  const wanted = h("input", { name: "who", id: "user-search", placeholder: "a part of the email, or a user id", required: true });
  const found = h("div", { id: "user" });
  const fail = (caught: unknown) => {
    found.replaceChildren();
    say(caught instanceof Error ? caught.message : String(caught));
  };
  const open = async (userId: number) => {
    try {
      const account = await session.call<Account>("GET", "/api/v1/admin/accounts", { userId });
      found.replaceChildren(accountView(session, account, say, () => void open(userId)));
    } catch (caught) {
      fail(caught);
    }
  };
  const search = async (event: Event) => {
    event.preventDefault();
    const text = wanted.value.trim();
    if (/^[0-9]+$/.test(text)) return open(Number(text));
    try {
      const matches = await session.call<Found[]>("GET", "/api/v1/admin/accounts/search", { email: text });
      if (matches.length === 1) return open(matches[0].userId);
      say(matches.length ? `${matches.length} accounts found.` : "No account found.");
      const rows = matches.map((m) =>
        row(
          h("button", { type: "button", "data-user-id": String(m.userId), onclick: () => void open(m.userId) }, m.email),
          String(m.userId), when(m.createdAt), m.frozen ? "frozen" : "",
        ),
      );
      found.replaceChildren(table(["Email", "User", "Since", "State"], rows, "Accounts found"));
    } catch (caught) {
      fail(caught);
    }
  };
  return h(
    "div",
    {},
    h("h2", {}, "Users"),
    h("form", { class: "inline", id: "user-form", onsubmit: search as EventListener }, field("Email (or a part of it) or user id", wanted), h("button", { type: "submit" }, "Find")),
    found,
  );
}

function accountView(session: Session, account: Account, say: Say, again: () => void): HTMLElement {
  const reason = h("input", { name: "reason", id: "freeze-reason", required: true, maxlength: "256" });
  const act = async (what: "freeze" | "unfreeze") => {
    if (!reason.value.trim()) {
      say("Give the reason first.");
      return;
    }
    try {
      const done = await session.call<{ canceledOrders: number }>("POST", `/api/v1/admin/accounts/${account.userId}/${what}`, {}, { reason: reason.value.trim() });
      say(what === "freeze" ? `Frozen; ${done.canceledOrders} open orders cancelled.` : "Unfrozen: its API keys work again.");
      again();
    } catch (caught) {
      say(caught instanceof Error ? caught.message : String(caught));
    }
  };
  const state = account.frozen
    ? `Frozen since ${when(account.frozen.time)}: ${account.frozen.reason}`
    : "Not frozen";
  return h(
    "div",
    { "data-user-id": String(account.userId) },
    h("h3", {}, `${account.email} (user ${account.userId}), since ${when(account.createdAt)}`),
    h("p", { id: "freeze-state", "data-frozen": String(account.frozen !== null) }, state),
    h(
      "div",
      { class: "inline" },
      field("Reason (recorded in the audit log)", reason),
      account.frozen
        ? h("button", { type: "button", id: "unfreeze", onclick: () => void act("unfreeze") }, "Unfreeze")
        : h("button", { type: "button", id: "freeze", onclick: () => void act("freeze") }, "Freeze"),
    ),
    h("h3", {}, "Balances"),
    table(["Asset", "Free", "Locked"], account.balances.map((b) => row(b.asset, b.free, b.locked)), "Balances"),
    h("h3", {}, "Open orders"),
    table(
      ["Market", "Order", "Side", "Type", "Price", "Quantity", "Filled", "Time"],
      account.openOrders.map((o) => row(o.symbol, String(o.orderId), o.side, o.type, o.price, o.origQty, o.executedQty, when(o.time))),
      "Open orders",
    ),
  );
}
