// The candlestick chart with volume (TradingView's lightweight-charts): the klines of the
// chosen interval, then the kline stream, whose open candle is redrawn as it trades.

import {
  CandlestickSeries,
  ColorType,
  HistogramSeries,
  createChart,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from "lightweight-charts";
import { publicGet } from "./api";
import { MarketStreams } from "./streams";

export const INTERVALS = ["1m", "5m", "15m", "1h", "4h", "1d"];

type Kline = [number, string, string, string, string, string, ...unknown[]];

interface Bar {
  time: UTCTimestamp;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

const UP = "#1f9d6b";
const DOWN = "#d8434c";

// Plotting needs numbers; no amount drawn here is ever computed with or sent back.
function bar(openTime: number, o: string, h: string, l: string, c: string, v: string): Bar {
  const n = Number;
  return {
    time: (openTime / 1000) as UTCTimestamp,
    open: n(o),
    high: n(h),
    low: n(l),
    close: n(c),
    volume: n(v),
  };
}

export class CandleChart {
  private chart: IChartApi;
  private candles: ISeriesApi<"Candlestick">;
  private volumes: ISeriesApi<"Histogram">;
  private stream: string | undefined;
  private generation = 0;

  constructor(
    element: HTMLElement,
    private readonly streams: MarketStreams,
  ) {
    this.chart = createChart(element, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: "#10151c" },
        textColor: "#c9d1d9",
        // Its inline SVG would break the Content-Security-Policy: the page credits
        // TradingView in a link of its own instead.
        attributionLogo: false,
      },
      grid: { vertLines: { color: "#1c2430" }, horzLines: { color: "#1c2430" } },
      timeScale: { timeVisible: true, secondsVisible: false },
    });
    this.candles = this.chart.addSeries(CandlestickSeries, {
      upColor: UP,
      downColor: DOWN,
      wickUpColor: UP,
      wickDownColor: DOWN,
      borderVisible: false,
    });
    this.volumes = this.chart.addSeries(HistogramSeries, {
      priceScaleId: "volume",
      priceFormat: { type: "volume" },
    });
    this.chart.priceScale("volume").applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
  }

  async show(symbol: string, interval: string): Promise<void> {
    const generation = ++this.generation;
    if (this.stream) this.streams.unsubscribe(this.stream);
    this.stream = `${symbol.toLowerCase()}@kline_${interval}`;
    const pending: Bar[] = [];
    let loaded = false;
    this.streams.subscribe(this.stream, (event: { k: { t: number; o: string; h: string; l: string; c: string; v: string } }) => {
      const k = event.k;
      const latest = bar(k.t, k.o, k.h, k.l, k.c, k.v);
      if (loaded) this.draw(latest);
      else pending.push(latest);
    });
    const klines = await publicGet<Kline[]>("/api/v3/klines", { symbol, interval, limit: 500 });
    if (generation !== this.generation) return;
    const bars = klines.map((k) => bar(k[0], k[1], k[2], k[3], k[4], k[5]));
    this.candles.setData(bars);
    this.volumes.setData(bars.map((b) => this.volume(b)));
    this.mark(bars.length, bars.at(-1)?.close);
    loaded = true;
    const last = bars.at(-1)?.time ?? 0;
    pending.filter((b) => b.time >= last).forEach((b) => this.draw(b));
    this.chart.timeScale().scrollToRealTime();
  }

  private draw(latest: Bar): void {
    this.candles.update(latest);
    this.volumes.update(this.volume(latest));
    this.mark(this.candles.data().length, latest.close);
  }

  /** What is drawn, for anyone checking the chart from outside the canvas. */
  private mark(candles: number, close: number | undefined): void {
    const element = this.chart.chartElement().parentElement!;
    element.dataset.candles = String(candles);
    if (close !== undefined) element.dataset.lastClose = String(close);
  }

  private volume(b: Bar): { time: UTCTimestamp; value: number; color: string } {
    return { time: b.time, value: b.volume, color: b.close >= b.open ? `${UP}80` : `${DOWN}80` };
  }
}
