// Public crowding page (phone first): each spot's crowding now and calmer spots to go to instead.
// Zone aggregates only, from GET /api/public/tourism/crowding and the public live stream.
import { api, describe, LiveStream, showError, clearError } from "../api.js";
import { clock, h, num0, parseTime } from "../format.js";
import { onLangChange, t } from "../i18n.js";
import { renderShell } from "../shell.js";
import { LEVELS, levelBadge, nameIn } from "./flow.js";
import "./i18n.js";

const RANK = Object.fromEntries(LEVELS.map((l, i) => [l, i]));
const spots = new Map(); // zone_id → spot

/** Same rule as the gateway: busy-or-worse spots get up to 2 strictly calmer ones of their area. */
export function suggestFor(spot, all, most = 2) {
  if (!(spot.level in RANK) || RANK[spot.level] < RANK.busy) return [];
  return all.filter((o) => o.area_id === spot.area_id && o.level in RANK && o.occupancy !== null
    && RANK[o.level] < RANK[spot.level])
    .sort((a, b) => a.occupancy - b.occupancy).slice(0, most);
}

function card(spot) {
  const all = [...spots.values()];
  const calmer = suggestFor(spot, all);
  const ratio = Math.min(1, num0(spot.occupancy));
  const busy = spot.level in RANK && RANK[spot.level] >= RANK.busy;
  return h("article", { class: `tp-spot tp-${spot.level}`, dataset: { testid: `spot-${spot.zone_id}`, level: spot.level } },
    h("div", { class: "tp-spot-head" }, h("h3", {}, nameIn(spot)),
      levelBadge(spot.level, `spot-level-${spot.zone_id}`)),
    h("div", { class: "tf-bar", "aria-hidden": "true" },
      h("div", { class: `tf-bar-fill tf-fill-${spot.level}`, style: `width:${(ratio * 100).toFixed(0)}%` })),
    spot.updated ? h("p", { class: "panel-summary" }, t("tp.updated", { t: clock(parseTime(spot.updated)) })) : null,
    busy ? h("p", { class: "tp-suggest", dataset: { testid: `suggest-${spot.zone_id}` } },
      calmer.length ? [t("tp.try"), " ", calmer.map((c) => nameIn(c)).join("、")] : t("tp.none_calmer")) : null);
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

async function main() {
  await renderShell({ page: "public", fetchUser: false });
  const box = document.getElementById("spots");
  const legendBox = document.getElementById("tp-legend");
  legend(legendBox);
  let timer = null;
  const load = async () => {
    try {
      const data = await api("/api/public/tourism/crowding");
      for (const s of data.spots) spots.set(s.zone_id, s);
      clearError("tp-load");
      render(box);
    } catch (err) {
      showError("tp-load", () => describe(err));
      clearTimeout(timer);
      timer = setTimeout(load, 10000);
    }
  };
  await load();
  onLangChange(() => { legend(legendBox); render(box); });
  let pending = false;
  new LiveStream("/api/public/stream", {
    onOpen: (again) => { if (again) load(); },
    onEvent: (msg) => {
      if (msg?.topic !== "tourism.zone.status" || !msg.data) return;
      const d = msg.data;
      const s = spots.get(d.zone_id);
      if (!s) return;
      Object.assign(s, { count: num0(d.count), occupancy: num0(d.occupancy), level: d.level || "comfortable",
        updated: d.frame_time });
      if (pending) return;
      pending = true;
      setTimeout(() => { pending = false; render(box); }, 500);
    },
  }).start();
}

main();
