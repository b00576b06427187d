// The station part of the transport console: passages/min, pass/deny/manual rates, payment
// totals, the manual-check queue (open / refuse) and recent decisions with refunds.
// Mounted below the shared console (js/console.js draws the gate tiles); refreshed every 2 s
// and at once when a decision arrives on the console's stream.
import { api, describe, LiveStream, showError, clearError } from "../api.js";
import { TOPICS } from "../contracts.js";
import { clock, fmtInt, h } from "../format.js";
import { nameOf, onLangChange, t } from "../i18n.js";
import { loadMe } from "../shell.js";
import "./i18n.js";
import { reasonText } from "./common.js";

const REFRESH_MS = 2000;
const root = document.getElementById("tr-station");
let last = null;
let timer = null;

const pct = (part, total) => (total ? `${((100 * part) / total).toFixed(0)} %` : "–");
const yuan = (fen) => `¥${(Number(fen || 0) / 100).toFixed(2)}`;

function metric(id, label, value) {
  return h("div", { class: "metric", dataset: { testid: `tr-${id}` } },
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
  const metrics = h("div", { class: "metrics" },
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
    : h("table", { class: "data-table", dataset: { testid: "tr-queue" } },
      h("thead", {}, h("tr", {}, ...["tr.f.time", "tr.f.gate", "tr.f.ticket", "tr.f.reason", "tr.f.id_matches", ""]
        .map((k) => h("th", {}, k ? t(k) : "")))),
      h("tbody", {}, ...queue.map((q) => h("tr", { dataset: { item: q.item_id, idMatch: String(!!q.id_matches) } },
        h("td", {}, clock(Date.parse(q.created))), h("td", {}, nameOf("gate", q.gate_id)),
        h("td", {}, q.ticket_id), h("td", {}, reasonText(q.reason)),
        h("td", {}, h("span", { class: "tr-idcheck", dataset: { match: String(!!q.id_matches), testid: "tr-idcheck" } },
          t(q.id_matches ? "tro.id.match" : "tro.id.mismatch"))),
        h("td", {},
          q.id_matches
            ? h("button", { type: "button", class: "btn btn-primary", dataset: { testid: "tr-approve" }, onclick: () => act(() => resolve(q, true)) }, t("tr.console.approve"))
            : h("button", { type: "button", class: "btn btn-ghost", dataset: { testid: "tr-override" }, onclick: () => act(() => override(q)) }, t("tro.override.approve")),
          " ",
          h("button", { type: "button", class: "btn", onclick: () => act(() => api(`/api/transport/manual-queue/${q.item_id}`, { method: "POST", body: { approve: false } })) }, t("tr.console.refuse")))))));

  const recent = h("table", { class: "data-table", dataset: { testid: "tr-recent" } },
    h("thead", {}, h("tr", {}, ...["tr.f.time", "tr.f.gate", "tr.f.lane", "tr.f.outcome", "tr.f.reason", "tr.f.score", ""]
      .map((k) => h("th", {}, k ? t(k) : "")))),
    h("tbody", {}, ...(s.recent || []).map((d) => h("tr", { dataset: { outcome: d.outcome } },
      h("td", {}, clock(Date.parse(d.meta?.event_time))), h("td", {}, nameOf("gate", d.gate_id)),
      h("td", {}, t(`tr.lane.${d.lane}`)),
      h("td", {}, h("span", { class: "badge tr-badge", dataset: { outcome: d.outcome } }, t(`tr.outcome.${d.outcome}`))),
      h("td", {}, reasonText(d.reason)),
      h("td", { class: "num" }, d.mode ? Number(d.score || 0).toFixed(3) : ""),
      h("td", {}, d.outcome === "open" && d.ticket_id
        ? h("button", { type: "button", class: "btn btn-ghost", onclick: () => act(() => api("/api/transport/refunds", { method: "POST", body: { decision_id: d.meta.event_id } })) }, t("tr.console.refund"))
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

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    try {
      await refresh();
      clearError("tr-station");
    } catch (err) {
      showError("tr-station", () => describe(err));
    }
    schedule();
  }, REFRESH_MS);
}

async function main() {
  const { me } = await loadMe();
  if (!me || !me.scenarios?.includes("transport")) return;
  root.hidden = false;
  onLangChange(render);
  try {
    await refresh();
  } catch (err) {
    showError("tr-station", () => describe(err));
  }
  schedule();
  new LiveStream("/api/stream/transport", {
    onEvent: (msg) => {
      if (msg?.topic === TOPICS.TRANSPORT_GATE_DECISIONS || msg?.topic === TOPICS.TRANSPORT_PAYMENTS) {
        refresh().catch(() => {});
      }
    },
  }).start();
}

main();
