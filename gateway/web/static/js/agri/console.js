// The agri console (bureau: whole county; farmer: own fields, body data-mode="farmer"): a field
// map coloured by alarm, the emergency view, alarms with acknowledgement, machines and work
// orders, sensor history charts, product batches. REST for state, /api/stream/agri for changes.
import { api, describe, liveIndicator, LiveStream, showError } from "../api.js";
import { TOPICS } from "../contracts.js";
import { eventTime, fmt, h } from "../format.js";
import { onLangChange, t } from "../i18n.js";
import { loginUrl, renderShell } from "../shell.js";
import { drawMap, isActive, label, orderOf, sevOf, statusOf, table, time } from "./common.js";

const farmer = document.body.dataset.mode === "farmer";
const state = { fields: [], alarms: [], machines: [], orders: [], emergency: null, batches: [] };
const root = document.getElementById("agri-root");
const METRICS = ["soil_moisture_vwc", "air_temp_c", "soil_temp_c", "air_humidity_pct", "battery_pct"];

function panel(id, titleKey, ...body) {
  return h("section", { class: "panel agri-panel", id }, h("div", { class: "panel-head" },
    h("h2", { class: "panel-title" }, t(titleKey))), ...body);
}

function fieldName(id) {
  return state.fields.find((f) => f.id === id)?.name ?? id;
}

function renderFields() {
  const cards = state.fields.map((f) => {
    const s = f.status || {};
    const l = s.latest || {};
    const sev = sevOf(s.severity);
    return h("article", { class: `agri-card sev-${sev}`, dataset: { testid: `field-${f.id}`, severity: String(sev) } },
      h("h3", {}, f.name),
      h("p", { class: "muted" }, `${label("crop", f.crop)} · ${label("stage", f.stage)} · ${t(`sev.${sev}`)}`),
      h("dl", {},
        h("dt", {}, t("agri.moisture")), h("dd", { dataset: { testid: `vwc-${f.id}` } }, fmt(l.soil_moisture_vwc, 3, "m³/m³")),
        h("dt", {}, t("agri.air")), h("dd", { dataset: { testid: `air-${f.id}` } }, fmt(l.air_temp_c, 1, "°C")),
        h("dt", {}, t("agri.depletion")), h("dd", {}, `${fmt(s.depletion_mm ?? 0, 1)} / ${fmt(s.raw_mm, 1, "mm")}`),
        h("dt", {}, t("agri.gdd")), h("dd", {}, fmt(s.gdd ?? 0, 1, "°C·d"))));
  });
  return h("div", { class: "agri-cards" }, cards);
}

function renderAlarms() {
  const rows = state.alarms.slice(0, 50).map((a) => {
    const st = statusOf(a.status);
    const ack = [1, 3].includes(st)
      ? h("button", { class: "btn btn-ghost", dataset: { testid: "ack" }, onclick: () => ackAlarm(a.id) }, t("agri.ack"))
      : "";
    return h("tr", { dataset: { testid: "alarm-row", type: a.type, field: a.field_id, severity: String(sevOf(a.severity)), status: String(st) } },
      h("td", {}, time(a.start_time)), h("td", {}, fieldName(a.field_id)), h("td", {}, a.originator),
      h("td", {}, label("alarm", a.type)), h("td", { class: `sev sev-${sevOf(a.severity)}` }, t(`sev.${sevOf(a.severity)}`)),
      h("td", {}, t(`alarm.status.${st}`)), h("td", {}, ack));
  });
  return rows.length ? table("alarms", ["agri.col.time", "agri.col.field", "agri.device", "agri.col.type",
    "agri.col.severity", "agri.col.status", ""], rows) : h("p", { class: "waiting" }, t("agri.alarms.none"));
}

function orderRows(orders) {
  return orders.map((o) => {
    const st = orderOf(o.state);
    const actions = !farmer && st < 5 ? [
      h("button", { class: "btn btn-ghost", onclick: () => setOrder(o.id, "done") }, t("agri.done")),
      h("button", { class: "btn btn-ghost", onclick: () => setOrder(o.id, "cancelled") }, t("agri.cancel"))] : [];
    return h("tr", { dataset: { testid: "order-row", field: o.field_id, machine: o.machine_id || "", state: String(st) } },
      h("td", {}, time(o.created_time)), h("td", {}, fieldName(o.field_id)), h("td", {}, label("task", o.task)),
      h("td", {}, o.machine_id || "—"), h("td", {}, t(`order.${st}`)),
      h("td", {}, o.eta_min ? `${fmt(o.eta_min, 0)} min` : "—"), h("td", {}, o.distance_km ? fmt(o.distance_km, 1, "km") : "—"),
      h("td", {}, actions));
  });
}

function renderOrders() {
  const rows = orderRows(state.orders.slice(0, 30));
  return rows.length ? table("orders", ["agri.col.time", "agri.col.field", "agri.col.task", "agri.col.machine",
    "agri.col.state", "agri.col.eta", "agri.col.distance", ""], rows) : h("p", { class: "waiting" }, t("agri.orders.none"));
}

function renderMachines() {
  return table("machines", ["agri.col.machine", "agri.col.kind", "agri.col.state", "agri.orders"],
    state.machines.map((m) => h("tr", { dataset: { testid: "machine-row", machine: m.id, state: m.state } },
      h("td", {}, `${m.name} (${m.id})`), h("td", {}, m.kind), h("td", {}, label("machine", m.state)),
      h("td", {}, m.order_id ? m.order_id.slice(0, 8) : ""))));
}

function renderEmergency() {
  const e = state.emergency || {};
  const critical = e.critical || [];
  if (!critical.length) return h("p", { class: "waiting", dataset: { testid: "emergency-none" } }, t("agri.emergency.none"));
  return h("div", { dataset: { testid: "emergency" } },
    h("ul", { class: "agri-emergency" }, critical.map((a) => h("li", { dataset: { testid: "emergency-alarm", field: a.field_id } },
      h("strong", {}, `${label("alarm", a.type)} · ${fieldName(a.field_id)}`), " ", time(a.start_time)))),
    table("emergency-orders", ["agri.col.time", "agri.col.field", "agri.col.task", "agri.col.machine",
      "agri.col.state", "agri.col.eta", "agri.col.distance", ""], orderRows(e.orders || [])));
}

let chart = null;
async function renderHistory(box, device, metric) {
  try {
    const r = await api(`/api/agri/history/${encodeURIComponent(device)}/${metric}?days=3`);
    const data = (r.points || []).map((p) => [p.time, p.mean ?? 0]);
    if (!window.echarts) return;
    chart = chart || window.echarts.init(box);
    chart.setOption({ animation: false, grid: { left: 48, right: 16, top: 24, bottom: 32 },
      xAxis: { type: "time" }, yAxis: { type: "value", name: t(`m.${metric}`), scale: true },
      tooltip: { trigger: "axis" }, series: [{ type: "line", showSymbol: false, data, name: device }] }, true);
  } catch (err) {
    showError("agri-history", describe(err));
  }
}

function historyPanel() {
  const devices = state.fields.flatMap((f) => f.devices || []);
  const devSel = h("select", { dataset: { testid: "history-device" } }, devices.map((d) => h("option", { value: d }, d)));
  const metSel = h("select", { dataset: { testid: "history-metric" } }, METRICS.map((m) => h("option", { value: m }, t(`m.${m}`))));
  const box = h("div", { class: "chart", id: "agri-history" });
  const draw = () => renderHistory(box, devSel.value, metSel.value);
  devSel.onchange = draw;
  metSel.onchange = draw;
  const p = panel("agri-history-panel", "agri.history", h("div", { class: "agri-controls" }, devSel, metSel), box);
  setTimeout(draw, 0);
  historyPanel.redraw = draw;
  return p;
}

function batchesPanel() {
  return panel("agri-batches", "agri.batches", h("ul", {}, state.batches.map((b) => h("li", {},
    h("a", { href: `/trace.html?code=${encodeURIComponent(b.code)}`, dataset: { testid: "batch-link" } }, `${b.code} · ${b.product}`),
    " ", h("span", { class: b.verified ? "ok" : "crit" }, b.verified ? "✔" : "✘")))));
}

let history = null;
function render() {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "agri-map");
  svg.dataset.testid = "field-map";
  drawMap(svg, state.fields, farmer ? [] : state.machines);
  history = history || historyPanel();
  const parts = [
    panel("agri-map", "agri.map", h("p", { class: "muted" }, t("agri.map.hint")), svg, renderFields()),
  ];
  if (!farmer) parts.push(panel("agri-emergency", "agri.emergency", h("p", { class: "muted" }, t("agri.emergency.lead")), renderEmergency()));
  parts.push(panel("agri-alarms", "agri.alarms", renderAlarms()));
  parts.push(panel("agri-orders", "agri.orders", renderOrders()));
  if (!farmer) parts.push(panel("agri-machines", "agri.machines", renderMachines()));
  parts.push(history);
  if (!farmer) parts.push(batchesPanel());
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
    showError("agri-ack", describe(err));
  }
}

async function setOrder(id, next) {
  try {
    await api(`/api/agri/orders/${id}/state`, { method: "POST", body: { state: next } });
    await load();
  } catch (err) {
    showError("agri-order", describe(err));
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
      showError("agri-load", describe(err));
    }
  }, 500);
}

async function main() {
  const { me } = await renderShell({ page: "agri" });
  if (!me) {
    window.location.href = loginUrl();
    return;
  }
  const live = liveIndicator(document.getElementById("console-live"));
  try {
    await load();
  } catch (err) {
    showError("agri-load", describe(err));
    return;
  }
  new LiveStream("/api/stream/agri", {
    onState: (s) => live.setState(s),
    onEvent: (msg) => {
      live.event(eventTime(msg.data) ?? Date.now());
      if (msg.topic === TOPICS.AGRI_FIELD_STATUS) {
        const f = state.fields.find((x) => x.id === msg.data.field_id);
        if (!f) return;
        f.status = msg.data;
        const card = document.querySelector(`[data-testid="field-${f.id}"]`);
        const sev = sevOf(msg.data.severity);
        if (card && card.dataset.severity === String(sev)) {
          card.querySelector(`[data-testid="vwc-${f.id}"]`).textContent = fmt(msg.data.latest?.soil_moisture_vwc, 3, "m³/m³");
          card.querySelector(`[data-testid="air-${f.id}"]`).textContent = fmt(msg.data.latest?.air_temp_c, 1, "°C");
        } else {
          reloadSoon();
        }
      } else if (msg.topic === TOPICS.AGRI_MACHINE_POSITIONS) {
        const m = state.machines.find((x) => x.id === msg.data.machine_id);
        if (m) {
          Object.assign(m, { lat: msg.data.lat, lon: msg.data.lon });
          const svg = document.querySelector('[data-testid="field-map"]');
          if (svg) drawMap(svg, state.fields, state.machines);
        }
      } else {
        reloadSoon();
      }
    },
  }).start();
  setInterval(() => historyPanel.redraw?.(), 30_000);
  onLangChange(render);
}

main();
