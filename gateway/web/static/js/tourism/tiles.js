// The environment tile of a scenic area (temperature, comfort, humidity, PM2.5, noise).
import { fmt, h, num0 } from "../format.js";
import { codeText, nameOf, t } from "../i18n.js";
import { Tile } from "../tiles.js";
import "./i18n.js";

/** The demo's scenic areas, shown (waiting) before their first reading. */
export const AREAS = ["jueshan", "dayang"];

// zezhou5g.tourism.v1.ComfortLevel code → the name the styles use (data-level).
const COMFORT_OF_CODE = {
  COMFORT_LEVEL_COMFORTABLE: "comfortable",
  COMFORT_LEVEL_FAIR: "fair",
  COMFORT_LEVEL_UNCOMFORTABLE: "uncomfortable",
};

/** The comfort level name ("fair") of an AreaEnvironment, and its words; "" / "—" when unset. */
export function comfortOf(d) {
  const code = d?.comfort_band;
  return { level: COMFORT_OF_CODE[code] ?? "", text: codeText("comfort.", code) };
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
    const { level, text } = comfortOf(d);
    const ci = num0(d.comfort_index);
    const levelText = level ? text : "";
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
