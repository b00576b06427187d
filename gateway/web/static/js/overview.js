// The live overview of the public scenarios (home page and public page): starting state from
// GET /api/public/overview, then updates from the public SSE stream.
import { api, ApiError, clearError, describe, liveIndicator, LiveStream, showError } from "./api.js";
import { TOPICS } from "./contracts.js";
import { h, num0 } from "./format.js";
import { onLangChange, t } from "./i18n.js";
import { AreaTile, FieldTile, GateTile, TileGrid } from "./tiles.js";

export const KNOWN = {
  areas: ["jueshan", "dayang"],
  gates: ["gate-hsr-1", "gate-hsr-2", "gate-bus-1"],
  fields: ["field-e1", "field-e2", "field-e3"],
};

function section(id, titleKey, grid, extra = null) {
  return h("section", { class: `panel scenario scenario-${id}`, "aria-labelledby": `sec-${id}` },
    h("header", { class: "panel-head" },
      h("h2", { id: `sec-${id}`, class: "panel-title" }, h("span", { class: `sc-icon sc-${id}`, "aria-hidden": "true" }),
        h("span", { dataset: { i18n: titleKey } }, t(titleKey))),
      extra),
    grid.el);
}

/**
 * Mount the overview into `container`. Options: compact (fewer details per tile), titles (the
 * i18n keys of the three section titles), liveInto (where to put the live indicator).
 */
export function mountOverview(container, { compact = false, titles = {}, liveInto = null } = {}) {
  const areas = new TileGrid(AreaTile, { known: KNOWN.areas, compact });
  const gates = new TileGrid(GateTile, { known: KNOWN.gates, compact });
  const fields = new TileGrid(FieldTile, { known: KNOWN.fields, compact });
  const gateSummary = h("p", { class: "panel-summary", dataset: { testid: "gate-summary" } });

  const renderSummary = () => {
    const list = gates.values();
    if (list.length === 0) {
      gateSummary.textContent = t("common.waiting");
      gateSummary.classList.add("waiting");
      return;
    }
    gateSummary.classList.remove("waiting");
    gateSummary.textContent = t("gate.summary", {
      online: list.filter((g) => g.state === "online").length,
      degraded: list.filter((g) => g.state === "degraded").length,
      queue: list.reduce((sum, g) => sum + num0(g.queue_length), 0),
    });
  };

  container.append(
    section("tourism", titles.tourism ?? "sc.tourism", areas),
    section("transport", titles.transport ?? "sc.transport", gates, gateSummary),
    section("agri", titles.agri ?? "sc.agri", fields));
  renderSummary();

  const live = liveIndicator(liveInto ?? container);

  const apply = (topic, data, opts) => {
    switch (topic) {
      case TOPICS.TOURISM_ENV_STATUS:
        return areas.update(data.area_id, data, opts);
      case TOPICS.TRANSPORT_GATE_STATUS: {
        const taken = gates.update(data.gate_id, data, opts);
        renderSummary();
        return taken;
      }
      case TOPICS.AGRI_FIELD_STATUS:
        return fields.update(data.field_id, data, opts);
      default:
        return false;
    }
  };

  let retryTimer = null;
  let failures = 0;
  const load = async () => {
    clearTimeout(retryTimer);
    try {
      const o = await api("/api/public/overview");
      clearError("overview");
      failures = 0;
      for (const a of o?.tourism ?? []) apply(TOPICS.TOURISM_ENV_STATUS, a, { animate: false });
      for (const g of o?.transport ?? []) apply(TOPICS.TRANSPORT_GATE_STATUS, g, { animate: false });
      for (const f of o?.agri ?? []) apply(TOPICS.AGRI_FIELD_STATUS, f, { animate: false });
    } catch (err) {
      failures += 1;
      showError("overview", () => t("err.overview", { detail: describe(err) }));
      // The stream goes on delivering meanwhile; ask again for the starting state later.
      const wait = err instanceof ApiError && err.retryAfter ? err.retryAfter * 1000
        : Math.min(60000, 5000 * failures);
      retryTimer = setTimeout(load, wait);
    }
  };

  const stream = new LiveStream("/api/public/stream", {
    onState: (s) => live.setState(s),
    onOpen: (again) => {
      if (again) load(); // fill what was missed while disconnected
    },
    onEvent: (msg) => {
      if (!msg?.data) return;
      apply(msg.topic, msg.data);
      live.event();
    },
  });

  onLangChange(() => {
    areas.render();
    gates.render();
    fields.render();
    renderSummary();
  });

  load();
  stream.start();
  return { areas, gates, fields, stream };
}
