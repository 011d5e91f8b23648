// The admin console at /admin: the operator signs in as any user does (two-factor
// authentication is required of an admin), then works through its views. Every act asks for
// its reason, which the audit log keeps with who did it and when.

import "../style.css";
import { ApiError, Session } from "../api";
import { authForms } from "../auth";
import { h } from "../dom";
import { auditView } from "./audit";
import { listingsView } from "./listings";
import { marketsView } from "./markets";
import { systemView } from "./system";
import { transfersView } from "./transfers";
import { usersView } from "./users";

export type Say = (text: string) => void;
type View = (session: Session, say: Say) => Promise<HTMLElement>;

const VIEWS: Record<string, [string, View]> = {
  markets: ["Markets", marketsView],
  listings: ["Listings", listingsView],
  users: ["Users", usersView],
  transfers: ["Credits and debits", transfersView],
  audit: ["Audit log", auditView],
  system: ["System", systemView],
};

function byId(id: string): HTMLElement {
  return document.getElementById(id)!;
}

async function start(): Promise<void> {
  const session = new Session();
  const root = byId("console");
  const status = byId("console-status");
  const say: Say = (text) => (status.textContent = text);
  let current = "markets";

  const show = async (view: string) => {
    current = view;
    byId("tabs")
      .querySelectorAll("button")
      .forEach((tab) => tab.setAttribute("aria-pressed", String(tab.dataset.view === view)));
    say("");
    try {
      const shown = await VIEWS[view][1](session, say);
      if (current === view) root.replaceChildren(shown);
    } catch (caught) {
      say(caught instanceof Error ? caught.message : String(caught));
    }
  };

  const signedIn = async () => {
    let actor: string;
    try {
      actor = (await session.call<{ actor: string }>("GET", "/api/v1/admin/operator")).actor;
    } catch (caught) {
      root.replaceChildren(h("p", { role: "alert", class: "error", id: "not-admin" }, caught instanceof ApiError ? caught.message : String(caught)));
      byId("who").replaceChildren(h("button", { type: "button", id: "log-out", onclick: () => void session.logOut() }, "Log out"));
      return;
    }
    byId("who").replaceChildren(
      h("span", { id: "signed-in" }, actor),
      h("button", { type: "button", id: "log-out", onclick: () => void session.logOut() }, "Log out"),
    );
    byId("tabs").replaceChildren(
      ...Object.entries(VIEWS).map(([view, [label]]) =>
        h("button", { type: "button", "data-view": view, onclick: () => void show(view) }, label),
      ),
    );
    await show(current);
  };
  const signedOut = () => {
    byId("tabs").replaceChildren();
    byId("who").replaceChildren();
    root.replaceChildren(h("h2", {}, "Operator sign-in"), authForms(session, say));
  };
  session.onChange((on) => void (on ? signedIn() : signedOut()));
  if (!(await session.resume())) signedOut();
  document.body.dataset.ready = "true";
}

void start();
