// The status tile of a station gate (state, queue) and the gates' one-line summary.
import { h, num0 } from "../format.js";
import { nameOf, t } from "../i18n.js";
import { Tile } from "../tiles.js";
import "./i18n.js";

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

/** "2 online · 1 degraded · 19 queuing" for the latest status of each gate. */
export function gateSummary(list) {
  return t("gate.summary", {
    online: list.filter((g) => g.state === "online").length,
    degraded: list.filter((g) => g.state === "degraded").length,
    queue: list.reduce((sum, g) => sum + num0(g.queue_length), 0),
  });
}
