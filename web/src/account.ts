// The signed-in part of the page: balances, open orders, history, API keys and security as
// views of one panel, kept live by the account's user data stream (opened with the login's
// access token), and the login forms when signed out.

import { Session } from "./api";
import { authForms, security } from "./auth";
import { h } from "./dom";
import { apiKeys } from "./keys";
import type { Market } from "./markets";
import { openOrders, orderHistory, tradeHistory } from "./orders";
import { wsUrl } from "./streams";
import { OrderEntry } from "./trade";
import { balances, walletView } from "./wallet";

const VIEWS = {
  balances: "Balances",
  open: "Open orders",
  orders: "Order history",
  trades: "Trade history",
  keys: "API keys",
  security: "Security",
} as const;
type View = keyof typeof VIEWS;
const KEEP_ALIVE_MS = 30 * 60 * 1000;

export class AccountPanel {
  private view: View = "balances";
  private market: Market | undefined;
  private socket: WebSocket | undefined;
  private keepAlive: number | undefined;
  private pending = 0;
  private readonly content = h("div", { class: "view", id: "account-view", tabindex: "-1" });
  private readonly status = h("p", { role: "status", id: "account-status" });

  constructor(
    private readonly session: Session,
    private readonly markets: Map<string, Market>,
    private readonly entry: OrderEntry,
    private readonly root: HTMLElement,
    private readonly who: HTMLElement,
  ) {
    session.onChange((signedIn) => (signedIn ? this.signedIn() : this.signedOut()));
  }

  show(market: Market): void {
    this.market = market;
    if (this.session.signedIn) this.refresh();
  }

  say = (text: string): void => {
    this.status.textContent = text;
  };

  signedOut(): void {
    this.socket?.close();
    this.socket = undefined;
    window.clearInterval(this.keepAlive);
    this.entry.balances = new Map();
    this.who.replaceChildren();
    this.root.replaceChildren(authForms(this.session, this.say), this.status);
  }

  private async signedIn(): Promise<void> {
    const logOut = () => void this.session.logOut();
    this.who.replaceChildren(
      h("span", { id: "signed-in" }, this.session.email || "Signed in"),
      h("button", { type: "button", id: "log-out", onclick: logOut }, "Log out"),
    );
    const tabs = (Object.keys(VIEWS) as View[]).map((view) =>
      h(
        "button",
        {
          type: "button",
          "data-view": view,
          "aria-pressed": String(view === this.view),
          onclick: () => {
            this.view = view;
            tabs.forEach((tab) => tab.setAttribute("aria-pressed", String(tab.dataset.view === view)));
            this.refresh();
          },
        },
        VIEWS[view],
      ),
    );
    this.root.replaceChildren(h("div", { class: "views", role: "group", "aria-label": "Account views" }, ...tabs), this.content, this.status);
    const account = await this.session.call<{ commissionRates: { maker: string; taker: string } }>("GET", "/api/v3/account");
    this.entry.rates = account.commissionRates;
    this.refresh();
    await this.openUserStream();
  }

  /** Shows the chosen view anew, and the balances the order form uses. */
  refresh = (): void => {
    const generation = ++this.pending;
    void (async () => {
      try {
        this.entry.balances = await balances(this.session);
        const shown = await this.render();
        shown.dataset.shows = this.view;
        if (generation === this.pending) this.update(shown);
      } catch (caught) {
        this.say(String(caught instanceof Error ? caught.message : caught));
      }
    })();
  };

  /** Shows a view; the view shown already gets only its live parts anew, so that what the
   *  user is typing in its forms stays. */
  private update(shown: HTMLElement): void {
    const current = this.content.firstElementChild as HTMLElement | null;
    if (!current || current.dataset.shows !== shown.dataset.shows) {
      this.content.replaceChildren(shown);
      return;
    }
    shown.querySelectorAll<HTMLElement>("[data-live]").forEach((part) => {
      const old = current.querySelector(`[data-live="${part.dataset.live}"]`);
      if (!old) return;
      const focused = keepTyped(old, part);
      old.replaceWith(part);
      focused?.();
    });
  }

  private async render(): Promise<HTMLElement> {
    const market = this.market!;
    const assets = [...new Set([...this.markets.values()].flatMap((m) => [m.base, m.quote]))].sort();
    switch (this.view) {
      case "balances":
        return walletView(this.session, assets, this.say, this.refresh);
      case "open":
        return openOrders(this.session, this.markets, this.say, this.refresh);
      case "orders":
        return orderHistory(this.session, market);
      case "trades":
        return tradeHistory(this.session, market);
      case "keys":
        return apiKeys(this.session);
      case "security":
        return security(this.session);
    }
  }

  private async openUserStream(): Promise<void> {
    const { listenKey } = await this.session.call<{ listenKey: string }>("POST", "/api/v3/userDataStream");
    const socket = new WebSocket(wsUrl(`/ws/${listenKey}`));
    this.socket = socket;
    // What changed between the first read and the subscription shows once the stream is open.
    socket.onopen = () => this.refresh();
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (["executionReport", "outboundAccountPosition", "balanceUpdate"].includes(message.e)) this.refresh();
      document.body.dataset.userEvents = String(Number(document.body.dataset.userEvents ?? 0) + 1);
    };
    socket.onclose = () => {
      if (this.socket !== socket || !this.session.signedIn) return;
      // Closed by the server when the login's streams end: a logout elsewhere, or a freeze.
      window.setTimeout(() => {
        void this.session.checkSession().then(() => {
          if (this.session.signedIn) void this.openUserStream();
        });
      }, 1000);
    };
    window.clearInterval(this.keepAlive);
    this.keepAlive = window.setInterval(() => {
      void this.session.call("PUT", "/api/v3/userDataStream", { listenKey });
    }, KEEP_ALIVE_MS);
  }
}

/** What the user typed in a live part's rows (an open order's new quantity) stays in its next
 *  rendering: each input they changed, found again by its row's order id and its name. Returns
 *  what gives the new input the focus, once shown, if the user was in the old one. */
function keepTyped(old: Element, part: Element): (() => void) | undefined {
  let focused: (() => void) | undefined;
  old.querySelectorAll<HTMLInputElement>("tr[data-order-id] input").forEach((input) => {
    if (input.value === input.defaultValue) return;
    const orderId = input.closest<HTMLElement>("tr")!.dataset.orderId;
    const twin = part.querySelector<HTMLInputElement>(`tr[data-order-id="${orderId}"] input[name="${input.name}"]`);
    if (!twin) return;
    twin.value = input.value;
    if (document.activeElement === input) {
      const { selectionStart, selectionEnd } = input;
      focused = () => {
        twin.focus();
        twin.setSelectionRange(selectionStart, selectionEnd);
      };
    }
  });
  return focused;
}
