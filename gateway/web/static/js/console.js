// An operator console: GET /api/auth/me (sign-in and access), starting state over REST, then
// live updates from GET /api/stream/<scenario>; tiles, an ECharts line chart and a table of the
// latest values per key. The scenario comes from <body data-scenario="…">.
// Medical adds NEWS2: tiles ordered by risk, an alert tone on a rise, and a NEWS2 chart.
import { api, ApiError, clearError, describe, liveIndicator, LiveStream, showError } from "./api.js";
import { TOPICS } from "./contracts.js";
import { LiveChart } from "./chart.js";
import { clock, eventTime, flash, fmt, fmtInt, h, isNewer, num, num0 } from "./format.js";
import { has, nameOf, onLangChange, t } from "./i18n.js";
import { KNOWN } from "./overview.js";
import { AlertSound, news2Of, riskName } from "./news2.js";
import { loginUrl, renderShell } from "./shell.js";
import { AreaTile, GateTile, PatientTile, TileGrid } from "./tiles.js";
import { AlertQueue, AmbulanceBoard } from "./medical/panels.js";

const timeCol = { id: "time", label: "f.event_time", get: (d) => clock(eventTime(d)) };

/** What differs between the four consoles. */
const SCENARIOS = {
  tourism: {
    topics: [TOPICS.TOURISM_ENV_STATUS],
    keyOf: (d) => d.area_id,
    Tile: AreaTile,
    known: KNOWN.areas,
    load: () => api("/api/tourism/environment"),
    chart: {
      yAxes: [{ name: () => "°C" }, { name: () => t("f.comfort_index"), min: 0, max: 100 }],
      metrics: [
        { id: "temp", name: () => t("f.temperature"), axis: 0, value: (d) => num0(d.temperature_c) },
        { id: "comfort", name: () => t("f.comfort_index"), axis: 1, dashed: true, value: (d) => num0(d.comfort_index) },
      ],
      keyName: (k) => nameOf("area", k),
    },
    columns: [
      { id: "area", label: "f.area", get: (d) => nameOf("area", d.area_id), head: true },
      { id: "temp", label: "f.temperature", get: (d) => fmt(num0(d.temperature_c), 1, "°C"), num: true },
      { id: "humidity", label: "f.humidity", get: (d) => fmt(num0(d.humidity_pct), 1, "%"), num: true },
      { id: "pm25", label: "f.pm25", get: (d) => fmt(num0(d.pm25_ug_m3), 1, "µg/m³"), num: true },
      { id: "noise", label: "f.noise", get: (d) => fmt(num0(d.noise_db), 1, "dB"), num: true },
      { id: "thi", label: "f.thi", get: (d) => fmt(num0(d.thi), 1), num: true },
      { id: "comfort", label: "f.comfort_index", get: (d) => fmt(num0(d.comfort_index), 0), num: true },
      { id: "level", label: "f.comfort_level",
        get: (d) => (d.comfort_level && has(`comfort.${d.comfort_level}`) ? t(`comfort.${d.comfort_level}`) : d.comfort_level || t("common.unknown")),
        badge: (d) => ({ level: d.comfort_level || "" }) },
      { id: "readings", label: "f.readings_total", get: (d) => fmtInt(num0(d.readings_total)), num: true },
      timeCol,
    ],
  },
  medical: {
    topics: [TOPICS.MEDICAL_PATIENT_STATUS],
    keyOf: (d) => d.patient_id,
    Tile: PatientTile,
    known: [],
    emptyText: "console.medical.patients_hint",
    // The clinician's own care team's patients (the service filters and audits).
    load: async () => ((await api("/api/medical/patients")) ?? []).map((p) => p.status).filter(Boolean),
    // Alert queue and ambulance board beside the wall, fed by their own topics.
    panels() {
      const sound = this.soundRef;
      const queue = new AlertQueue((a, prev) => {
        if (!prev && a.state === "ALERT_STATE_RAISED") sound?.alert(a.risk === "high" ? 3 : 2);
      });
      const board = new AmbulanceBoard();
      return [
        { title: "med.alerts.title", el: queue.el, topic: TOPICS.MEDICAL_ALERTS, update: (d) => queue.update(d), load: () => queue.load() },
        { title: "med.amb.title", el: board.el, topic: TOPICS.MEDICAL_PREARRIVAL, update: (d) => board.update(d), load: () => board.load() },
      ];
    },
    chart: {
      yAxes: [{ name: () => "bpm" }, { name: () => `${t("f.spo2")} %`, min: 80, max: 100 }],
      metrics: [
        { id: "hr", name: () => t("f.heart_rate"), axis: 0, value: (d) => num(d.latest?.heart_rate_bpm) },
        { id: "spo2", name: () => t("f.spo2"), axis: 1, dashed: true, value: (d) => num(d.latest?.spo2_pct) },
      ],
      keyName: (k) => nameOf("patient", k),
    },
    // NEWS2 aggregate per patient, with the chart 2 thresholds (5: medium, 7: high).
    extraCharts: [{
      title: "console.chart.medical_news2",
      small: true,
      step: true,
      yAxes: [{ name: () => t("news2.label"), min: 0, max: (v) => Math.max(8, Math.ceil(v.max) + 1), minInterval: 1 }],
      marks: () => [
        { y: 5, label: riskName("medium"), color: "#c2410c", below: true },
        { y: 7, label: riskName("high"), color: "#b91c1c" },
      ],
      metrics: [{ id: "news2", name: () => t("news2.label"), axis: 0,
        value: (d) => { const n = news2Of(d); return n ? n.aggregate : null; } }],
      keyName: (k) => nameOf("patient", k),
    }],
    sound: true,
    columns: [
      { id: "patient", label: "f.patient", get: (d) => nameOf("patient", d.patient_id), head: true },
      { id: "news2", label: "f.news2",
        get: (d) => {
          const n = news2Of(d);
          if (!n) return t("common.unknown");
          const score = `${n.complete ? "" : "≥"}${n.aggregate} · ${riskName(n.risk)}`;
          return n.complete ? score : `${score} · ${t("news2.incomplete")}`;
        },
        badge: (d) => { const n = news2Of(d); return { risk: n ? n.risk : "", complete: n ? String(n.complete) : "" }; } },
      { id: "hr", label: "f.heart_rate", get: (d) => fmt(d.latest?.heart_rate_bpm, 0, "bpm"), num: true },
      { id: "rr", label: "f.resp_rate", get: (d) => fmt(d.latest?.resp_rate_per_min, 0, "/min"), num: true },
      { id: "spo2", label: "f.spo2", get: (d) => fmt(d.latest?.spo2_pct, 0, "%"), num: true },
      { id: "bp", label: "f.bp", num: true,
        get: (d) => (num(d.latest?.systolic_mmhg) === null ? t("common.unknown")
          : `${Math.round(num(d.latest.systolic_mmhg))}/${num(d.latest?.diastolic_mmhg) === null ? "–" : Math.round(num(d.latest.diastolic_mmhg))}`) },
      { id: "temp", label: "f.body_temp", get: (d) => fmt(d.latest?.temperature_c, 1, "°C"), num: true },
      { id: "consciousness", label: "f.consciousness",
        get: (d) => t(`cons.${d.latest?.consciousness || "CONSCIOUSNESS_UNSPECIFIED"}`) },
      { id: "oxygen", label: "f.on_oxygen",
        get: (d) => (d.latest?.on_oxygen === undefined ? t("common.unknown") : t(d.latest.on_oxygen ? "common.yes" : "common.no")) },
      { id: "observations", label: "f.observations_total", get: (d) => fmtInt(num0(d.observations_total)), num: true },
      timeCol,
    ],
  },
  transport: {
    topics: [TOPICS.TRANSPORT_GATE_STATUS],
    keyOf: (d) => d.gate_id,
    Tile: GateTile,
    known: KNOWN.gates,
    load: () => api("/api/transport/gates"),
    chart: {
      step: true,
      yAxes: [{ name: () => t("f.queue"), min: 0 }],
      metrics: [{ id: "queue", name: () => t("f.queue"), axis: 0, value: (d) => num0(d.queue_length) }],
      keyName: (k) => nameOf("gate", k),
    },
    columns: [
      { id: "gate", label: "f.gate", get: (d) => nameOf("gate", d.gate_id), head: true },
      { id: "station", label: "f.station", get: (d) => (d.station_id ? nameOf("station", d.station_id) : t("common.unknown")) },
      { id: "state", label: "f.state", get: (d) => (has(`gate.${d.state}`) ? t(`gate.${d.state}`) : d.state || t("common.unknown")),
        badge: (d) => ({ state: d.state || "" }) },
      { id: "queue", label: "f.queue", get: (d) => String(num0(d.queue_length)), num: true },
      { id: "heartbeats", label: "f.heartbeats_total", get: (d) => fmtInt(num0(d.heartbeats_total)), num: true },
      timeCol,
    ],
  },
};

/** The table of latest values: one row per key, flashing when it changes. */
class LatestTable {
  constructor(container, columns) {
    this.columns = columns;
    this.rows = new Map(); // key → {tr, cells: Map(colId → td), data}
    this.thead = h("thead");
    this.tbody = h("tbody");
    this.empty = h("tr", { class: "empty-row" }, h("td", { colspan: String(columns.length), class: "waiting" }));
    this.tbody.append(this.empty);
    container.append(h("div", { class: "table-wrap" },
      h("table", { class: "data-table", dataset: { testid: "latest-table" } }, this.thead, this.tbody)));
    this.renderHead();
    onLangChange(() => {
      this.renderHead();
      for (const row of this.rows.values()) this.fill(row);
    });
  }

  renderHead() {
    this.thead.replaceChildren(h("tr", {}, this.columns.map((c) =>
      h("th", { scope: "col", class: c.num ? "num" : null }, t(c.label)))));
    this.empty.firstChild.textContent = t("common.waiting");
  }

  fill(row) {
    for (const c of this.columns) {
      const cell = row.cells.get(c.id);
      const text = c.get(row.data);
      if (c.badge) {
        let b = cell.firstElementChild;
        if (!b) {
          b = h("span", { class: "badge" });
          cell.replaceChildren(b);
        }
        b.textContent = text;
        Object.assign(b.dataset, c.badge(row.data));
      } else {
        cell.textContent = text;
      }
    }
  }

  update(key, data, { animate = true } = {}) {
    let row = this.rows.get(key);
    if (row && !isNewer(row.data, data)) return;
    if (!row) {
      const tr = h("tr", { dataset: { key, testid: `row-${key}` } });
      const cells = new Map();
      for (const c of this.columns) {
        const cell = h(c.head ? "th" : "td", { scope: c.head ? "row" : null, class: c.num ? "num" : null,
          dataset: { testid: `cell-${key}-${c.id}` } });
        cells.set(c.id, cell);
        tr.append(cell);
      }
      row = { tr, cells, data };
      this.rows.set(key, row);
      const after = [...this.rows.keys()].sort().find((k) => k > key && this.rows.get(k).tr.isConnected);
      if (after) this.tbody.insertBefore(tr, this.rows.get(after).tr);
      else this.tbody.append(tr);
      this.empty.remove();
    }
    row.data = data;
    this.fill(row);
    if (animate) flash(row.tr);
  }
}

function panel(titleKey, body, extra = null) {
  return h("section", { class: "panel" },
    h("header", { class: "panel-head" }, h("h2", { class: "panel-title", dataset: { i18n: titleKey } }, t(titleKey)), extra),
    body);
}

function noAccess(gate, scenario, me) {
  const body = h("p");
  const render = () => {
    body.textContent = t("console.noaccess.body", { user: me.display_name || me.username, role: me.role,
      console: t(`console.${scenario}.title`) });
  };
  render();
  onLangChange(render);
  gate.replaceChildren(h("div", { class: "notice notice-denied", dataset: { testid: "no-access" }, role: "alert" },
    h("h2", { dataset: { i18n: "console.noaccess.title" } }, t("console.noaccess.title")),
    body,
    h("p", {}, h("a", { class: "btn btn-primary", href: loginUrl(), dataset: { i18n: "console.noaccess.switch" } },
      t("console.noaccess.switch")))));
  gate.hidden = false;
}

async function main() {
  const scenario = document.body.dataset.scenario;
  const cfg = SCENARIOS[scenario];
  const gate = document.getElementById("console-gate");
  const root = document.getElementById("console-root");
  const liveSlot = document.getElementById("console-live");

  const { me, error } = await renderShell({ page: scenario });
  if (!me) {
    if (error) {
      // The gateway is unreachable or failing: say so, and try again shortly.
      showError("me", () => describe(error));
      gate.replaceChildren(h("p", { class: "waiting" }, t("common.loading")));
      setTimeout(() => location.reload(), 10000);
      return;
    }
    location.replace(loginUrl());
    return;
  }
  if (!me.scenarios?.includes(scenario)) {
    noAccess(gate, scenario, me);
    return;
  }
  gate.hidden = true;
  root.hidden = false;

  const live = liveIndicator(liveSlot);
  // Medical: a tone when a patient's NEWS2 risk rises to medium or high (once sound is enabled).
  const sound = cfg.sound ? new AlertSound() : null;
  const tiles = new TileGrid(cfg.Tile, { known: cfg.known, emptyText: cfg.emptyText,
    tileOpts: sound ? { onRiskRise: (id, n) => sound.alert(n.rank) } : {} });
  const chartBox = h("div");
  const tableBox = h("div");
  const keys = cfg.known;
  cfg.soundRef = sound;
  const extra = cfg.panels ? cfg.panels() : [];
  const charts = [{ spec: cfg.chart, box: chartBox, title: `console.chart.${scenario}` },
    ...(cfg.extraCharts ?? []).map((spec) => ({ spec, box: h("div"), title: spec.title }))];
  root.append(
    ...extra.filter((p) => p.title === "med.alerts.title").map((p) => panel(p.title, p.el)),
    panel("console.tiles", tiles.el, sound?.el),
    ...extra.filter((p) => p.title !== "med.alerts.title").map((p) => panel(p.title, p.el)),
    ...charts.map((c) => panel(c.title, c.box)),
    panel("console.table", tableBox));
  for (const c of charts) {
    c.chart = new LiveChart(c.box, { yAxes: c.spec.yAxes, step: c.spec.step, small: c.spec.small, marks: c.spec.marks,
      metricCount: c.spec.metrics.length, keys });
    for (const m of c.spec.metrics) m.keyName = c.spec.keyName;
  }
  const table = new LatestTable(tableBox, cfg.columns);
  onLangChange(() => tiles.render());

  const apply = (data, opts) => {
    const key = cfg.keyOf(data);
    if (!key) return;
    if (!tiles.update(key, data, opts)) return; // older than what is shown
    table.update(key, data, opts);
    const ms = eventTime(data) ?? Date.now();
    for (const c of charts) for (const m of c.spec.metrics) c.chart.add(key, m, ms, m.value(data));
  };

  let retry = null;
  let failures = 0;
  const load = async () => {
    clearTimeout(retry);
    try {
      const list = await cfg.load();
      await Promise.all(extra.map((p) => p.load()));
      clearError("load");
      failures = 0;
      for (const d of list ?? []) apply(d, { animate: false });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return location.replace(loginUrl());
      if (err instanceof ApiError && err.status === 403) return noAccess(gate, scenario, me);
      failures += 1;
      showError("load", () => describe(err));
      const wait = err instanceof ApiError && err.retryAfter ? err.retryAfter * 1000 : Math.min(60000, 5000 * failures);
      retry = setTimeout(load, wait);
    }
  };

  const stream = new LiveStream(`/api/stream/${scenario}`, {
    onState: (s) => live.setState(s),
    onOpen: (again) => {
      clearError("stream");
      if (again) load();
    },
    onEvent: (msg) => {
      if (!msg?.data) return;
      const other = extra.find((p) => p.topic === msg.topic);
      if (other) {
        other.update(msg.data);
        live.event();
        return;
      }
      if (!cfg.topics.includes(msg.topic)) return;
      apply(msg.data);
      live.event();
    },
    async onRefused() {
      // EventSource does not say why; ask who we are to tell an expired session from an outage.
      try {
        const now = await api("/api/auth/me");
        if (!now.scenarios?.includes(scenario)) {
          stream.stop();
          root.hidden = true;
          noAccess(gate, scenario, now);
          return false;
        }
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          location.replace(loginUrl());
          return false;
        }
        showError("stream", () => describe(err));
      }
      return true;
    },
  });

  load();
  stream.start();
}

main();
