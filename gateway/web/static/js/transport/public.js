// public/transport.html: per station the gates that are open, their lanes (face / QR ticket +
// ID), queue and a wait estimate, polled from the public gate endpoint; how to enrol and to
// withdraw; the privacy notice with the service's retention setting. No sign-in, no personal data.
import { api } from "../api.js";
import { TOPICS } from "../contracts.js";
import { startConsole } from "../console/engine.js";
import { clock, h } from "../format.js";
import { nameOf, onLangChange, t } from "../i18n.js";
import "./i18n.js";

const $ = (id) => document.getElementById(id);
let last = null;

/** "about 2 min" / "no wait" / "–" (seconds → words). */
export function waitText(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 30) return t("tro.wait.none");
  return t("tro.wait.min", { n: Math.max(1, Math.round(seconds / 60)) });
}

function gateRow(g) {
  const state = g.open ? (g.lanes.includes("face") ? "online" : "degraded") : "closed";
  return h("li", { class: "tro-gate", dataset: { gate: g.gate_id, state, testid: "tro-gate" } },
    h("span", { class: "tro-gate-name" }, nameOf("gate", g.gate_id)),
    h("span", { class: "badge tro-state", dataset: { state } }, t(`tro.state.${state}`)),
    h("span", { class: "tro-lanes" }, ...(g.lanes.length ? g.lanes : []).map((lane) =>
      h("span", { class: "tro-lane", dataset: { lane } }, t(`tro.lane.${lane}`)))),
    h("span", { class: "tro-queue" }, t("tro.queue", { n: g.queue_length ?? 0 })),
    h("span", { class: "tro-wait", dataset: { testid: "tro-gate-wait" } }, waitText(g.wait_s)),
    g.updated ? h("span", { class: "tile-updated" }, t("common.updated", { time: clock(Date.parse(g.updated)) })) : null);
}

function render() {
  if (!last) return;
  const root = $("tro-stations");
  if (!last.stations.length) {
    root.replaceChildren(h("p", { class: "waiting" }, t("tro.pub.no_gates")));
  } else {
    root.replaceChildren(...last.stations.map((s) => h("section",
      { class: "panel tro-station", dataset: { station: s.station_id, testid: "tro-station" } },
      h("h2", { class: "section-title" }, nameOf("station", s.station_id)),
      h("div", { class: "tro-summary" },
        h("div", {}, h("div", { class: "big-label" }, t("tro.gates_open")),
          h("div", { class: "big-value", dataset: { testid: "tro-open" } }, `${s.gates_open} / ${s.gates.length}`)),
        h("div", {}, h("div", { class: "big-label" }, t("tro.wait")),
          h("div", { class: "big-value", dataset: { testid: "tro-wait" } }, waitText(s.wait_s)))),
      h("ul", { class: "tro-gates" }, ...s.gates.map(gateRow)))));
  }
  $("tro-retention").textContent = t("tro.pub.how_long", { h: Math.round(last.retention_h) });
}

let soon = null;
startConsole({
  publicPage: true, rootId: "tro-root", liveId: "tro-live",
  panels: () => {
    onLangChange(render);
    const load = async () => {
      last = await api("/api/public/transport");
      render();
    };
    // The gates' statuses arrive on the stream; the view (lanes, waits) is the gateway's.
    return [{ el: document.getElementById("tro-stations"), load, refreshMs: 15000,
      topics: [TOPICS.TRANSPORT_GATE_STATUS],
      onEvent: () => { clearTimeout(soon); soon = setTimeout(() => load().catch(() => {}), 500); } }];
  },
  layout: (panels) => [panels[0].el],
});
