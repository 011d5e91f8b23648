// One WebSocket to the market streams (Binance's combined form), whose subscriptions change
// with SUBSCRIBE and UNSUBSCRIBE as the page switches market or interval. It reconnects after
// a drop and subscribes again; a listener of a diff-depth stream is told, to resynchronise.

type Handler = (data: any) => void;

/** A stream's URL: on the page's own origin, or where the server says streams are served. */
export function wsUrl(path: string): string {
  const elsewhere = document.querySelector<HTMLMetaElement>('meta[name="bourse-streams"]')?.content;
  if (elsewhere) return `${elsewhere.replace(/\/$/, "")}${path}`;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

export class MarketStreams {
  private socket: WebSocket | undefined;
  private handlers = new Map<string, Handler>();
  private reconnects: (() => void)[] = [];
  private nextId = 1;

  constructor() {
    this.connect();
  }

  /** Called after every reconnection, when messages may have been missed. */
  onReconnect(listener: () => void): void {
    this.reconnects.push(listener);
  }

  subscribe(stream: string, handler: Handler): void {
    this.handlers.set(stream, handler);
    this.send("SUBSCRIBE", [stream]);
  }

  unsubscribe(stream: string): void {
    if (this.handlers.delete(stream)) this.send("UNSUBSCRIBE", [stream]);
  }

  private connect(): void {
    const socket = new WebSocket(wsUrl("/stream"));
    this.socket = socket;
    socket.onopen = () => {
      const streams = [...this.handlers.keys()];
      if (streams.length) this.send("SUBSCRIBE", streams);
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.stream) this.handlers.get(message.stream)?.(message.data);
    };
    socket.onclose = () => {
      window.setTimeout(() => {
        this.connect();
        this.reconnects.forEach((listener) => listener());
      }, 1000);
    };
  }

  private send(method: string, params: string[]): void {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ method, params, id: this.nextId++ }));
    }
  }
}
