// A live time-series line chart on Apache ECharts (loaded as the global `echarts` from
// /vendor/echarts/echarts.min.js). Series are added as keys appear; redraws are throttled.
import { h } from "./format.js";
import { getLang, onLangChange, t } from "./i18n.js";

const PALETTE = ["#2563eb", "#16a34a", "#ea580c", "#9333ea", "#0891b2", "#db2777", "#ca8a04", "#4b5563"];
const WINDOW_MS = 30 * 60 * 1000;
const MAX_POINTS = 1800;
const MIN_SPAN_MS = 5 * 60 * 1000;
// Series with fewer points than this show a dot per point (a line of two points hides them).
const SYMBOLS_BELOW = 30;

export class LiveChart {
  /**
   * yAxes: [{name: () => string, min?, max? (number or ECharts function), minInterval?}] · keys
   * are coloured in order of appearance; a metric's `dashed` makes its line dashed (two metrics of
   * one key share a colour). `marks`: () => [{y, label, color, below?}], horizontal threshold lines
   * on the first axis (the label above the line, or below it). `small`: a lower chart.
   * `colorBy: "metric"`: one colour per metric instead of per key (one key, several vitals).
   */
  constructor(container, { yAxes, step = false, metricCount = 1, keys = [], marks = null, small = false,
    colorBy = "key" }) {
    this.colorBy = colorBy;
    this.yAxes = yAxes;
    this.marks = marks;
    this.keys = keys; // known keys get fixed colours, in this order
    this.metricCount = metricCount;
    this.step = step;
    this.series = new Map(); // id → {key, metric, name(), axis, dashed, digits, data}
    this.keyColors = new Map();
    this.timer = null;
    this.el = h("div", { class: small ? "chart chart-small" : "chart", role: "img" });
    this.empty = h("div", { class: "chart-empty waiting" });
    container.append(h("div", { class: "chart-wrap" }, this.el, this.empty));
    this.chart = null;
    if (typeof window.echarts === "undefined") {
      this.el.classList.add("chart-missing");
      this.el.textContent = t("err.echarts");
    } else {
      this.chart = window.echarts.init(this.el, null, { renderer: "canvas" });
      new ResizeObserver(() => this.chart.resize()).observe(this.el);
    }
    this.renderEmpty();
    this.rebuild();
    onLangChange(() => {
      this.renderEmpty();
      this.rebuild();
    });
  }

  renderEmpty() {
    const hasData = [...this.series.values()].some((s) => s.data.length > 0);
    this.empty.textContent = t("chart.empty");
    this.empty.hidden = hasData;
    this.el.setAttribute("aria-label", [...this.series.values()].map((s) => this.seriesName(s)).join(", "));
  }

  seriesName(s) {
    // One metric per key: the key says it all; two: "Jueshan · Temperature"; one key: the metric.
    const key = s.metric.keyName(s.key);
    if (!key) return s.metric.name();
    return this.metricCount > 1 ? `${key} · ${s.metric.name()}` : key;
  }

  color(key) {
    if (!this.keyColors.has(key)) {
      const known = this.keys.indexOf(key);
      const extra = [...this.keyColors.keys()].filter((k) => !this.keys.includes(k)).length;
      this.keyColors.set(key, PALETTE[(known >= 0 ? known : this.keys.length + extra) % PALETTE.length]);
    }
    return this.keyColors.get(key);
  }

  /** Add one point (ms, value) to the series of (key, metric). */
  add(key, metric, ms, value) {
    if (value === null || value === undefined || !Number.isFinite(value) || ms === null) return;
    const id = `${key}/${metric.id}`;
    let s = this.series.get(id);
    if (!s) {
      s = { id, key, metric, data: [] };
      this.series.set(id, s);
      this.color(key);
      this.structureChanged = true;
    }
    const data = s.data;
    const last = data.length ? data[data.length - 1][0] : -Infinity;
    if (ms > last) data.push([ms, value]);
    else if (!data.some((p) => p[0] === ms)) {
      data.push([ms, value]);
      data.sort((a, b) => a[0] - b[0]);
    }
    const newest = data[data.length - 1][0];
    let drop = 0;
    while (drop < data.length && data[drop][0] < newest - WINDOW_MS) drop += 1;
    drop = Math.max(drop, data.length - MAX_POINTS);
    if (drop > 0) data.splice(0, drop);
    this.schedule();
  }

  schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, 400);
  }

  seriesOption(s) {
    const color = this.colorBy === "metric" ? this.color(`metric:${s.metric.id}`) : this.keyColors.get(s.key);
    return {
      id: s.id,
      name: this.seriesName(s),
      type: "line",
      yAxisIndex: s.metric.axis ?? 0,
      showSymbol: s.data.length < SYMBOLS_BELOW,
      symbolSize: 5,
      step: this.step ? "end" : false,
      smooth: false,
      sampling: "lttb",
      color,
      lineStyle: { width: 2, type: s.metric.dashed ? "dashed" : "solid", color },
      emphasis: { focus: "series" },
      data: s.data,
    };
  }

  flush() {
    this.renderEmpty();
    if (!this.chart) return;
    if (this.structureChanged) {
      this.structureChanged = false;
      this.rebuild();
      return;
    }
    this.chart.setOption({ series: [...this.series.values()].map((s) => ({ id: s.id, data: s.data,
      showSymbol: s.data.length < SYMBOLS_BELOW })) });
  }

  rebuild() {
    if (!this.chart) return;
    const lang = getLang();
    const timeFmt = (v) => new Date(v).toLocaleTimeString(lang, { hour12: false });
    this.chart.setOption({
      animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      grid: { left: 56, right: this.yAxes.length > 1 ? 56 : 24, top: 56, bottom: 56 },
      legend: { type: "scroll", top: 0, left: 0, right: 0, itemWidth: 22 },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "line" },
        valueFormatter: (v) => (typeof v === "number" ? v.toFixed(1) : v),
      },
      // The axis spans the data (at least 5 minutes up to the newest point), so that a chart
      // with a few points shows them instead of a day of empty axis around them.
      xAxis: { type: "time", axisLabel: { formatter: timeFmt, hideOverlap: true },
        min: (v) => Math.min(v.min, v.max - MIN_SPAN_MS), max: (v) => v.max,
        splitLine: { show: false } },
      yAxis: this.yAxes.map((a, i) => ({
        type: "value", name: a.name(), min: a.min, max: a.max, minInterval: a.minInterval, scale: a.min === undefined,
        position: i === 0 ? "left" : "right",
        nameTextStyle: { align: i === 0 ? "left" : "right" },
        splitLine: { show: i === 0, lineStyle: { color: "#e5e7eb" } },
      })),
      dataZoom: [{ type: "inside", xAxisIndex: 0, filterMode: "none" },
        { type: "slider", xAxisIndex: 0, height: 18, bottom: 8, filterMode: "none",
          labelFormatter: timeFmt }],
      series: [...this.series.values()].sort((a, b) => a.id.localeCompare(b.id)).map((s, i) => {
        const opt = this.seriesOption(s);
        if (i === 0 && this.marks) opt.markLine = this.markLine();
        return opt;
      }),
    }, { notMerge: true });
  }

  markLine() {
    return {
      silent: true,
      symbol: "none",
      animation: false,
      data: this.marks().map((m) => ({
        yAxis: m.y,
        lineStyle: { color: m.color, type: "dashed", width: 1 },
        label: { formatter: m.label, position: m.below ? "insideEndBottom" : "insideEndTop", color: m.color },
      })),
    };
  }
}
