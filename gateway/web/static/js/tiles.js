// Live value tiles: a scenic area, a gate, a field, a patient. Used by the home page, the public
// page and the consoles. Each tile shows "waiting for data…" until its first value arrives.
import { clock, eventTime, flash, fmt, fmtInt, h, isNewer, num, num0 } from "./format.js";
import { has, nameOf, t } from "./i18n.js";
import "./medical/i18n.js";
import { joinList, monitoringText, news2Of, PARAMETERS, paramName, responseText, riskName } from "./news2.js";

class Tile {
  constructor(kind, id, opts = {}) {
    this.kind = kind;
    this.id = id;
    this.opts = opts;
    this.data = null;
    this.el = h("article", { class: `tile tile-${kind} is-waiting`, dataset: { key: id } });
    this.title = h("h3", { class: "tile-title" });
    this.sub = h("div", { class: "tile-sub" });
    this.badge = h("span", { class: "badge" });
    this.updated = h("div", { class: "tile-updated" });
    this.build();
    this.render();
  }

  /** Take a newer payload; returns whether it was taken. */
  update(data, { animate = true } = {}) {
    if (!isNewer(this.data, data)) return false;
    this.data = data;
    this.render();
    if (animate) flash(this.el);
    return true;
  }

  render() {
    this.el.classList.toggle("is-waiting", !this.data);
    this.updated.textContent = this.data
      ? t("common.updated", { time: clock(eventTime(this.data) ?? Date.now()) }) : "";
    this.renderValues();
  }

  /**
   * Set a value element: the text, or "waiting for data…" while there is no payload (secondary
   * values show a dash then, so that the tile does not repeat "waiting" six times).
   */
  value(el, text, raw, { secondary = false } = {}) {
    if (!this.data) {
      el.textContent = secondary ? t("common.unknown") : t("common.waiting");
      el.classList.add("waiting");
      delete el.dataset.value;
      return;
    }
    el.textContent = text;
    el.classList.remove("waiting");
    if (raw !== undefined && raw !== null) el.dataset.value = String(raw);
  }

  metrics(pairs) {
    // pairs: [[labelKey, ddElement], ...]
    return h("dl", { class: "metrics" },
      pairs.map(([key, dd]) => h("div", { class: "metric" }, h("dt", { dataset: { i18nKey: key } }), dd)));
  }

  renderLabels() {
    for (const dt of this.el.querySelectorAll("dt[data-i18n-key]")) dt.textContent = t(dt.dataset.i18nKey);
  }
}

export class AreaTile extends Tile {
  constructor(id, opts) {
    super("area", id, opts);
  }

  build() {
    const id = this.id;
    this.temp = h("span", { class: "big-value", dataset: { testid: `tourism-temp-${id}` } });
    this.comfort = h("span", { class: "badge comfort", dataset: { testid: `tourism-comfort-${id}` } });
    this.hum = h("dd");
    this.pm = h("dd");
    this.noise = h("dd");
    this.thi = h("dd");
    const pairs = [["f.humidity", this.hum], ["f.pm25", this.pm], ["f.noise", this.noise]];
    if (!this.opts.compact) pairs.push(["f.thi", this.thi]);
    this.el.append(
      h("header", { class: "tile-head" }, this.title, this.comfort),
      h("div", { class: "tile-main" }, this.temp),
      this.metrics(pairs), this.updated);
  }

  renderValues() {
    const d = this.data ?? {};
    this.title.textContent = nameOf("area", this.id);
    const temp = num0(d.temperature_c);
    this.value(this.temp, fmt(temp, 1, "°C"), temp);
    const level = d.comfort_level || "";
    const ci = num0(d.comfort_index);
    const levelText = !level ? "" : has(`comfort.${level}`) ? t(`comfort.${level}`) : level;
    this.value(this.comfort, `${t("f.comfort")} ${Math.round(ci)}${levelText ? ` · ${levelText}` : ""}`, ci);
    this.comfort.dataset.level = this.data ? level : "";
    this.el.dataset.level = this.data ? level : "";
    this.value(this.hum, fmt(num0(d.humidity_pct), 0, "%"), undefined, { secondary: true });
    this.value(this.pm, fmt(num0(d.pm25_ug_m3), 0, "µg/m³"), undefined, { secondary: true });
    this.value(this.noise, fmt(num0(d.noise_db), 0, "dB"), undefined, { secondary: true });
    this.value(this.thi, fmt(num0(d.thi), 1), undefined, { secondary: true });
    this.renderLabels();
  }
}

export class GateTile extends Tile {
  constructor(id, opts) {
    super("gate", id, opts);
  }

  build() {
    const id = this.id;
    this.state = h("span", { class: "badge state", dataset: { testid: `gate-state-${id}` } });
    this.queue = h("span", { class: "big-value", dataset: { testid: `gate-queue-${id}` } });
    this.queueLabel = h("span", { class: "big-label" });
    this.note = h("p", { class: "tile-note" });
    this.el.append(
      h("header", { class: "tile-head" }, h("div", {}, this.title, this.sub), this.state),
      h("div", { class: "tile-main" }, this.queueLabel, this.queue),
      this.note, this.updated);
  }

  renderValues() {
    const d = this.data ?? {};
    this.title.textContent = nameOf("gate", this.id);
    this.sub.textContent = d.station_id ? nameOf("station", d.station_id) : "";
    const state = d.state || "";
    const known = state === "online" || state === "degraded";
    this.value(this.state, known ? t(`gate.${state}`) : state || t("common.unknown"));
    this.state.dataset.state = this.data ? state : "";
    this.el.dataset.state = this.data ? state : "";
    this.queueLabel.textContent = t("f.queue");
    const q = num0(d.queue_length);
    this.value(this.queue, `${q} ${t("unit.people")}`, q);
    this.note.textContent = this.data && known ? t(`gate.${state}.note`) : "";
  }
}

export class FieldTile extends Tile {
  constructor(id, opts) {
    super("field", id, opts);
  }

  build() {
    const id = this.id;
    this.vwc = h("span", { class: "big-value", dataset: { testid: `field-vwc-${id}` } });
    this.vwcLabel = h("span", { class: "big-label" });
    this.vwcNote = h("p", { class: "tile-note", dataset: { testid: `field-vwc-note-${id}` } });
    this.bar = h("span", { class: "meter-fill" });
    this.soil = h("dd");
    this.air = h("dd");
    this.airHum = h("dd");
    this.battery = h("dd");
    const pairs = [["f.soil_temp", this.soil], ["f.air_temp", this.air], ["f.air_humidity", this.airHum]];
    if (!this.opts.compact) pairs.push(["f.battery", this.battery]);
    this.el.append(
      h("header", { class: "tile-head" }, h("div", {}, this.title, this.sub)),
      h("div", { class: "tile-main" }, this.vwcLabel, this.vwc),
      h("div", { class: "meter", "aria-hidden": "true" }, this.bar), this.vwcNote,
      this.metrics(pairs), this.updated);
  }

  renderValues() {
    const d = this.data ?? {};
    const r = d.latest ?? {};
    this.title.textContent = nameOf("field", this.id);
    this.sub.textContent = r.device_id && !this.opts.compact ? `${t("f.device")} ${r.device_id}` : "";
    this.vwcLabel.textContent = t("f.vwc");
    // A logger sends no moisture on days it could not measure (frozen soil, sensor fault): keep
    // showing the last valid value, marked stale, rather than a blank.
    const fresh = num(r.soil_moisture_vwc);
    if (fresh !== null) this.lastVwc = { value: fresh, ms: eventTime(d) };
    const stale = fresh === null && this.lastVwc != null;
    const vwc = fresh ?? this.lastVwc?.value ?? null;
    this.value(this.vwc, vwc === null ? t("common.unknown") : fmt(vwc * 100, 1, "%"), vwc);
    this.vwc.classList.toggle("stale", stale);
    if (stale) this.vwc.dataset.stale = "true";
    else delete this.vwc.dataset.stale;
    this.vwcNote.textContent = !this.data || fresh !== null ? ""
      : stale ? t("field.vwc.stale", { time: clock(this.lastVwc.ms) }) : t("field.vwc.none");
    // 0.6 m³/m³ is saturation for the sensors in use.
    this.bar.style.width = vwc === null ? "0" : `${Math.min(100, (vwc / 0.6) * 100).toFixed(1)}%`;
    this.bar.classList.toggle("stale", stale);
    this.value(this.soil, fmt(r.soil_temp_c, 1, "°C"), undefined, { secondary: true });
    this.value(this.air, fmt(r.air_temp_c, 1, "°C"), undefined, { secondary: true });
    this.value(this.airHum, fmt(r.air_humidity_pct, 0, "%"), undefined, { secondary: true });
    const bat = num(r.battery_pct);
    this.value(this.battery, fmt(bat, 0, "%"), undefined, { secondary: true });
    this.battery.classList.toggle("warn", bat !== null && bat < 20);
    this.renderLabels();
  }
}

/** Rough early-warning colouring of one vital sign: "" | "warn" | "crit" (display aid only). */
function vitalClass(kind, v) {
  if (v === null) return "";
  switch (kind) {
    case "hr": return v <= 40 || v >= 131 ? "crit" : v <= 50 || v >= 111 ? "warn" : "";
    case "rr": return v <= 8 || v >= 25 ? "crit" : v >= 21 ? "warn" : "";
    case "spo2": return v <= 91 ? "crit" : v <= 95 ? "warn" : "";
    case "sys": return v <= 90 || v >= 220 ? "crit" : v <= 100 ? "warn" : "";
    case "temp": return v <= 35 ? "crit" : v >= 38.1 || v <= 36 ? "warn" : "";
    default: return "";
  }
}

/** A vital's colouring from its NEWS2 points, when scored: 3 → crit, 1–2 → warn. */
function pointsClass(points) {
  return points >= 3 ? "crit" : points >= 1 ? "warn" : "";
}

const ALERT_REPEAT_MS = 2 * 60 * 1000;

export class PatientTile extends Tile {
  constructor(id, opts) {
    super("patient", id, opts);
    this.lastAlert = null; // {rank, at}: a rise back to the same risk soon after is not re-alerted
    this.alerts = 0;
    this.el.addEventListener("animationend", (e) => {
      if (e.animationName === "news2-alarm") this.el.classList.remove("news2-alarm");
    });
  }

  /** Order of the console: highest risk first, then highest aggregate; waiting tiles last. */
  static sortKey(tile) {
    const n = tile.data ? news2Of(tile.data) : null;
    return n ? [n.rank, n.aggregate] : [-1, -1];
  }

  build() {
    const id = this.id;
    this.hr = h("span", { class: "big-value", dataset: { testid: `patient-hr-${id}` } });
    this.hrLabel = h("span", { class: "big-label" });
    this.cons = h("span", { class: "badge cons", dataset: { testid: `patient-consciousness-${id}` } });
    this.spo2 = h("dd", { dataset: { testid: `patient-spo2-${id}` } });
    this.bp = h("dd");
    this.rr = h("dd");
    this.temp = h("dd");
    this.o2 = h("dd");
    // NEWS2 points chips, one per parameter, beside the vital they score.
    this.chips = new Map(PARAMETERS.map((p) => [p,
      h("span", { class: "pts", hidden: true, dataset: { testid: `news2-points-${id}-${p}`, parameter: p } })]));
    const chip = (p) => this.chips.get(p);
    // The NEWS2 block: "incomplete" first (the score is then a lower bound), the badge, advice.
    this.nIncomplete = h("div", { class: "news2-incomplete", role: "note", hidden: true,
      dataset: { testid: `news2-incomplete-${id}` } });
    this.nLabel = h("span", { class: "news2-label" });
    this.nScore = h("span", { class: "news2-score" });
    this.nRisk = h("span", { class: "news2-risk" });
    this.nBadge = h("div", { class: "news2-badge", dataset: { testid: `news2-${id}` } },
      this.nLabel, this.nScore, this.nRisk);
    this.nMonitoring = h("div", { class: "news2-monitoring", dataset: { testid: `news2-monitoring-${id}` } });
    this.nRed = h("span", { class: "news2-flag news2-flag-red", hidden: true, dataset: { testid: `news2-red-${id}` } });
    this.nScale = h("span", { class: "news2-flag news2-flag-scale", hidden: true,
      dataset: { testid: `news2-scale2-${id}` } });
    this.nResponse = h("p", { class: "news2-response", dataset: { testid: `news2-response-${id}` } });
    this.news2 = h("section", { class: "news2", hidden: true },
      this.nIncomplete,
      h("div", { class: "news2-row" }, this.nBadge,
        h("div", { class: "news2-advice" }, this.nMonitoring, h("div", { class: "news2-flags" }, this.nRed, this.nScale))),
      this.nResponse);
    this.el.append(
      h("header", { class: "tile-head" }, h("div", {}, this.title, this.sub,
        h("a", { class: "tile-link", href: `/medical/patient.html?id=${encodeURIComponent(id)}`,
          dataset: { testid: `patient-detail-${id}`, i18n: "med.detail.open" } }, t("med.detail.open"))),
        h("div", { class: "tile-head-end" }, this.cons, chip("consciousness"))),
      this.news2,
      h("div", { class: "tile-main" }, h("span", { class: "big-label-wrap" }, this.hrLabel, chip("heart_rate_bpm")), this.hr),
      this.metrics([["f.spo2", this.spo2, chip("spo2_pct")], ["f.bp", this.bp, chip("systolic_mmhg")],
        ["f.resp_rate", this.rr, chip("resp_rate_per_min")], ["f.body_temp", this.temp, chip("temperature_c")],
        ["f.on_oxygen", this.o2, chip("on_oxygen")]]),
      this.updated);
  }

  metrics(triples) {
    // A label with the parameter's NEWS2 chip beside it; the value element keeps only the value.
    return h("dl", { class: "metrics" }, triples.map(([key, dd, pts]) =>
      h("div", { class: "metric" }, h("dt", {}, h("span", { dataset: { i18nKey: key } }), pts), dd)));
  }

  renderLabels() {
    for (const el of this.el.querySelectorAll("[data-i18n-key]")) el.textContent = t(el.dataset.i18nKey);
  }

  update(data, opts = {}) {
    const before = this.data ? news2Of(this.data) : null;
    const taken = super.update(data, opts);
    if (taken && before) {
      // A rise to medium or high, after the first value (opening the page is not a rise).
      const after = news2Of(data);
      if (after && after.rank >= 2 && after.rank > before.rank) this.alarm(after);
    }
    return taken;
  }

  alarm(n) {
    const now = Date.now();
    const last = this.lastAlert;
    if (last && n.rank <= last.rank && now - last.at < ALERT_REPEAT_MS) return;
    this.lastAlert = { rank: n.rank, at: now };
    this.alerts += 1;
    this.el.dataset.alerts = String(this.alerts);
    this.el.classList.remove("news2-alarm");
    void this.el.offsetWidth; // restart the animation
    this.el.classList.add("news2-alarm");
    clearTimeout(this.alarmTimer); // animationend does not come with reduced motion
    this.alarmTimer = setTimeout(() => this.el.classList.remove("news2-alarm"), 4000);
    this.opts.onRiskRise?.(this.id, n);
  }

  renderNews2(n) {
    this.news2.hidden = !this.data;
    const b = this.nBadge;
    this.nLabel.textContent = t("news2.label");
    if (!n) {
      // A payload from before NEWS2 scoring: say so rather than show a score of 0.
      this.nScore.textContent = t("common.unknown");
      this.nRisk.textContent = t("news2.none");
      b.dataset.risk = "";
      b.dataset.aggregate = "";
      b.title = "";
      this.nIncomplete.hidden = true;
      this.nMonitoring.textContent = "";
      this.nResponse.textContent = "";
      this.nRed.hidden = true;
      this.nScale.hidden = true;
      this.el.dataset.risk = "";
      this.news2.dataset.risk = "";
      return;
    }
    const lowerBound = !n.complete;
    this.nScore.textContent = lowerBound ? `≥${n.aggregate}` : String(n.aggregate);
    this.nRisk.textContent = t("news2.risk_text", { risk: riskName(n.risk) });
    b.dataset.risk = n.risk;
    b.dataset.aggregate = String(n.aggregate);
    b.dataset.complete = String(n.complete);
    b.title = t(lowerBound ? "news2.badge_title_partial" : "news2.badge_title",
      { score: n.aggregate, risk: riskName(n.risk) });
    this.el.dataset.risk = n.risk;
    this.news2.dataset.risk = n.risk;
    this.nIncomplete.hidden = !lowerBound;
    if (lowerBound) {
      const names = n.missing.map(paramName);
      this.nIncomplete.replaceChildren(
        h("strong", {}, t("news2.incomplete")),
        " ",
        names.length ? t("news2.incomplete.missing", { list: joinList(names) }) : "",
        " ",
        t("news2.incomplete.lower_bound"));
      this.nIncomplete.dataset.missing = n.missing.join(",");
    }
    this.nMonitoring.textContent = n.monitoring
      ? t("news2.monitoring", { text: monitoringText(n.monitoring) }) : "";
    this.nResponse.textContent = n.response ? responseText(n.response) : "";
    this.nRed.hidden = !n.red;
    this.nRed.textContent = t("news2.red");
    this.nRed.title = t("news2.red.title");
    this.nScale.hidden = n.scale !== 2;
    this.nScale.textContent = t("news2.scale2");
    this.nScale.title = t("news2.scale2.title");
  }

  renderChips(n) {
    for (const [p, el] of this.chips) {
      const scored = n?.points.get(p);
      el.hidden = !n;
      if (!n) continue;
      if (scored) {
        el.textContent = `+${scored.points}`;
        el.dataset.points = String(scored.points);
        el.title = t("news2.points.title", { param: paramName(p), points: scored.points });
      } else {
        el.textContent = "?";
        el.dataset.points = "";
        el.title = t("news2.points.missing", { param: paramName(p) });
      }
    }
  }

  renderValues() {
    const d = this.data ?? {};
    const v = d.latest ?? {};
    const n = this.data ? news2Of(d) : null;
    const cls = (kind, p, value) => {
      if (!this.data) return "waiting";
      const scored = n?.points.get(p);
      return scored ? pointsClass(scored.points) : vitalClass(kind, value);
    };
    this.title.textContent = nameOf("patient", this.id);
    this.sub.textContent = v.device_id ? `${t("f.device")} ${v.device_id}` : "";
    this.hrLabel.textContent = t("f.heart_rate");
    const hr = num(v.heart_rate_bpm);
    this.value(this.hr, fmt(hr, 0, "bpm"), hr);
    this.hr.className = `big-value ${cls("hr", "heart_rate_bpm", hr)}`;
    const spo2 = num(v.spo2_pct);
    this.value(this.spo2, fmt(spo2, 0, "%"), spo2, { secondary: true });
    // Scale 2 (88–92 % target): the scale 1 colouring would mislead; only the points count.
    this.spo2.className = n?.scale === 2 && !n.points.has("spo2_pct") && this.data ? "" : cls("spo2", "spo2_pct", spo2);
    const sys = num(v.systolic_mmhg);
    const dia = num(v.diastolic_mmhg);
    this.value(this.bp, sys === null ? t("common.unknown") : `${Math.round(sys)}/${dia === null ? "–" : Math.round(dia)} mmHg`,
      undefined, { secondary: true });
    this.bp.className = cls("sys", "systolic_mmhg", sys);
    const rr = num(v.resp_rate_per_min);
    this.value(this.rr, fmt(rr, 0, "/min"), undefined, { secondary: true });
    this.rr.className = cls("rr", "resp_rate_per_min", rr);
    const temp = num(v.temperature_c);
    this.value(this.temp, fmt(temp, 1, "°C"), undefined, { secondary: true });
    this.temp.className = cls("temp", "temperature_c", temp);
    this.value(this.o2, v.on_oxygen === undefined ? t("common.unknown") : t(v.on_oxygen ? "common.yes" : "common.no"), undefined, { secondary: true });
    this.o2.className = cls("o2", "on_oxygen", null);
    const cons = v.consciousness || "CONSCIOUSNESS_UNSPECIFIED";
    this.value(this.cons, t(`cons.${cons}`));
    this.cons.dataset.level = !this.data ? "" : cons === "CONSCIOUSNESS_ALERT" ? "ok"
      : cons === "CONSCIOUSNESS_UNSPECIFIED" ? "" : "crit";
    this.renderNews2(n);
    this.renderChips(n);
    this.renderLabels();
  }
}

/**
 * A grid of tiles of one kind keyed by id: known ids are shown (waiting) from the start, others
 * are added as their data arrives. Tiles are in id order, or, for a tile class with a static
 * sortKey(tile) (an array compared in descending order, e.g. [risk, score]), in that order:
 * a change of the first element (the risk) reorders at once; a change further down is applied
 * within a few seconds, so that scores flickering by a point do not make the tiles jump every
 * second. `tileOpts` are passed to each tile.
 */
export class TileGrid {
  constructor(TileClass, { known = [], compact = false, emptyText = null, tileOpts = {} } = {}) {
    this.TileClass = TileClass;
    this.compact = compact;
    this.tileOpts = tileOpts;
    this.tiles = new Map();
    this.el = h("div", { class: "tiles" });
    this.empty = h("p", { class: "empty waiting" });
    this.emptyKey = emptyText;
    this.reorderTimer = null;
    for (const id of known) this.tile(id);
    this.render();
  }

  tile(id) {
    let tile = this.tiles.get(id);
    if (!tile) {
      tile = new this.TileClass(id, { ...this.tileOpts, compact: this.compact });
      this.tiles.set(id, tile);
      // Keep tiles in id order so that p-1001 comes before p-1002 whatever arrives first.
      const after = [...this.tiles.keys()].sort().find((k) => k > id && this.tiles.get(k).el.isConnected);
      if (after) this.el.insertBefore(tile.el, this.tiles.get(after).el);
      else this.el.append(tile.el);
    }
    return tile;
  }

  update(id, data, opts) {
    if (!id) return false;
    const taken = this.tile(id).update(data, opts);
    this.render(false);
    if (taken) this.reorder();
    return taken;
  }

  /** Tiles in their sort order (ties keep their current place), and whether the risk order is off. */
  sorted() {
    const keyOf = this.TileClass.sortKey;
    const current = [...this.tiles.values()].filter((tile) => tile.el.isConnected)
      .sort((a, b) => (a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    const keys = new Map(current.map((tile) => [tile, keyOf(tile)]));
    const cmp = (a, b) => {
      const ka = keys.get(a);
      const kb = keys.get(b);
      for (let i = 0; i < Math.max(ka.length, kb.length); i += 1) {
        const d = (kb[i] ?? 0) - (ka[i] ?? 0);
        if (d) return d;
      }
      return 0;
    };
    const sorted = [...current].sort(cmp); // stable: ties keep the current order
    const riskOff = current.some((tile, i) => i > 0 && keys.get(tile)[0] > keys.get(current[i - 1])[0]);
    const same = sorted.every((tile, i) => tile === current[i]);
    return { sorted, riskOff, same };
  }

  reorder() {
    if (!this.TileClass.sortKey) return;
    const { riskOff, same } = this.sorted();
    if (same) return;
    if (riskOff) this.applyOrder();
    else if (!this.reorderTimer) this.reorderTimer = setTimeout(() => this.applyOrder(), 5000);
  }

  applyOrder() {
    clearTimeout(this.reorderTimer);
    this.reorderTimer = null;
    const { sorted, same } = this.sorted();
    if (!same) this.el.append(...sorted.map((tile) => tile.el));
  }

  render(all = true) {
    if (all) for (const tile of this.tiles.values()) tile.render();
    if (this.tiles.size === 0) {
      this.empty.textContent = t(this.emptyKey ?? "common.waiting");
      if (!this.empty.isConnected) this.el.append(this.empty);
    } else {
      this.empty.remove();
    }
  }

  values() {
    return [...this.tiles.values()].map((tile) => tile.data).filter(Boolean);
  }
}
