// One patient (medical/patient.html?id=…): NEWS2 breakdown with units, trends of the last hour,
// alert history, SpO₂ scale and FHIR export. Starting state from GET /api/medical/patients/<id>
// (403 outside the care team), then live from the medical stream.
import { api, ApiError, describe, showError } from "../api.js";
import { LiveChart } from "../chart.js";
import { TOPICS } from "../contracts.js";
import { panelBox, startConsole } from "../console/engine.js";
import { clock, fmt, h, num, parseTime } from "../format.js";
import { nameOf, onLangChange, t } from "../i18n.js";
import "./i18n.js";
import { alertReasonText, monitoringText, news2Of, PARAMETERS, paramName, responseText, riskName, riskOf } from "./news2.js";

const id = new URLSearchParams(location.search).get("id") ?? "";
const METRICS = [
  { id: "hr", name: () => `${t("f.heart_rate")} (bpm)`, axis: 0, field: "heart_rate_bpm" },
  { id: "rr", name: () => `${t("f.resp_rate")} (/min)`, axis: 0, field: "resp_rate_per_min" },
  { id: "spo2", name: () => `${t("f.spo2")} (%)`, axis: 1, dashed: true, field: "spo2_pct" },
];

/** A vital's value with its unit, as the score used it (the latest vitals when not scored). */
function valueText(param, value, latest) {
  const v = num(value) ?? num(latest?.[param]);
  switch (param) {
    case "consciousness": return t(`cons.${latest?.consciousness || "CONSCIOUSNESS_UNSPECIFIED"}`);
    case "on_oxygen": return latest?.on_oxygen === undefined && v === null ? t("common.unknown")
      : t((latest?.on_oxygen ?? v === 1) ? "med.detail.on_oxygen" : "med.detail.on_air");
    case "resp_rate_per_min": return fmt(v, 0, "/min");
    case "spo2_pct": return fmt(v, 0, "%");
    case "systolic_mmhg": return fmt(v, 0, "mmHg");
    case "heart_rate_bpm": return fmt(v, 0, "bpm");
    case "temperature_c": return fmt(v, 1, "°C");
    default: return fmt(v, 1);
  }
}

let detail = null;
let status = null;
const meta = document.getElementById("patient-meta");
const breakdown = h("tbody");
const advice = h("p", { class: "detail-news2", dataset: { testid: "detail-news2" } });
const chartBox = h("div");
const alertList = h("ul", { class: "alert-queue", dataset: { testid: "detail-alerts" } });
const scale = h("select", { dataset: { testid: "scale-select" }, "aria-label": t("med.detail.scale") },
  h("option", { value: "1" }), h("option", { value: "2" }));
const fhir = h("a", { class: "btn", href: `/api/medical/patients/${encodeURIComponent(id)}/fhir`,
  download: `${id}-fhir-r4.json`, dataset: { i18n: "med.detail.fhir" } }, t("med.detail.fhir"));
const head = h("tr", {});
let chart = null;

function render() {
  if (!detail) return;
  const patient = detail.summary.patient;
  // The service has the name in Latin script only (FHIR-style): marked as such, not translated.
  document.getElementById("patient-name").replaceChildren(h("span", { lang: "en" }, patient.name), " · ",
    nameOf("patient", patient.patient_id));
  meta.textContent = t("med.detail.meta", { team: nameOf("team", patient.care_team),
    ward: patient.ward ? nameOf("ward", patient.ward) : t("common.unknown") });
  scale.options[0].textContent = t("med.detail.scale1");
  scale.options[1].textContent = t("med.detail.scale2");
  scale.value = patient.spo2_scale2 ? "2" : "1";
  head.replaceChildren(h("th", { scope: "col" }, t("med.detail.param")),
    h("th", { scope: "col", class: "num" }, t("med.detail.value")), h("th", { scope: "col", class: "num" }, t("med.detail.points")));
  const n = status ? news2Of(status) : null;
  advice.textContent = n ? [`NEWS2 ${n.complete ? "" : "≥"}${n.aggregate} · ${riskName(n.risk)}`,
    `${t("med.detail.monitoring")}: ${monitoringText(n.monitoring)}`,
    `${t("med.detail.response")}: ${responseText(n.response)}`,
    t("common.updated", { time: clock(parseTime(status.meta?.event_time)) })].join(" · ") : t("common.waiting");
  advice.dataset.risk = n?.risk ?? "";
  const latest = status?.latest ?? {};
  breakdown.replaceChildren(...PARAMETERS.map((p) => {
    const scored = n?.points.get(p);
    return h("tr", { dataset: { testid: `breakdown-${p}` } },
      h("th", { scope: "row" }, paramName(p)), h("td", { class: "num" }, valueText(p, scored?.value, latest)),
      h("td", { class: "num" }, scored ? h("span", { class: "pts", dataset: { points: String(scored.points) } }, `+${scored.points}`)
        : t("med.detail.not_scored")));
  }));
  const alerts = detail.alerts ?? [];
  alertList.replaceChildren(...(alerts.length ? alerts.map((a) => {
    const risk = riskOf(a.clinical_risk);
    return h("li", { class: "alert-item", dataset: { risk, state: a.state } },
      h("strong", {}, clock(parseTime(a.resolved_at ?? a.acknowledged_at ?? a.raised_at))),
      h("span", { class: "badge", dataset: { risk } }, t("med.alerts.at_raise", { score: a.news2_aggregate ?? 0, risk: riskName(risk) })),
      h("span", { class: "badge" }, t(`med.alerts.state.${a.state}`)),
      h("span", { dataset: { testid: "alert-reason" } }, alertReasonText(a)));
  })
    : [h("li", { class: "waiting" }, t("med.alerts.empty"))]));
}

scale.addEventListener("change", async () => {
  try {
    Object.assign(detail.summary.patient, await api(`/api/medical/patients/${encodeURIComponent(id)}/spo2-scale`,
      { method: "PUT", body: { scale2: scale.value === "2" } }));
    render();
  } catch (err) {
    showError("scale", () => describe(err));
  }
});

startConsole({
  scenario: "medical", rootId: "detail-root",
  panels: () => {
    chart = new LiveChart(chartBox, {
      yAxes: [{ name: () => "bpm · /min" }, { name: () => `${t("f.spo2")} %`, min: 80, max: 100 }],
      metricCount: METRICS.length, keys: [id], colorBy: "metric" });
    for (const m of METRICS) m.keyName = () => "";
    onLangChange(render);
    return [{
      el: h("div", {}),
      topics: [TOPICS.MEDICAL_PATIENT_STATUS, TOPICS.MEDICAL_ALERTS],
      load: async () => {
        try {
          detail = await api(`/api/medical/patients/${encodeURIComponent(id)}?minutes=60`);
        } catch (err) {
          if (err instanceof ApiError && err.status === 403) {
            document.getElementById("detail-root").replaceChildren(h("div", { class: "notice notice-denied", role: "alert",
              dataset: { testid: "detail-error" } }, describe(err)));
            return;
          }
          throw err;
        }
        status = detail.summary.status ?? null;
        for (const p of detail.trend ?? []) for (const m of METRICS) chart.add(id, m, parseTime(p.at), p[m.field] ?? null);
        render();
      },
      onEvent: (d, msg) => {
        if (d.patient_id !== id || !detail) return;
        if (msg.topic === TOPICS.MEDICAL_PATIENT_STATUS) {
          status = d;
          for (const m of METRICS) chart.add(id, m, parseTime(d.meta?.event_time) ?? Date.now(), d.latest?.[m.field] ?? null);
        } else {
          detail.alerts = [d, ...(detail.alerts ?? []).filter((a) => a.alert_id !== d.alert_id)];
        }
        render();
      },
    }];
  },
  layout: () => [
    panelBox("med.detail.breakdown", h("div", {}, advice, h("div", { class: "table-wrap" },
      h("table", { class: "data-table", dataset: { testid: "breakdown" } }, h("thead", {}, head), breakdown)))),
    panelBox("med.detail.trend", chartBox),
    panelBox("med.detail.alerts", alertList),
    panelBox("med.detail.scale", h("p", { class: "btn-row" }, scale, fhir)),
  ],
});
