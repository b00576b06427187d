// Helpers shared by the tourism console section and the public crowding page.
import { h } from "../format.js";
import { getLang, t } from "../i18n.js";

/** Crowding levels, calmest first, by the names the page's styles use (data-level, tf-level-*). */
export const LEVELS = ["comfortable", "busy", "crowded", "over_capacity"];
// The service sends zezhou5g.tourism.v1.CrowdLevel codes; the strings are `level.<code>`.
const CODE_OF_LEVEL = {
  comfortable: "CROWD_LEVEL_COMFORTABLE",
  busy: "CROWD_LEVEL_BUSY",
  crowded: "CROWD_LEVEL_CROWDED",
  over_capacity: "CROWD_LEVEL_OVER_CAPACITY",
};
const LEVEL_OF_CODE = Object.fromEntries(Object.entries(CODE_OF_LEVEL).map(([lv, code]) => [code, lv]));

/** The level name ("busy") of a CrowdLevel code ("CROWD_LEVEL_BUSY"); "unknown" when unset. */
export function levelOf(code) {
  return LEVEL_OF_CODE[code] ?? "unknown";
}

/** The display name of a thing with name_zh / name_en in the current language. */
export function nameIn(item) {
  if (!item) return "";
  return getLang() === "en" ? item.name_en || item.name_zh : item.name_zh || item.name_en;
}

/** A crowding level badge. */
export function levelBadge(level, testid) {
  const lv = LEVELS.includes(level) ? level : "unknown";
  return h("span", { class: `tf-level tf-level-${lv}`, dataset: { level: lv, testid } },
    t(`level.${CODE_OF_LEVEL[lv] ?? "CROWD_LEVEL_UNSPECIFIED"}`));
}

/** "83%" for an occupancy ratio. */
export function pct(ratio) {
  const n = Number(ratio ?? 0);
  return Number.isFinite(n) ? `${Math.round(n * 100)}%` : "—";
}

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element with attributes. */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v);
  }
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}
