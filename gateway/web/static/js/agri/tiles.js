// The tile of a field (soil moisture with a meter, temperatures, humidity, battery).
import { clock, eventTime, fmt, h, num } from "../format.js";
import { nameOf, t } from "../i18n.js";
import { Tile } from "../tiles.js";
import "./i18n.js";

/** The demo's fields with public tiles, shown (waiting) before their first reading. */
export const FIELDS = ["field-e1", "field-e2", "field-e3"];

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
