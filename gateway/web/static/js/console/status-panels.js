// Panels for one topic of keyed status events (an area's environment, a gate, a patient): tiles,
// line charts over time and a table of the latest values per key, fed from one REST list and the
// live stream. Scenario entry modules give what differs (the tile class, charts, columns).
import { eventTime } from "../format.js";
import { LiveChart } from "../chart.js";
import { TileGrid } from "../tiles.js";
import { LatestTable } from "../widgets/latest-table.js";
import { h } from "../format.js";

/**
 * Options:
 *   topic            the status topic (TOPICS.*)
 *   keyOf(data)      the key of a payload (area_id, gate_id, patient_id)
 *   load()           async → the starting list of payloads
 *   Tile, known, emptyText, tileOpts, tilesTitle, tilesExtra   the tile grid
 *   charts           [{title, yAxes, metrics: [{id, name(), axis, dashed, value(data)}],
 *                      keyName(key), step, small, marks}]
 *   columns          LatestTable columns (tableTitle: the section title)
 * Returns {tiles, table, charts, panels}: panels in the order tiles, charts, table.
 */
export function statusPanels({ topic, keyOf, load, Tile, known = [], emptyText = null, tileOpts = {},
  tilesTitle = "console.tiles", tilesExtra = null, charts = [], columns, tableTitle = "console.table" }) {
  const tiles = new TileGrid(Tile, { known, emptyText, tileOpts });
  const tableBox = h("div");
  const table = new LatestTable(tableBox, columns);
  const drawn = charts.map((spec) => {
    const box = h("div");
    const chart = new LiveChart(box, { yAxes: spec.yAxes, step: spec.step, small: spec.small, marks: spec.marks,
      metricCount: spec.metrics.length, keys: known });
    for (const m of spec.metrics) m.keyName = spec.keyName;
    return { spec, box, chart };
  });
  const apply = (data, opts) => {
    const key = keyOf(data);
    if (!key) return;
    if (!tiles.update(key, data, opts)) return; // older than what is shown
    table.update(key, data, opts);
    const ms = eventTime(data) ?? Date.now();
    for (const c of drawn) for (const m of c.spec.metrics) c.chart.add(key, m, ms, m.value(data));
  };
  const panels = [
    { title: tilesTitle, el: tiles.el, headExtra: tilesExtra, topics: [topic], onEvent: (d) => apply(d),
      load: async () => { for (const d of (await load()) ?? []) apply(d, { animate: false }); } },
    ...drawn.map((c) => ({ title: c.spec.title, el: c.box })),
    { title: tableTitle, el: tableBox },
  ];
  return { tiles, table, charts: drawn, panels };
}
