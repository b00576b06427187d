// The medical monitoring wall (console/medical.html): the alert queue, patient tiles ordered by
// risk with an alert tone, the ambulance board, heart-rate / SpO₂ and NEWS2 charts and the
// latest values; the clinician's own care team only (the service filters and audits).
import { api } from "../api.js";
import { TOPICS } from "../contracts.js";
import { startConsole } from "../console/engine.js";
import { statusPanels } from "../console/status-panels.js";
import { clock, eventTime, fmt, fmtInt, num, num0 } from "../format.js";
import { nameOf, t } from "../i18n.js";
import "./i18n.js";
import { AlertSound, news2Of, riskName, riskOf } from "./news2.js";
import { AlertQueue, AmbulanceBoard } from "./panels.js";
import { PatientTile } from "./tile.js";

const timeCol = { id: "time", label: "f.event_time", get: (d) => clock(eventTime(d)) };

const COLUMNS = [
  { id: "patient", label: "f.patient", get: (d) => nameOf("patient", d.patient_id), head: true },
  { id: "news2", label: "f.news2",
    get: (d) => {
      const n = news2Of(d);
      if (!n) return t("common.unknown");
      const score = `${n.complete ? "" : "≥"}${n.aggregate} · ${riskName(n.risk)}`;
      return n.complete ? score : `${score} · ${t("news2.incomplete")}`;
    },
    badge: (d) => { const n = news2Of(d); return { risk: n ? n.risk : "", complete: n ? String(n.complete) : "" }; } },
  { id: "hr", label: "f.heart_rate", get: (d) => fmt(d.latest?.heart_rate_bpm, 0, "bpm"), num: true },
  { id: "rr", label: "f.resp_rate", get: (d) => fmt(d.latest?.resp_rate_per_min, 0, "/min"), num: true },
  { id: "spo2", label: "f.spo2", get: (d) => fmt(d.latest?.spo2_pct, 0, "%"), num: true },
  { id: "bp", label: "f.bp", num: true,
    get: (d) => (num(d.latest?.systolic_mmhg) === null ? t("common.unknown")
      : `${Math.round(num(d.latest.systolic_mmhg))}/${num(d.latest?.diastolic_mmhg) === null ? "–" : Math.round(num(d.latest.diastolic_mmhg))} mmHg`) },
  { id: "temp", label: "f.body_temp", get: (d) => fmt(d.latest?.temperature_c, 1, "°C"), num: true },
  { id: "consciousness", label: "f.consciousness",
    get: (d) => t(`cons.${d.latest?.consciousness || "CONSCIOUSNESS_UNSPECIFIED"}`) },
  { id: "oxygen", label: "f.on_oxygen",
    get: (d) => (d.latest?.on_oxygen === undefined ? t("common.unknown") : t(d.latest.on_oxygen ? "common.yes" : "common.no")) },
  { id: "observations", label: "f.observations_total", get: (d) => fmtInt(num0(d.observations_total)), num: true },
  timeCol,
];

const CHARTS = [
  { title: "console.chart.medical",
    yAxes: [{ name: () => "bpm" }, { name: () => `${t("f.spo2")} %`, min: 80, max: 100 }],
    metrics: [
      { id: "hr", name: () => t("f.heart_rate"), axis: 0, value: (d) => num(d.latest?.heart_rate_bpm) },
      { id: "spo2", name: () => t("f.spo2"), axis: 1, dashed: true, value: (d) => num(d.latest?.spo2_pct) },
    ],
    keyName: (k) => nameOf("patient", k) },
  // NEWS2 aggregate per patient, with the chart 2 thresholds (5: medium, 7: high).
  { title: "console.chart.medical_news2", small: true, step: true,
    yAxes: [{ name: () => t("news2.label"), min: 0, max: (v) => Math.max(8, Math.ceil(v.max) + 1), minInterval: 1 }],
    marks: () => [
      { y: 5, label: riskName("medium"), color: "#c2410c", below: true },
      { y: 7, label: riskName("high"), color: "#b91c1c" },
    ],
    metrics: [{ id: "news2", name: () => t("news2.label"), axis: 0,
      value: (d) => { const n = news2Of(d); return n ? n.aggregate : null; } }],
    keyName: (k) => nameOf("patient", k) },
];

startConsole({
  scenario: "medical",
  panels: () => {
    // A tone when a patient's NEWS2 risk rises to medium or high (once sound is enabled).
    const sound = new AlertSound();
    const status = statusPanels({
      topic: TOPICS.MEDICAL_PATIENT_STATUS, keyOf: (d) => d.patient_id, Tile: PatientTile,
      emptyText: "console.medical.patients_hint", tileOpts: { onRiskRise: (id, n) => sound.alert(n.rank) },
      tilesExtra: sound.el,
      load: async () => ((await api("/api/medical/patients")) ?? []).map((p) => p.status).filter(Boolean),
      charts: CHARTS, columns: COLUMNS,
    });
    // The queue shows each alert's score at raise and the patient's score now (from the tiles).
    const queue = new AlertQueue({
      onChange: (a, prev) => { if (!prev && a.state === "ALERT_STATE_RAISED") sound.alert(riskOf(a.clinical_risk) === "high" ? 3 : 2); },
      current: (pid) => status.tiles.tiles.get(pid)?.data ?? null,
    });
    const board = new AmbulanceBoard();
    const [tiles, ...rest] = status.panels;
    return [
      { title: "med.alerts.title", el: queue.el, topics: [TOPICS.MEDICAL_ALERTS], onEvent: (d) => queue.update(d),
        load: () => queue.load(), onLive: (snap) => queue.setLive(snap) },
      { ...tiles, onEvent: (d) => { tiles.onEvent(d); queue.tick(); } },
      { title: "med.amb.title", el: board.el, topics: [TOPICS.MEDICAL_PREARRIVAL], onEvent: (d) => board.update(d),
        load: () => board.load() },
      ...rest,
    ];
  },
});
