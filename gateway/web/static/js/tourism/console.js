// The tourism console (console/tourism.html): the areas' environment (tiles, chart, latest
// values) and the visitor flow (js/tourism/flow-panels.js), on one live stream.
import { api } from "../api.js";
import { TOPICS } from "../contracts.js";
import { panelBox, startConsole } from "../console/engine.js";
import { statusPanels } from "../console/status-panels.js";
import { clock, eventTime, fmt, fmtInt, num0 } from "../format.js";
import { nameOf, t } from "../i18n.js";
import { flowPanels } from "./flow-panels.js";
import "./i18n.js";
import { AREAS, AreaTile, comfortOf } from "./tiles.js";

const COLUMNS = [
  { id: "area", label: "f.area", get: (d) => nameOf("area", d.area_id), head: true },
  { id: "temp", label: "f.temperature", get: (d) => fmt(num0(d.temperature_c), 1, "°C"), num: true },
  { id: "humidity", label: "f.humidity", get: (d) => fmt(num0(d.humidity_pct), 1, "%"), num: true },
  { id: "pm25", label: "f.pm25", get: (d) => fmt(num0(d.pm25_ug_m3), 1, "µg/m³"), num: true },
  { id: "noise", label: "f.noise", get: (d) => fmt(num0(d.noise_db), 1, "dB"), num: true },
  { id: "thi", label: "f.thi", get: (d) => fmt(num0(d.thi), 1), num: true },
  { id: "comfort", label: "f.comfort_index", get: (d) => fmt(num0(d.comfort_index), 0), num: true },
  { id: "level", label: "f.comfort_level",
    get: (d) => comfortOf(d).text,
    badge: (d) => ({ level: comfortOf(d).level }) },
  { id: "readings", label: "f.readings_total", get: (d) => fmtInt(num0(d.readings_total)), num: true },
  { id: "time", label: "f.event_time", get: (d) => clock(eventTime(d)) },
];

const CHART = {
  title: "console.chart.tourism",
  yAxes: [{ name: () => t("chart.axis", { name: t("f.temperature"), unit: "°C" }) }, { name: () => t("f.comfort_index"), min: 0, max: 100 }],
  metrics: [
    { id: "temp", name: () => t("f.temperature"), axis: 0, value: (d) => num0(d.temperature_c) },
    { id: "comfort", name: () => t("f.comfort_index"), axis: 1, dashed: true, value: (d) => num0(d.comfort_index) },
  ],
  keyName: (k) => nameOf("area", k),
};

startConsole({
  scenario: "tourism",
  panels: () => {
    const env = statusPanels({ topic: TOPICS.TOURISM_ENV_STATUS, keyOf: (d) => d.area_id, Tile: AreaTile,
      known: AREAS, load: () => api("/api/tourism/environment"), charts: [CHART], columns: COLUMNS });
    const flow = flowPanels();
    const all = [...env.panels, ...flow.panels];
    all.layout = () => [...env.panels.map((p) => panelBox(p.title, p.el, p.headExtra)), ...flow.layout()];
    return all;
  },
  layout: (panels) => panels.layout(),
});
