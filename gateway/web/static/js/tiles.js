// Live value tiles and the grid that holds them: the shared widget behind the scenario tiles
// (js/tourism/tiles.js, js/transport/tiles.js, js/agri/tiles.js, js/medical/tile.js). A tile
// shows "waiting for data…" until its first value and "updated hh:mm:ss" after; it knows no
// scenario. A subclass implements build() (its elements) and renderValues() (from this.data).
import { clock, eventTime, flash, h, isNewer } from "./format.js";
import { t } from "./i18n.js";

export class Tile {
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
