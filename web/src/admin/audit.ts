// The audit log: every admin act, newest first, filtered by actor and act, a page at a time.

import { Session } from "../api";
import { field, h, row, table, when } from "../dom";
import type { Say } from "./main";

export interface Entry {
  id: number;
  time: number;
  actor: string;
  act: string;
  params: Record<string, string>;
  reason: string;
}

const PAGE = 50;

export async function auditView(session: Session, say: Say): Promise<HTMLElement> {
  const actor = h("input", { name: "actor", id: "audit-actor" });
  const act = h("input", { name: "act", id: "audit-act", placeholder: "market.status" });
  const shown = h("div", { id: "audit" });
  const load = async (beforeId?: number) => {
    try {
      const entries = await session.call<Entry[]>("GET", "/api/v1/admin/audit", {
        actor: actor.value.trim(),
        act: act.value.trim(),
        beforeId,
        limit: PAGE,
      });
      const rows = entries.map((e) =>
        row(String(e.id), when(e.time), e.actor, e.act, Object.entries(e.params).map(([k, v]) => `${k}=${v}`).join(" "), e.reason),
      );
      const older = entries.length === PAGE
        ? h("button", { type: "button", id: "audit-older", onclick: () => void load(entries[entries.length - 1].id) }, "Older")
        : undefined;
      shown.replaceChildren(table(["#", "Time", "Actor", "Act", "Parameters", "Reason"], rows, "Audit log"), older ?? "");
    } catch (caught) {
      say(caught instanceof Error ? caught.message : String(caught));
    }
  };
  await load();
  const filter = (event: Event) => {
    event.preventDefault();
    void load();
  };
  return h(
    "div",
    {},
    h("h2", {}, "Audit log"),
    h("form", { class: "inline", onsubmit: filter as EventListener }, field("Actor", actor), field("Act", act), h("button", { type: "submit" }, "Filter")),
    shown,
  );
}
