// The public agri page: live field moisture and temperature (public stream), and the trace lookup.
import { api } from "../api.js";
import { startConsole } from "../console/engine.js";
import { TOPICS } from "../contracts.js";
import { clock, eventTime, fmt, h } from "../format.js";
import { nameOf, onLangChange, t } from "../i18n.js";
import "./i18n.js";

const root = h("div");
const fields = new Map();

function card(s) {
  const vwc = s.latest?.soil_moisture_vwc;
  return h("article", { class: "agri-card", dataset: { testid: `public-field-${s.field_id}` } },
    h("h3", {}, nameOf("field", s.field_id)),
    h("dl", {},
      h("dt", {}, t("agri.moisture")),
      h("dd", { dataset: { testid: `public-vwc-${s.field_id}` } },
        vwc === undefined ? t("common.unknown") : fmt(Number(vwc) * 100, 1, "%")),
      h("dt", {}, t("agri.air")), h("dd", {}, fmt(s.latest?.air_temp_c, 1, "°C"))),
    h("p", { class: "tile-updated" }, t("common.updated", { time: clock(eventTime(s) ?? Date.now()) })));
}

function render() {
  root.replaceChildren(h("div", { class: "agri-cards" }, [...fields.values()].map(card)),
    h("form", { class: "agri-controls", action: "/trace.html" },
      h("input", { name: "code", placeholder: t("trace.code_example"), "aria-label": t("trace.code") }),
      h("button", { class: "btn btn-primary", type: "submit" }, t("trace.lookup"))));
}

startConsole({
  publicPage: true, rootId: "agri-public", liveId: "agri-live",
  panels: () => {
    onLangChange(render);
    return [{ el: root, topics: [TOPICS.AGRI_FIELD_STATUS],
      load: async () => {
        const overview = await api("/api/public/overview");
        for (const s of overview.agri || []) fields.set(s.field_id, s);
        render();
      },
      onEvent: (d) => {
        fields.set(d.field_id, d);
        render();
      } }];
  },
});
