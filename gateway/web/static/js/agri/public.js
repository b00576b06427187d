// The public agri page: live field moisture and temperature (public stream), and the trace lookup.
import { api, liveIndicator, LiveStream } from "../api.js";
import { TOPICS } from "../contracts.js";
import { eventTime, fmt, h } from "../format.js";
import { nameOf, onLangChange, t } from "../i18n.js";
import { renderShell } from "../shell.js";
import "./i18n.js";

const root = document.getElementById("agri-public");
const fields = new Map();

function render() {
  root.replaceChildren(h("div", { class: "agri-cards" }, [...fields.values()].map((s) => h("article", {
    class: "agri-card", dataset: { testid: `public-field-${s.field_id}` } }, h("h3", {}, nameOf("field", s.field_id)),
  h("dl", {}, h("dt", {}, t("agri.moisture")), h("dd", {}, fmt(s.latest?.soil_moisture_vwc, 3, "m³/m³")),
    h("dt", {}, t("agri.air")), h("dd", {}, fmt(s.latest?.air_temp_c, 1, "°C")))))),
  h("form", { class: "agri-controls", action: "/trace.html" },
    h("input", { name: "code", placeholder: t("trace.code"), "aria-label": t("trace.code") }),
    h("button", { class: "btn btn-primary", type: "submit" }, t("trace.lookup"))));
}

async function main() {
  await renderShell({ page: "public", fetchUser: false });
  const live = liveIndicator(document.getElementById("agri-live"));
  const overview = await api("/api/public/overview");
  for (const s of overview.agri || []) fields.set(s.field_id, s);
  render();
  new LiveStream("/api/public/stream", {
    onState: (s) => live.setState(s),
    onEvent: (msg) => {
      if (msg.topic !== TOPICS.AGRI_FIELD_STATUS) return;
      live.event(eventTime(msg.data) ?? Date.now());
      fields.set(msg.data.field_id, msg.data);
      render();
    },
  }).start();
  onLangChange(render);
}

main();
