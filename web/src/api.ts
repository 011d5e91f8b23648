// The public API as any client uses it (REST and WebSocket on the page's own origin), and the
// login session: the access token in memory only, the refresh token in an httpOnly cookie the
// server set, refreshed with the CSRF token the server gave.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

type Params = Record<string, string | number | undefined>;

function query(params: Params): string {
  const pairs = Object.entries(params).filter(([, v]) => v !== undefined && v !== "");
  return new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString();
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  const body = text ? JSON.parse(text) : {};
  if (!response.ok) {
    throw new ApiError(response.status, body.code ?? -1000, body.msg ?? response.statusText);
  }
  return body as T;
}

export async function publicGet<T>(path: string, params: Params = {}): Promise<T> {
  const q = query(params);
  return answer<T>(await fetch(q ? `${path}?${q}` : path));
}

function csrfCookie(): string | undefined {
  const found = document.cookie.split("; ").find((c) => c.startsWith("bourse_csrf="));
  return found ? decodeURIComponent(found.slice("bourse_csrf=".length)) : undefined;
}

interface SessionAnswer {
  access_token: string;
  expires_in: number;
  csrf_token: string;
}

type Listener = (signedIn: boolean) => void;

/** The login of this tab: nothing of it is written to localStorage or sessionStorage. */
export class Session {
  private accessToken: string | undefined;
  private csrfToken: string | undefined;
  private timer: number | undefined;
  private listeners: Listener[] = [];
  email = "";

  get signedIn(): boolean {
    return this.accessToken !== undefined;
  }

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  async signUp(email: string, password: string): Promise<void> {
    await answer(
      await fetch("/api/v1/users", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email, password }),
      }),
    );
  }

  async logIn(email: string, password: string, code?: string): Promise<void> {
    const body: Record<string, string> = { email, password };
    if (code) body.two_factor_code = code;
    const started = await answer<SessionAnswer>(
      await fetch("/api/v1/auth/session", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
    this.email = email;
    this.hold(started);
  }

  /** After a reload: the cookie's session, if there is one. */
  async resume(): Promise<boolean> {
    this.csrfToken = csrfCookie();
    if (!this.csrfToken) return false;
    try {
      await this.refresh();
      return true;
    } catch {
      return false;
    }
  }

  async logOut(): Promise<void> {
    const csrf = this.csrfToken ?? csrfCookie() ?? "";
    this.drop();
    await fetch("/api/v1/auth/session", { method: "DELETE", headers: { "X-CSRF-Token": csrf } });
  }

  /** A call with the access token: JSON for the native endpoints, a form for Binance's. */
  async call<T>(method: string, path: string, params: Params = {}, json?: unknown): Promise<T> {
    if (!this.accessToken) throw new ApiError(401, -1002, "Please log in first.");
    const headers: Record<string, string> = { Authorization: `Bearer ${this.accessToken}` };
    let url = path;
    let body: string | undefined;
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    } else if (method === "GET" || method === "DELETE") {
      const q = query(params);
      if (q) url = `${path}?${q}`;
    } else {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      body = query(params);
    }
    const response = await fetch(url, { method, headers, body });
    if (response.status === 401) await this.checkSession();
    return answer<T>(response);
  }

  /** After a 401: whether the session still holds (the refusal was of something else, such
   *  as a wrong two-factor code), or it ended (logged out elsewhere, the account frozen):
   *  then the page is signed out. */
  async checkSession(): Promise<void> {
    if (!this.signedIn) return;
    try {
      await this.refresh();
    } catch (caught) {
      // Only the server's refusal ends it: a network that drops a moment does not.
      if (caught instanceof ApiError && caught.status < 500) this.drop();
    }
  }

  async download(path: string, params: Params): Promise<Blob> {
    if (!this.accessToken) throw new ApiError(401, -1002, "Please log in first.");
    const response = await fetch(`${path}?${query(params)}`, {
      headers: { Authorization: `Bearer ${this.accessToken}` },
    });
    if (!response.ok) await answer(response);
    return response.blob();
  }

  private async refresh(): Promise<void> {
    const refreshed = await answer<SessionAnswer>(
      await fetch("/api/v1/auth/session/refresh", {
        method: "POST",
        headers: { "X-CSRF-Token": this.csrfToken ?? "" },
      }),
    );
    this.hold(refreshed);
  }

  private hold(session: SessionAnswer): void {
    const was = this.signedIn;
    this.accessToken = session.access_token;
    this.csrfToken = session.csrf_token;
    window.clearTimeout(this.timer);
    // A minute before the access token expires, a new one through the cookie.
    const delay = Math.max(10, session.expires_in - 60) * 1000;
    this.timer = window.setTimeout(() => {
      this.refresh().catch(() => this.drop());
    }, delay);
    if (!was) this.listeners.forEach((l) => l(true));
  }

  private drop(): void {
    window.clearTimeout(this.timer);
    this.accessToken = undefined;
    this.csrfToken = undefined;
    this.listeners.forEach((l) => l(false));
  }
}
