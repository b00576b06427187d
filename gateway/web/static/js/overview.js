// The live overview of the public scenarios (home page and public page): the areas'
// environment, the station gates and the fields, from GET /api/public/overview and the public
// live stream. overviewPanels() gives the engine one panel per scenario.
import { api } from "./api.js";
import { TOPICS } from "./contracts.js";
import { h } from "./format.js";
import { onLangChange, t } from "./i18n.js";
import { TileGrid } from "./tiles.js";
import { FIELDS, FieldTile } from "./agri/tiles.js";
import { AREAS, AreaTile } from "./tourism/tiles.js";
import { GATES } from "./transport/common.js";
import { GateTile, gateSummary } from "./transport/tiles.js";

function section(id, titleKey, grid, extra = null) {
  return h("section", { class: `panel scenario scenario-${id}`, "aria-labelledby": `sec-${id}` },
    h("header", { class: "panel-head" },
      h("h2", { id: `sec-${id}`, class: "panel-title" }, h("span", { class: `sc-icon sc-${id}`, "aria-hidden": "true" }),
        h("span", { dataset: { i18n: titleKey } }, t(titleKey))),
      extra),
    grid.el);
}

/**
 * The overview's panels for startConsole({publicPage: true}); `titles` are the i18n keys of the
 * three section titles, `compact` shows fewer details per tile. The starting state comes once,
 * for all three, from /api/public/overview.
 */
export function overviewPanels({ compact = false, titles = {} } = {}) {
  const areas = new TileGrid(AreaTile, { known: AREAS, compact });
  const gates = new TileGrid(GateTile, { known: GATES, compact });
  const fields = new TileGrid(FieldTile, { known: FIELDS, compact });
  const summary = h("p", { class: "panel-summary", dataset: { testid: "gate-summary" } });
  const renderSummary = () => {
    const list = gates.values();
    summary.classList.toggle("waiting", list.length === 0);
    summary.textContent = list.length ? gateSummary(list) : t("common.waiting");
  };
  renderSummary();
  onLangChange(() => {
    for (const g of [areas, gates, fields]) g.render();
    renderSummary();
  });
  let first = null;
  const overview = () => {
    first ??= api("/api/public/overview").finally(() => { setTimeout(() => { first = null; }, 0); });
    return first;
  };
  const panel = (id, grid, topic, keyOf, pick, extra = null, after = () => {}) => ({
    el: section(id, titles[id] ?? `sc.${id}`, grid, extra), topics: [topic],
    onEvent: (d) => { grid.update(keyOf(d), d); after(); },
    load: async () => {
      for (const d of pick(await overview()) ?? []) grid.update(keyOf(d), d, { animate: false });
      after();
    },
  });
  return [
    panel("tourism", areas, TOPICS.TOURISM_ENV_STATUS, (d) => d.area_id, (o) => o?.tourism),
    panel("transport", gates, TOPICS.TRANSPORT_GATE_STATUS, (d) => d.gate_id, (o) => o?.transport, summary, renderSummary),
    panel("agri", fields, TOPICS.AGRI_FIELD_STATUS, (d) => d.field_id, (o) => o?.agri),
  ];
}
