// One patient: NEWS2 breakdown, trends of the last hour, alert history, SpO2 scale, FHIR export.
// Starting state from GET /api/medical/patients/<id> (403 outside the care team), then live.
import { api, ApiError, describe, liveIndicator, LiveStream, showError } from "../api.js";
import { TOPICS } from "../contracts.js";
import { LiveChart } from "../chart.js";
import { clock, fmt, h, parseTime } from "../format.js";
import { nameOf, onLangChange, t } from "../i18n.js";
import { monitoringText, news2Of, paramName, responseText, riskName } from "../news2.js";
import { loginUrl, renderShell } from "../shell.js";
import "./i18n.js";

const id = new URLSearchParams(location.search).get("id") ?? "";
const METRICS = [
  { id: "hr", name: () => t("f.heart_rate"), axis: 0, field: "heart_rate_bpm" },
  { id: "rr", name: () => t("f.resp_rate"), axis: 0, field: "resp_rate_per_min" },
  { id: "spo2", name: () => t("f.spo2"), axis: 1, dashed: true, field: "spo2_pct" },
];

function section(titleKey, ...body) {
  return h("section", { class: "panel" },
    h("header", { class: "panel-head" }, h("h2", { class: "panel-title", dataset: { i18n: titleKey } }, t(titleKey))),
    ...body);
}

async function main() {
  const { me } = await renderShell({ page: "medical" });
  if (!me) return location.replace(loginUrl());
  const root = document.getElementById("detail-root");
  let detail;
  try {
    detail = await api(`/api/medical/patients/${encodeURIComponent(id)}?minutes=60`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return location.replace(loginUrl());
    root.replaceChildren(h("div", { class: "notice notice-denied", role: "alert", dataset: { testid: "detail-error" } },
      describe(err)));
    return;
  }
  const patient = detail.summary.patient;
  document.getElementById("patient-name").textContent = `${patient.name} · ${nameOf("patient", patient.patient_id)}`;
  const meta = document.getElementById("patient-meta");
  const breakdown = h("tbody");
  const advice = h("p", { dataset: { testid: "detail-news2" } });
  const chartBox = h("div");
  const alertList = h("ul", { class: "alert-queue" });
  const scale = h("select", { dataset: { testid: "scale-select" } },
    h("option", { value: "1" }), h("option", { value: "2" }));
  const fhir = h("a", { class: "btn", href: `/api/medical/patients/${encodeURIComponent(id)}/fhir`,
    download: `${id}-fhir-r4.json`, dataset: { i18n: "med.detail.fhir" } }, t("med.detail.fhir"));
  root.replaceChildren(
    section("med.detail.breakdown", advice, h("div", { class: "table-wrap" }, h("table", { class: "data-table" },
      h("thead", {}, h("tr", {}, h("th", { dataset: { i18n: "med.detail.param" } }), h("th", { class: "num", dataset: { i18n: "med.detail.value" } }),
        h("th", { class: "num", dataset: { i18n: "med.detail.points" } }))), breakdown))),
    section("med.detail.trend", chartBox),
    section("med.detail.alerts", alertList),
    section("med.detail.scale", h("p", {}, scale, " ", fhir)));
  const chart = new LiveChart(chartBox, {
    yAxes: [{ name: () => "/min" }, { name: () => `${t("f.spo2")} %`, min: 80, max: 100 }],
    metricCount: METRICS.length, keys: [id] });
  for (const m of METRICS) m.keyName = () => "";

  let status = detail.summary.status ?? null;
  const render = () => {
    meta.textContent = `${t("med.detail.team")}: ${patient.care_team} · ${t("med.detail.ward")}: ${patient.ward || "—"}`;
    scale.options[0].textContent = t("med.detail.scale1");
    scale.options[1].textContent = t("med.detail.scale2");
    scale.value = patient.spo2_scale2 ? "2" : "1";
    const n = status ? news2Of(status) : null;
    advice.textContent = n ? `NEWS2 ${n.aggregate} · ${riskName(n.risk)} · ${t("med.detail.monitoring")}: ${monitoringText(n.monitoring)} · ${t("med.detail.response")}: ${responseText(n.response)}`
      : t("common.waiting");
    if (n) advice.dataset.risk = n.risk;
    breakdown.replaceChildren(...(status?.news2?.parameters ?? []).map((p) => h("tr", {},
      h("th", { scope: "row" }, paramName(p.parameter)), h("td", { class: "num" }, fmt(p.value, 1)),
      h("td", { class: "num" }, String(p.points ?? 0)))));
    alertList.replaceChildren(...(detail.alerts ?? []).map((a) => h("li", { class: "alert-item", dataset: { risk: a.risk, state: a.state } },
      `${clock(parseTime(a.raised_at))} · NEWS2 ${a.news2_aggregate ?? 0} · ${riskName(a.risk)} · ${t(`med.alerts.state.${a.state}`)} · ${a.reason ?? ""}`)));
    if (!detail.alerts?.length) alertList.replaceChildren(h("li", { class: "waiting" }, t("med.alerts.empty")));
  };
  for (const p of detail.trend ?? []) {
    for (const m of METRICS) chart.add(id, m, parseTime(p.at), p[m.field] ?? null);
  }
  render();
  onLangChange(render);
  scale.addEventListener("change", async () => {
    try {
      Object.assign(patient, await api(`/api/medical/patients/${encodeURIComponent(id)}/spo2-scale`,
        { method: "PUT", body: { scale2: scale.value === "2" } }));
      render();
    } catch (err) {
      showError("scale", () => describe(err));
    }
  });

  const live = liveIndicator(document.getElementById("console-live"));
  new LiveStream("/api/stream/medical", {
    onState: (s) => live.setState(s),
    onEvent: (msg) => {
      const d = msg?.data;
      if (!d || d.patient_id !== id) return;
      if (msg.topic === TOPICS.MEDICAL_PATIENT_STATUS) {
        status = d;
        for (const m of METRICS) chart.add(id, m, parseTime(d.meta?.event_time) ?? Date.now(), d.latest?.[m.field] ?? null);
      } else if (msg.topic === TOPICS.MEDICAL_ALERTS) {
        const others = (detail.alerts ?? []).filter((a) => a.alert_id !== d.alert_id);
        detail.alerts = [d, ...others];
      }
      live.event();
      render();
    },
  }).start();
}

main();
