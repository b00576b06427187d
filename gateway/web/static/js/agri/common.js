// Shared pieces of the agri pages: an SVG field map, labels, severities.
import { h } from "../format.js";
import { codeText, has, t } from "../i18n.js";
import "./i18n.js";

export const SEV_COLORS = { 0: "#16a34a", 1: "#facc15", 2: "#fb923c", 3: "#ea580c", 4: "#dc2626" };
const SEV = { SEVERITY_WARNING: 1, SEVERITY_MINOR: 2, SEVERITY_MAJOR: 3, SEVERITY_CRITICAL: 4 };
const STATUS = { ALARM_STATUS_ACTIVE_UNACK: 1, ALARM_STATUS_ACTIVE_ACK: 2, ALARM_STATUS_CLEARED_UNACK: 3,
  ALARM_STATUS_CLEARED_ACK: 4 };
const ORDER = { ORDER_STATE_CREATED: 1, ORDER_STATE_ASSIGNED: 2, ORDER_STATE_EN_ROUTE: 3,
  ORDER_STATE_WORKING: 4, ORDER_STATE_DONE: 5, ORDER_STATE_CANCELLED: 6 };

/** proto3 JSON enums arrive as names; numbers as a fallback. */
export const sevOf = (v) => SEV[v] ?? (Number(v) || 0);
export const statusOf = (v) => STATUS[v] ?? (Number(v) || 0);
export const orderOf = (v) => ORDER[v] ?? (Number(v) || 0);

// Number → code, for the strings (`sev.<code>`, `alarm.status.<code>`, `order.<code>`).
const codeOf = (codes, zero) => Object.fromEntries([[0, zero], ...Object.entries(codes).map(([c, n]) => [n, c])]);
const SEV_CODE = codeOf(SEV, "SEVERITY_UNSPECIFIED");
const STATUS_CODE = codeOf(STATUS, "ALARM_STATUS_UNSPECIFIED");
const ORDER_CODE = codeOf(ORDER, "ORDER_STATE_UNSPECIFIED");
/** Words for a Severity (name or number); SEVERITY_UNSPECIFIED reads "normal" (no alarm). */
export const sevText = (v) => codeText("sev.", SEV_CODE[sevOf(v)]);
/** Words for an AlarmStatus (name or number). */
export const statusText = (v) => codeText("alarm.status.", STATUS_CODE[statusOf(v)]);
/** Words for an OrderState (name or number). */
export const orderText = (v) => codeText("order.", ORDER_CODE[orderOf(v)]);
export const isActive = (a) => [1, 2].includes(statusOf(a.status));
export const label = (prefix, id) => {
  const s = t(`${prefix}.${id}`);
  return s === `${prefix}.${id}` ? id : s;
};

/** A field's name in the page's language (the service sends the Chinese name only). */
export const fieldLabel = (f) => (has(`field.${f.id}`) ? t(`field.${f.id}`) : f.name || f.id);
/** A machine's name in the page's language, by id (the service sends the Chinese name only). */
export const machineLabel = (m) => (has(`machine.${m.id}`) ? t(`machine.${m.id}`) : m.name || m.id);

/** Draw fields (polygons) and machines (dots) in an SVG, equirectangular around their centre. */
export function drawMap(svg, fields, machines = []) {
  const pts = fields.flatMap((f) => (f.outline || []).map((p) => [p.lat, p.lon]))
    .concat(machines.map((m) => [m.lat, m.lon]));
  if (!pts.length) return;
  const lats = pts.map((p) => p[0]);
  const lons = pts.map((p) => p[1]);
  const pad = 0.004;
  const [minLat, maxLat] = [Math.min(...lats) - pad, Math.max(...lats) + pad];
  const [minLon, maxLon] = [Math.min(...lons) - pad, Math.max(...lons) + pad];
  const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const W = 600;
  const H = Math.max(200, Math.round(W * (maxLat - minLat) / ((maxLon - minLon) * k)));
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const x = (lon) => ((lon - minLon) / (maxLon - minLon)) * W;
  const y = (lat) => H - ((lat - minLat) / (maxLat - minLat)) * H;
  const NS = "http://www.w3.org/2000/svg";
  const el = (tag, attrs, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [a, v] of Object.entries(attrs)) e.setAttribute(a, v);
    if (text) e.textContent = text;
    return e;
  };
  svg.replaceChildren();
  for (const f of fields) {
    const sev = sevOf(f.status?.severity);
    const poly = el("polygon", {
      points: (f.outline || []).map((p) => `${x(p.lon).toFixed(1)},${y(p.lat).toFixed(1)}`).join(" "),
      fill: SEV_COLORS[sev], "fill-opacity": "0.55", stroke: "#334155", "stroke-width": "1.5",
      "data-testid": `map-field-${f.id}`, "data-severity": String(sev) });
    poly.append(el("title", {}, `${fieldLabel(f)} · ${sevText(sev)}`));
    svg.append(poly, el("text", { x: x(f.centre.lon).toFixed(1), y: y(f.centre.lat).toFixed(1),
      "text-anchor": "middle", "font-size": "12", fill: "#0f172a" }, fieldLabel(f)));
  }
  for (const m of machines) {
    const color = m.state === "busy" ? "#1d4ed8" : m.state === "silent" ? "#94a3b8" : "#0f766e";
    svg.append(el("circle", { cx: x(m.lon).toFixed(1), cy: y(m.lat).toFixed(1), r: "6", fill: color,
      stroke: "#fff", "stroke-width": "2", "data-testid": `map-machine-${m.id}` }),
    el("text", { x: (x(m.lon) + 8).toFixed(1), y: (y(m.lat) + 4).toFixed(1), "font-size": "11",
      fill: color }, machineLabel(m)));
  }
}

/** A table with a head row of translated labels. */
export function table(testid, heads, rows) {
  return h("div", { class: "table-wrap" }, h("table", { class: "agri-table data-table", dataset: { testid } },
    h("thead", {}, h("tr", {}, heads.map((k) => h("th", { scope: "col" }, k ? t(k) : h("span", { class: "sr-only" }, t("agri.col.actions")))))),
    h("tbody", {}, rows)));
}

export const time = (s) => (s ? new Date(s).toLocaleString(document.documentElement.lang, { hour12: false,
  month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" }) : "");
