// A table of the latest value per key (one row per area, gate, patient…), flashing on change.
import { flash, h, isNewer } from "../format.js";
import { onLangChange, t } from "../i18n.js";

/**
 * Columns: [{id, label (i18n key), get(data) → text, num?, head? (row header), badge?(data) →
 * dataset of a badge span}]. update(key, data) keeps the newest payload per key (by event time)
 * and keeps the rows in key order.
 */
/** The table of latest values: one row per key, flashing when it changes. */
export class LatestTable {
  constructor(container, columns) {
    this.columns = columns;
    this.rows = new Map(); // key → {tr, cells: Map(colId → td), data}
    this.thead = h("thead");
    this.tbody = h("tbody");
    this.empty = h("tr", { class: "empty-row" }, h("td", { colspan: String(columns.length), class: "waiting" }));
    this.tbody.append(this.empty);
    container.append(h("div", { class: "table-wrap" },
      h("table", { class: "data-table", dataset: { testid: "latest-table" } }, this.thead, this.tbody)));
    this.renderHead();
    onLangChange(() => {
      this.renderHead();
      for (const row of this.rows.values()) this.fill(row);
    });
  }

  renderHead() {
    this.thead.replaceChildren(h("tr", {}, this.columns.map((c) =>
      h("th", { scope: "col", class: c.num ? "num" : null }, t(c.label)))));
    this.empty.firstChild.textContent = t("common.waiting");
  }

  fill(row) {
    for (const c of this.columns) {
      const cell = row.cells.get(c.id);
      const text = c.get(row.data);
      if (c.badge) {
        let b = cell.firstElementChild;
        if (!b) {
          b = h("span", { class: "badge" });
          cell.replaceChildren(b);
        }
        b.textContent = text;
        Object.assign(b.dataset, c.badge(row.data));
      } else {
        cell.textContent = text;
      }
    }
  }

  update(key, data, { animate = true } = {}) {
    let row = this.rows.get(key);
    if (row && !isNewer(row.data, data)) return;
    if (!row) {
      const tr = h("tr", { dataset: { key, testid: `row-${key}` } });
      const cells = new Map();
      for (const c of this.columns) {
        const cell = h(c.head ? "th" : "td", { scope: c.head ? "row" : null, class: c.num ? "num" : null,
          dataset: { testid: `cell-${key}-${c.id}` } });
        cells.set(c.id, cell);
        tr.append(cell);
      }
      row = { tr, cells, data };
      this.rows.set(key, row);
      const after = [...this.rows.keys()].sort().find((k) => k > key && this.rows.get(k).tr.isConnected);
      if (after) this.tbody.insertBefore(tr, this.rows.get(after).tr);
      else this.tbody.append(tr);
      this.empty.remove();
    }
    row.data = data;
    this.fill(row);
    if (animate) flash(row.tr);
  }
}
