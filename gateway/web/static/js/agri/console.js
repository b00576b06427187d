// The agri console (bureau: whole county; farmer: own fields, body data-mode="farmer"): a field
// map coloured by alarm, the emergency view, alarms with acknowledgement, machines and work
// orders, sensor history charts, product batches. REST for state, the live stream for changes.
import { api, describe, showError } from "../api.js";
import { TOPICS } from "../contracts.js";
import { startConsole } from "../console/engine.js";
import { clock, eventTime, fmt, h } from "../format.js";
import { onLangChange, t } from "../i18n.js";
import { drawMap, fieldLabel, label, machineLabel, orderOf, orderText, sevOf, sevText, statusOf, statusText, table, time } from "./common.js";
import { historyPanel } from "./history.js";
import "./i18n.js";
import { pager } from "../widgets/pager.js";

const farmer = document.body.dataset.mode === "farmer";
const state = { fields: [], alarms: [], machines: [], orders: [], emergency: null, batches: [] };

function panel(id, titleKey, ...body) {
  return h("section", { class: "panel agri-panel", id }, h("div", { class: "panel-head" },
    h("h2", { class: "panel-title" }, t(titleKey))), ...body);
}

function fieldName(id) {
  const f = state.fields.find((x) => x.id === id);
  return f ? fieldLabel(f) : label("field", id);
}

function machineName(id) {
  const m = state.machines.find((x) => x.id === id);
  return m ? machineLabel(m) : label("machine", id);
}

/** Soil moisture as a percentage of volume, the one unit of every agri page. */
export const vwcPct = (v) => (v === undefined || v === null ? t("common.unknown") : fmt(Number(v) * 100, 1, "%"));

function renderFields() {
  const cards = state.fields.map((f) => {
    const s = f.status || {};
    const l = s.latest || {};
    const sev = sevOf(s.severity);
    return h("article", { class: `agri-card sev-${sev}`, dataset: { testid: `field-${f.id}`, severity: String(sev) } },
      h("h3", {}, fieldLabel(f)),
      h("p", { class: "muted" }, `${label("crop", f.crop)} · ${label("stage", f.stage)} · ${sevText(sev)}`),
      h("dl", {},
        h("dt", {}, t("agri.moisture")), h("dd", { dataset: { testid: `vwc-${f.id}` } }, vwcPct(l.soil_moisture_vwc)),
        h("dt", {}, t("agri.air")), h("dd", { dataset: { testid: `air-${f.id}` } }, fmt(l.air_temp_c, 1, "°C")),
        h("dt", {}, t("agri.depletion")), h("dd", {}, t("agri.depletion_of", { d: fmt(s.depletion_mm ?? 0, 1), raw: fmt(s.raw_mm, 1) })),
        h("dt", {}, t("agri.gdd")), h("dd", {}, fmt(s.gdd ?? 0, 0, "°C·d"))),
      h("p", { class: "tile-updated", dataset: { testid: `updated-${f.id}` } },
        eventTime(s) ? t("common.updated", { time: clock(eventTime(s)) }) : t("common.waiting")));
  });
  return h("div", { class: "agri-cards" }, cards);
}

function actionButton(text, onclick, testid, primary = false) {
  return h("button", { type: "button", class: primary ? "btn btn-primary btn-small" : "btn btn-small",
    dataset: testid ? { testid } : {}, onclick }, text);
}

// The alarm list a page at a time (newest first); the offset follows the operator's paging.
const ALARM_PAGE = 20;
let alarmOffset = 0;

function renderAlarms() {
  alarmOffset = Math.min(alarmOffset, Math.max(0, state.alarms.length - 1));
  alarmOffset -= alarmOffset % ALARM_PAGE;
  const shown = state.alarms.slice(alarmOffset, alarmOffset + ALARM_PAGE);
  const rows = shown.map((a) => {
    const st = statusOf(a.status);
    const ack = [1, 3].includes(st) ? actionButton(t("agri.ack"), () => ackAlarm(a.id), "ack", true) : "";
    return h("tr", { dataset: { testid: "alarm-row", type: (a.alarm_type || "").replace(/^ALARM_TYPE_/, ""), field: a.field_id, severity: String(sevOf(a.severity)), status: String(st) } },
      h("td", {}, time(a.start_time)), h("td", {}, fieldName(a.field_id)),
      h("td", {}, a.originator === a.field_id ? t("agri.whole_field") : h("code", {}, a.originator)),
      h("td", {}, t(`alarm.type.${a.alarm_type}`)), h("td", { class: `sev sev-${sevOf(a.severity)}` }, sevText(a.severity)),
      h("td", {}, statusText(st)), h("td", {}, ack));
  });
  if (!rows.length) return h("p", { class: "waiting" }, t("agri.alarms.none"));
  const nav = pager({ offset: alarmOffset, shown: shown.length, total: state.alarms.length,
    pageSize: ALARM_PAGE, testid: "alarms", onPage: (offset) => { alarmOffset = offset; render(); } });
  return h("div", {}, table("alarms", ["agri.col.time", "agri.col.field", "agri.device", "agri.col.type",
    "agri.col.severity", "agri.col.status", ""], rows), nav);
}

function orderRows(orders) {
  return orders.map((o) => {
    const st = orderOf(o.state);
    const actions = !farmer && st < 5 ? h("div", { class: "btn-row" },
      actionButton(t("agri.done"), () => setOrder(o.id, "done"), "order-done"),
      actionButton(t("agri.cancel"), () => setOrder(o.id, "cancelled"), "order-cancel")) : "";
    return h("tr", { dataset: { testid: "order-row", field: o.field_id, machine: o.machine_id || "", state: String(st) } },
      h("td", {}, time(o.created_time)), h("td", {}, fieldName(o.field_id)), h("td", {}, label("task", o.task)),
      h("td", {}, o.machine_id ? machineName(o.machine_id) : t("common.unknown")), h("td", {}, orderText(st)),
      h("td", { class: "num" }, o.eta_min ? fmt(o.eta_min, 0, t("unit.min")) : t("common.unknown")),
      h("td", { class: "num" }, o.distance_km ? fmt(o.distance_km, 1, t("unit.km")) : t("common.unknown")),
      h("td", {}, actions));
  });
}

const ORDER_HEADS = ["agri.col.time", "agri.col.field", "agri.col.task", "agri.col.machine",
  "agri.col.state", "agri.col.eta", "agri.col.distance", ""];

function renderOrders() {
  const rows = orderRows(state.orders.slice(0, 30));
  return rows.length ? table("orders", ORDER_HEADS, rows) : h("p", { class: "waiting" }, t("agri.orders.none"));
}

function renderMachines() {
  return table("machines", ["agri.col.machine", "agri.col.kind", "agri.col.state", "agri.col.order"],
    state.machines.map((m) => h("tr", { dataset: { testid: "machine-row", machine: m.id, state: m.state } },
      h("td", {}, machineLabel(m)), h("td", {}, label("kind", m.kind)), h("td", {}, label("machine", m.state)),
      h("td", {}, m.order_id ? label("task", state.orders.find((o) => o.id === m.order_id)?.task ?? "") || t("agri.busy_order")
        : t("common.unknown")))));
}

function renderEmergency() {
  const e = state.emergency || {};
  const critical = e.critical || [];
  if (!critical.length) return h("p", { class: "waiting", dataset: { testid: "emergency-none" } }, t("agri.emergency.none"));
  return h("div", { dataset: { testid: "emergency" } },
    h("ul", { class: "agri-emergency" }, critical.map((a) => h("li", { dataset: { testid: "emergency-alarm", field: a.field_id } },
      h("strong", {}, `${t(`alarm.type.${a.alarm_type}`)} · ${fieldName(a.field_id)}`), " ", time(a.start_time)))),
    table("emergency-orders", ORDER_HEADS, orderRows(e.orders || [])));
}

function renderBatches() {
  if (!state.batches.length) return h("p", { class: "waiting" }, t("agri.batches.none"));
  return h("ul", { class: "agri-batches" }, state.batches.map((b) => h("li", {},
    h("a", { href: `/trace.html?code=${encodeURIComponent(b.code)}`, dataset: { testid: "batch-link" } },
      `${label("product", b.code)} · ${b.code}`),
    " ", h("span", { class: b.verified ? "ok" : "crit" }, t(b.verified ? "agri.batch.ok" : "agri.batch.broken")))));
}

const root = h("div", { class: "agri" });
function render() {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "agri-map");
  svg.dataset.testid = "field-map";
  drawMap(svg, state.fields, farmer ? [] : state.machines);
  const parts = [panel("agri-map", "agri.map", h("p", { class: "muted" }, t(farmer ? "agri.map.hint_farmer" : "agri.map.hint")),
    svg, renderFields())];
  if (!farmer) parts.push(panel("agri-emergency", "agri.emergency", h("p", { class: "muted" }, t("agri.emergency.lead")), renderEmergency()));
  parts.push(panel("agri-alarms", "agri.alarms", renderAlarms()));
  parts.push(panel("agri-orders", "agri.orders", renderOrders()));
  if (!farmer) parts.push(panel("agri-machines", "agri.machines", renderMachines()));
  if (!farmer) parts.push(panel("agri-batches", "agri.batches", renderBatches()));
  root.replaceChildren(...parts);
}

async function load() {
  const calls = [api("/api/agri/fields"), api("/api/agri/alarms"), api("/api/agri/orders")];
  if (!farmer) calls.push(api("/api/agri/machines"), api("/api/agri/emergency"), api("/api/agri/batches"));
  const [fields, alarms, orders, machines, emergency, batches] = await Promise.all(calls);
  Object.assign(state, { fields, alarms, orders, machines: machines || [], emergency, batches: batches || [] });
  render();
}

async function ackAlarm(id) {
  try {
    await api(`/api/agri/alarms/${id}/ack`, { method: "POST" });
    await load();
  } catch (err) {
    showError("agri-ack", () => describe(err));
  }
}

async function setOrder(id, next) {
  try {
    await api(`/api/agri/orders/${id}/state`, { method: "POST", body: { state: next } });
    await load();
  } catch (err) {
    showError("agri-order", () => describe(err));
  }
}

let pending = null;
function reloadSoon() {
  if (pending) return;
  pending = setTimeout(async () => {
    pending = null;
    try {
      await load();
    } catch (err) {
      showError("agri-load", () => describe(err));
    }
  }, 500);
}

function onEvent(data, msg) {
  if (msg.topic === TOPICS.AGRI_FIELD_STATUS) {
    const f = state.fields.find((x) => x.id === data.field_id);
    if (!f) return;
    f.status = data;
    const card = root.querySelector(`[data-testid="field-${f.id}"]`);
    if (card && card.dataset.severity === String(sevOf(data.severity))) {
      card.querySelector(`[data-testid="vwc-${f.id}"]`).textContent = vwcPct(data.latest?.soil_moisture_vwc);
      card.querySelector(`[data-testid="air-${f.id}"]`).textContent = fmt(data.latest?.air_temp_c, 1, "°C");
      card.querySelector(`[data-testid="updated-${f.id}"]`).textContent = t("common.updated", { time: clock(eventTime(data) ?? Date.now()) });
    } else {
      reloadSoon();
    }
  } else if (msg.topic === TOPICS.AGRI_MACHINE_POSITIONS) {
    const m = state.machines.find((x) => x.id === data.machine_id);
    if (m) {
      Object.assign(m, { lat: data.lat, lon: data.lon });
      const svg = root.querySelector('[data-testid="field-map"]');
      if (svg) drawMap(svg, state.fields, state.machines);
    }
  } else {
    reloadSoon();
  }
}

startConsole({
  scenario: "agri", page: "agri",
  rootId: "agri-root",
  panels: () => {
    onLangChange(render);
    // The history chart needs the fields (their devices) first; it refreshes once a minute.
    const history = historyPanel(() => state.fields);
    setInterval(() => history.load(), 60_000);
    return [
      { el: root, load: async () => { await load(); await history.load(); }, onEvent,
        topics: [TOPICS.AGRI_FIELD_STATUS, TOPICS.AGRI_ALARMS, TOPICS.AGRI_ORDERS, TOPICS.AGRI_MACHINE_POSITIONS] },
      { el: history.el },
    ];
  },
});
