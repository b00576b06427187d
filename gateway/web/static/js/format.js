// Number, time and payload helpers shared by the pages.
import { getLang, t } from "./i18n.js";

/** A finite number from a proto3 JSON value (numbers, or 64-bit ints as strings), else null. */
export function num(v) {
  if (v === undefined || v === null || v === "") return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** proto3 JSON omits scalars equal to zero: a non-optional field that is missing is 0. */
export function num0(v) {
  return num(v) ?? 0;
}

/** `v` with `digits` decimals and a unit, or the "—" placeholder when unknown ("-0.0" → "0.0"). */
export function fmt(v, digits = 1, unit = "") {
  const n = num(v);
  if (n === null) return t("common.unknown");
  const s = n.toFixed(digits).replace(/^-(0(\.0+)?)$/, "$1");
  if (!unit) return s;
  return /^[°%]/.test(unit) ? `${s}${unit}` : `${s} ${unit}`;
}

/** An integer with thousands separators (counters such as readings_total arrive as strings). */
export function fmtInt(v) {
  const n = num(v);
  if (n === null) return t("common.unknown");
  return Math.round(n).toLocaleString(getLang());
}

/** Milliseconds since the epoch of an RFC 3339 time (nanosecond fractions allowed), or null. */
export function parseTime(s) {
  if (!s || typeof s !== "string") return null;
  const trimmed = s.replace(/(\.\d{3})\d+/, "$1");
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) ? ms : null;
}

/** The event time of a status payload (data.meta.event_time), in ms, or null. */
export function eventTime(payload) {
  return parseTime(payload?.meta?.event_time);
}

/** "12 s" / "3 min" / "2 h" for an age in ms (how old a shown value is). */
export function ageText(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return t("common.unknown");
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return t("age.s", { n: s });
  if (s < 90 * 60) return t("age.min", { n: Math.round(s / 60) });
  return t("age.h", { n: Math.round(s / 3600) });
}

/** Local clock time HH:MM:SS of ms. */
export function clock(ms) {
  if (ms === null || ms === undefined) return t("common.unknown");
  return new Date(ms).toLocaleTimeString(getLang(), { hour12: false });
}

/** Whether `next` is at least as new as `prev` (by event time; unknown times count as newer). */
export function isNewer(prev, next) {
  if (!prev) return true;
  const a = eventTime(prev);
  const b = eventTime(next);
  return a === null || b === null || b >= a;
}

/** Create an element: h("div", {class: "x", dataset: {testid: "y"}}, child, "text"). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Restart the brief highlight animation on el. */
export function flash(el) {
  if (!el) return;
  el.classList.remove("flash");
  void el.offsetWidth; // reflow so that the animation starts again
  el.classList.add("flash");
}

if (typeof document !== "undefined") {
  document.addEventListener("animationend", (e) => {
    if (e.animationName === "flash" || e.animationName === "flash-ring") e.target.classList.remove("flash");
  });
}
