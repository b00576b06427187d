// The transport console (console/transport.html): the gates' tiles, queue chart and latest
// values, and the station: passages/min, pass/deny/manual rates, payment totals, the staffed
// lane's queue (open / refuse, a reason for an ID mismatch) and recent decisions with refunds.
import { api, clearError, describe, showError } from "../api.js";
import { TOPICS } from "../contracts.js";
import { startConsole } from "../console/engine.js";
import { statusPanels } from "../console/status-panels.js";
import { clock, eventTime, fmtInt, h, num0 } from "../format.js";
import { has, nameOf, onLangChange, t } from "../i18n.js";
import { GATES, laneText, outcomeText, outcomeWord, reasonText } from "./common.js";
import "./i18n.js";
import { GateTile } from "./tiles.js";

const root = h("section", { class: "tr-station", dataset: { testid: "tr-station" } });
let last = null;

const COLUMNS = [
  { id: "gate", label: "f.gate", get: (d) => nameOf("gate", d.gate_id), head: true },
  { id: "station", label: "f.station", get: (d) => (d.station_id ? nameOf("station", d.station_id) : t("common.unknown")) },
  { id: "state", label: "f.state", get: (d) => (has(`gate.${d.state}`) ? t(`gate.${d.state}`) : t("common.unknown")),
    badge: (d) => ({ state: d.state || "" }) },
  { id: "queue", label: "f.queue", get: (d) => `${num0(d.queue_length)} ${t("unit.people")}`, num: true },
  { id: "heartbeats", label: "f.heartbeats_total", get: (d) => fmtInt(num0(d.heartbeats_total)), num: true },
  { id: "time", label: "f.event_time", get: (d) => clock(eventTime(d)) },
];

const CHART = {
  title: "console.chart.transport", step: true,
  yAxes: [{ name: () => t("chart.axis", { name: t("f.queue"), unit: t("unit.people") }), min: 0, minInterval: 1 }],
  metrics: [{ id: "queue", name: () => t("f.queue"), axis: 0, value: (d) => num0(d.queue_length) }],
  keyName: (k) => nameOf("gate", k),
};

const pct = (part, total) => (total ? `${((100 * part) / total).toFixed(0)} %` : "–");
const yuan = (fen) => `¥${(Number(fen || 0) / 100).toFixed(2)}`;

function metric(id, label, value) {
  return h("div", { class: "tr-figure", dataset: { testid: `tr-${id}` } },
    h("div", { class: "big-label" }, t(label)), h("div", { class: "big-value" }, value));
}

async function act(fn) {
  clearError("tr-station");
  try {
    await fn();
    await refresh();
  } catch (err) {
    showError("tr-station", () => describe(err));
  }
}

function resolve(q, approve, reason = "") {
  return api(`/api/transport/manual-queue/${q.item_id}`, { method: "POST", body: { approve, reason } });
}

/** Opening a passage whose ID number does not match the ticket needs a stated reason (audited). */
async function override(q) {
  const reason = (window.prompt(t("tro.override.prompt")) || "").trim();
  if (reason.length < 4) {
    showError("tr-station", () => t("tro.override.cancelled"));
    return;
  }
  await resolve(q, true, reason);
}

function render() {
  if (!last) return;
  const s = last;
  const total = Number(s.passages_total || 0);
  const metrics = h("div", { class: "tr-figures" },
    metric("per-min", "tr.console.per_min", fmtInt(Number(s.passages_last_min || 0))),
    metric("open-rate", "tr.console.open_rate", pct(Number(s.open_total || 0), total)),
    metric("deny-rate", "tr.console.deny_rate", pct(Number(s.deny_total || 0), total)),
    metric("manual-rate", "tr.console.manual_rate", pct(Number(s.manual_total || 0), total)),
    metric("charged", "tr.console.charged", yuan(s.charged_fen)),
    metric("refunded", "tr.console.refunded", yuan(s.refunded_fen)),
    metric("enrolled", "tr.console.enrolled", fmtInt(Number(s.enrolled_now || 0))));

  const queue = (s.queue || []);
  const queueTable = queue.length === 0
    ? h("p", { class: "waiting", dataset: { testid: "tr-queue-empty" } }, t("tr.console.queue_empty"))
    : h("div", { class: "table-wrap" }, h("table", { class: "data-table", dataset: { testid: "tr-queue" } },
      h("thead", {}, h("tr", {}, ...["tr.f.time", "tr.f.gate", "tr.f.ticket", "tr.f.reason", "tr.f.id_matches", ""]
        .map((k) => h("th", {}, k ? t(k) : "")))),
      h("tbody", {}, ...queue.map((q) => h("tr", { dataset: { item: q.item_id, idMatch: String(!!q.id_matches) } },
        h("td", {}, clock(Date.parse(q.created))), h("td", {}, nameOf("gate", q.gate_id)),
        h("td", { class: "tr-id" }, q.ticket_id), h("td", {}, reasonText(q.why)),
        h("td", {}, h("span", { class: "tr-idcheck", dataset: { match: String(!!q.id_matches), testid: "tr-idcheck" } },
          t(q.id_matches ? "tro.id.match" : "tro.id.mismatch"))),
        h("td", {},
          q.id_matches
            ? h("button", { type: "button", class: "btn btn-primary", dataset: { testid: "tr-approve" }, onclick: () => act(() => resolve(q, true)) }, t("tr.console.approve"))
            : h("button", { type: "button", class: "btn", dataset: { testid: "tr-override" }, onclick: () => act(() => override(q)) }, t("tro.override.approve")),
          " ",
          h("button", { type: "button", class: "btn", onclick: () => act(() => api(`/api/transport/manual-queue/${q.item_id}`, { method: "POST", body: { approve: false } })) }, t("tr.console.refuse"))))))));

  const recent = h("table", { class: "data-table", dataset: { testid: "tr-recent" } },
    h("thead", {}, h("tr", {}, ...["tr.f.time", "tr.f.gate", "tr.f.lane", "tr.f.outcome", "tr.f.reason", "tr.f.score", ""]
      .map((k) => h("th", {}, k ? t(k) : "")))),
    h("tbody", {}, ...(s.recent || []).map((d) => h("tr", { dataset: { outcome: outcomeWord(d.gate_outcome) } },
      h("td", {}, clock(Date.parse(d.meta?.event_time))), h("td", {}, nameOf("gate", d.gate_id)),
      h("td", {}, laneText(d.lane_code)),
      h("td", {}, h("span", { class: "badge tr-badge", dataset: { outcome: outcomeWord(d.gate_outcome) } }, outcomeText(d.gate_outcome))),
      h("td", {}, reasonText(d.why)),
      h("td", { class: "num" }, d.match_mode ? Number(d.score || 0).toFixed(3) : ""),
      h("td", {}, d.gate_outcome === "OUTCOME_OPEN" && d.ticket_id
        ? h("button", { type: "button", class: "btn btn-small", onclick: () => act(() => api("/api/transport/refunds", { method: "POST", body: { decision_id: d.meta.event_id } })) }, t("tr.console.refund"))
        : "")))));

  root.replaceChildren(
    h("h2", { class: "section-title" }, t("tr.console.station")),
    h("p", {}, h("a", { href: "/transport/enrol.html" }, t("tr.enrol.title")), " · ",
      h("a", { href: "/transport/kiosk.html?gate=gate-hsr-1" }, t("tr.kiosk.title")), " · ",
      h("a", { href: "/transport/sms-outbox.html", dataset: { testid: "tr-outbox-link" } }, t("tro.outbox.title"))),
    metrics,
    h("h2", { class: "section-title" }, t("tr.console.queue")), queueTable,
    h("h2", { class: "section-title" }, t("tr.console.recent")), h("div", { class: "table-wrap" }, recent));
}

async function refresh() {
  const [summary, queue] = await Promise.all([api("/api/transport/summary"), api("/api/transport/manual-queue")]);
  last = { ...summary, queue };
  render();
}

let soon = null;
startConsole({
  scenario: "transport",
  panels: () => {
    onLangChange(render);
    const gates = statusPanels({ topic: TOPICS.TRANSPORT_GATE_STATUS, keyOf: (d) => d.gate_id, Tile: GateTile,
      known: GATES, load: () => api("/api/transport/gates"), charts: [CHART], columns: COLUMNS });
    return [...gates.panels, {
      el: root, load: refresh, refreshMs: 5000,
      topics: [TOPICS.TRANSPORT_GATE_DECISIONS, TOPICS.TRANSPORT_PAYMENTS],
      // A burst of decisions is one refresh.
      onEvent: () => { clearTimeout(soon); soon = setTimeout(() => refresh().catch(() => {}), 200); },
    }];
  },
});
