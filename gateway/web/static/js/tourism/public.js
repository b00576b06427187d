// Public crowding page (phone first): each spot now (level, about how many, density, queue wait),
// its forecast for the next hours and the best time today, and calmer spots to go to instead.
// Zone aggregates only, from GET /api/public/tourism/crowding (the tourism service decides the
// forecast and which spots may be suggested) and the public live stream for the "now" values.
import { api } from "../api.js";
import { TOPICS } from "../contracts.js";
import { clock, fmt, h, num0, parseTime } from "../format.js";
import { getLang, joinList, onLangChange, t } from "../i18n.js";
import { startConsole } from "../console/engine.js";
import { LEVELS, levelBadge, levelOf, nameIn } from "./flow.js";
import "./i18n.js";

const RANK = Object.fromEntries(LEVELS.map((l, i) => [l, i]));
const spots = new Map(); // zone_id → spot
let suggestions = {};    // zone_id → [zone_id] from the service: calm now and forecast calm

/** "10:00" for a UTC timestamp, in the visitor's local clock. */
function hhmm(ts) {
  const ms = parseTime(ts);
  if (ms === null || ms === undefined) return "—";
  return new Date(ms).toLocaleTimeString(getLang(), { hour: "2-digit", minute: "2-digit", hour12: false });
}

function forecastRow(spot) {
  const ahead = (spot.ahead ?? []).slice(0, 2);
  const cell = (label, level, testid) => h("li", { dataset: { testid, level } },
    h("span", { class: "tp-fc-when" }, label), levelBadge(level));
  return h("div", { class: "tp-forecast" },
    h("ol", { class: "tp-fc", "aria-label": t("tp.forecast"), dataset: { testid: `forecast-${spot.zone_id}` } },
      cell(t("tp.now"), spot.level, `fc-now-${spot.zone_id}`),
      ...ahead.map((p, i) => cell(t("tp.in_h", { h: i + 1 }), p.level, `fc-${i + 1}h-${spot.zone_id}`))),
    h("p", { class: "tp-best", dataset: { testid: `best-${spot.zone_id}` } },
      spot.best_time ? t("tp.best", { t: hhmm(spot.best_time) }) : t("tp.best_closed")));
}

function card(spot) {
  const known = spot.level in RANK;
  const calmer = (suggestions[spot.zone_id] ?? []).map((id) => spots.get(id)).filter(Boolean);
  const ratio = Math.min(1, num0(spot.occupancy));
  const busy = known && RANK[spot.level] >= RANK.busy;
  const facts = [];
  if (known && spot.count !== null && spot.count !== undefined) {
    facts.push(h("span", { dataset: { testid: `spot-count-${spot.zone_id}` } }, t("tp.count", { n: num0(spot.count) })));
    facts.push(h("span", {}, t("tp.density", { d: fmt(num0(spot.density_per_m2) * 100, 1) })));
  }
  if (known && spot.wait_min !== null && spot.wait_min !== undefined) {
    facts.push(h("span", { class: "tp-wait", dataset: { testid: `spot-wait-${spot.zone_id}` } },
      t("tp.wait", { m: Math.max(1, Math.round(num0(spot.wait_min))) })));
  }
  return h("article", { class: `tp-spot tp-${spot.level}`, dataset: { testid: `spot-${spot.zone_id}`, level: spot.level } },
    h("div", { class: "tp-spot-head" }, h("h3", {}, nameIn(spot)),
      levelBadge(spot.level, `spot-level-${spot.zone_id}`)),
    h("div", { class: "tf-bar", "aria-hidden": "true" },
      h("div", { class: `tf-bar-fill tf-fill-${spot.level}`, style: `width:${(ratio * 100).toFixed(0)}%` })),
    facts.length ? h("p", { class: "tp-facts" }, facts) : null,
    forecastRow(spot),
    busy ? h("p", { class: "tp-suggest", dataset: { testid: `suggest-${spot.zone_id}` } },
      calmer.length ? [t("tp.try"), " ", joinList(calmer.map((c) => nameIn(c)))] : t("tp.none_calmer")) : null,
    h("p", { class: "panel-summary" },
      spot.updated ? t("tp.updated", { t: clock(parseTime(spot.updated)) }) : "",
      spot.updated ? " · " : "",
      num0(spot.history_hours) > 0 ? t("tp.forecast_basis", { h: fmt(num0(spot.history_hours), 0) }) : t("tp.forecast_none")));
}

function render(box) {
  const byArea = new Map();
  for (const s of spots.values()) {
    if (!byArea.has(s.area_id)) byArea.set(s.area_id, []);
    byArea.get(s.area_id).push(s);
  }
  box.replaceChildren(...[...byArea.values()].map((list) => h("section", { class: "panel scenario-tourism" },
    h("h2", {}, nameIn({ name_zh: list[0].area_name_zh, name_en: list[0].area_name_en })),
    h("div", { class: "tp-spots" }, list.map(card)))));
}

function legend(box) {
  box.replaceChildren(...LEVELS.map((l) => levelBadge(l)));
}

startConsole({
  publicPage: true, rootId: "spots", liveId: "tp-live",
  panels: () => {
    const box = h("div", { class: "tp-areas" });
    const legendBox = document.getElementById("tp-legend");
    legend(legendBox);
    onLangChange(() => { legend(legendBox); render(box); });
    let pending = false;
    const load = async () => {
      const data = await api("/api/public/tourism/crowding");
      // Codes (CrowdLevel) → the level names the cards and styles use.
      for (const s of data.spots) {
        s.level = levelOf(s.crowd_level);
        for (const p of s.ahead ?? []) p.level = levelOf(p.crowd_level);
        spots.set(s.zone_id, s);
      }
      suggestions = data.suggestions ?? {};
      render(box);
    };
    return [{
      // The forecast and the suggestions come from the service: refresh them every 30 s.
      el: box, load, refreshMs: 30000, topics: [TOPICS.TOURISM_ZONE_STATUS],
      onEvent: (d) => {
        const s = spots.get(d.zone_id);
        if (!s) return;
        const level = levelOf(d.crowd_level);
        const changed = level !== s.level;
        Object.assign(s, { count: num0(d.count), occupancy: num0(d.occupancy), density_per_m2: num0(d.density_per_m2),
          level, updated: d.frame_time });
        // A level change can change who may be suggested: ask the service again.
        if (changed) { load().catch(() => {}); return; }
        if (pending) return;
        pending = true;
        setTimeout(() => { pending = false; render(box); }, 500);
      },
    }];
  },
});
