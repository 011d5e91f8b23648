// The system: each role's processes with their measures, and which engine holds each market's
// lease since when; read again every few seconds while shown.

import { Session } from "../api";
import { h, row, table, when } from "../dom";
import type { Say } from "./main";

interface System {
  time: number;
  processes: { processId: string; role: string; host: string; pid: number; startedAt: number; seenAt: number; measures: Record<string, number> }[];
  markets: { symbol: string; status: string; lease: { owner: string; epoch: number; heldSince: number; expiresAt: number; sequence: number } | null }[];
}

const EVERY_MS = 2000;

function seconds(value: number | undefined): string {
  return value === undefined ? "–" : `${value.toFixed(1)} s`;
}

function count(value: number | undefined): string {
  return value === undefined ? "–" : String(Math.round(value));
}

function render(system: System): HTMLElement[] {
  const processes = system.processes.map((p) => {
    const m = p.measures;
    return row(
      p.role, `${p.host}:${p.pid}`, when(p.startedAt), `${((system.time - p.seenAt) / 1000).toFixed(1)} s ago`,
      `${count(m.http_requests_per_minute)} / ${count(m.http_errors_per_minute)}`,
      `${count(m.store_errors_per_minute)} / ${count(m.bus_timeouts_per_minute)}`,
      `${count(m.outbox_backlog)} / ${seconds(m.outbox_behind_seconds)}`,
      seconds(m.bus_lag_seconds), count(m.stream_connections), count(m.engines_serving),
    );
  });
  const markets = system.markets.map((m) =>
    row(
      m.symbol, m.status, m.lease ? m.lease.owner : "no engine yet",
      m.lease ? when(m.lease.heldSince) : "–", m.lease ? String(m.lease.epoch) : "–",
      m.lease ? (m.lease.expiresAt > system.time ? "held" : "expired") : "–",
      m.lease ? String(m.lease.sequence) : "–",
    ),
  );
  return [
    h("h2", {}, "Processes"),
    table(
      ["Role", "Process", "Started", "Last seen", "Requests / 5xx a minute", "Store errors / bus timeouts a minute", "Outbox backlog / behind", "Bus lag", "Streams", "Engines"],
      processes, "Processes",
    ),
    h("h2", {}, "Market engines"),
    table(["Market", "Status", "Engine (lease owner)", "Since", "Epoch", "Lease", "Sequence"], markets, "Market engines"),
  ];
}

export async function systemView(session: Session, say: Say): Promise<HTMLElement> {
  const view = h("div", { id: "system" });
  const load = async () => {
    try {
      view.replaceChildren(...render(await session.call<System>("GET", "/api/v1/admin/system")));
    } catch (caught) {
      say(caught instanceof Error ? caught.message : String(caught));
    }
  };
  await load();
  const timer = window.setInterval(() => {
    if (!view.isConnected) window.clearInterval(timer);
    else void load();
  }, EVERY_MS);
  return view;
}
