// The visitor-flow panels of the tourism console: zone plan coloured by crowding, live counts
// and density, per-minute trend, camera view with detections, entries vs daily capacity, alerts
// with acknowledge (paged). flowPanels() returns the panels and their layout for the engine.
import { api, ApiError, clearError, describe, showError } from "../api.js";
import { LiveChart } from "../chart.js";
import { TOPICS } from "../contracts.js";
import { panelBox } from "../console/engine.js";
import { clock, fmt, fmtInt, h, num0, parseTime } from "../format.js";
import { codeText, onLangChange, t } from "../i18n.js";
import { levelBadge, levelOf, nameIn, pct, svg } from "./flow.js";
import "./i18n.js";
import { pager } from "../widgets/pager.js";

const state = { areas: [], zones: new Map(), status: new Map(), flow: new Map(), cameras: [], camera: null };

function panel(titleKey, ...body) {
  return panelBox(titleKey, h("div", {}, ...body));
}

// ---------------------------------------------------------------- zone plan (SVG, metres)

function renderPlan(box) {
  box.replaceChildren();
  for (const area of state.areas) {
    const pts = (area.zones ?? []).flatMap((z) => z.plan_polygon.map((p) => [num0(p.x), num0(p.y)]));
    if (!pts.length) continue;
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    const pad = Math.max(2, (Math.max(...xs) - Math.min(...xs)) * 0.03);
    const [x0, x1, y0, y1] = [Math.min(...xs) - pad, Math.max(...xs) + pad, Math.min(...ys) - pad, Math.max(...ys) + pad];
    const map = svg("svg", { viewBox: `${x0} ${-y1} ${x1 - x0} ${y1 - y0}`, class: "tf-plan-svg", role: "img",
      "aria-label": nameIn(area) });
    // Inside each zone only a numbered marker (it always fits); names and counts go in the
    // legend beside the plan, so labels never overlap or get cut off however small a zone is.
    const marker = Math.max(x1 - x0, y1 - y0) / 22;
    const legendItems = [];
    (area.zones ?? []).forEach((z, i) => {
      const s = state.status.get(z.zone_id);
      const lv = levelOf(s?.crowd_level);
      const points = z.plan_polygon.map((p) => `${num0(p.x)},${-num0(p.y)}`).join(" ");
      const cx = z.plan_polygon.reduce((a, p) => a + num0(p.x), 0) / z.plan_polygon.length;
      const cy = z.plan_polygon.reduce((a, p) => a + num0(p.y), 0) / z.plan_polygon.length;
      const tip = `${nameIn(z)}: ${s ? num0(s.count) : "—"} / ${z.capacity} · ${fmt(z.area_m2, 0, "m²")}`;
      map.append(svg("polygon", { points, class: `tf-zone tf-fill-${lv}`,
        dataset: { testid: `plan-${z.zone_id}`, level: lv } }, svg("title", {}, tip)));
      map.append(svg("g", { class: "tf-plan-marker", dataset: { testid: `plan-marker-${z.zone_id}` } },
        svg("title", {}, tip),
        svg("circle", { cx, cy: -cy, r: marker }),
        svg("text", { x: cx, y: -cy, "font-size": marker * 1.2, "text-anchor": "middle",
          "dominant-baseline": "central" }, String(i + 1))));
      legendItems.push(h("li", { title: tip, dataset: { testid: `plan-label-${z.zone_id}` } },
        h("span", { class: "tf-plan-num", "aria-hidden": "true" }, String(i + 1)),
        h("span", { class: "tf-plan-name" }, nameIn(z)),
        h("span", { class: "num" }, `${s ? num0(s.count) : "—"} / ${z.capacity}`),
        levelBadge(lv)));
    });
    box.append(h("figure", { class: "tf-plan" }, map, h("figcaption", {}, nameIn(area)),
      h("ol", { class: "tf-plan-legend" }, legendItems)));
  }
}

// ---------------------------------------------------------------- zone table

function renderZones(box) {
  const head = ["tf.zone", "tf.count", "tf.capacity", "tf.area_m2", "tf.density", "tf.occupancy", "tf.level"];
  const rows = [...state.zones.values()].map((z) => {
    const s = state.status.get(z.zone_id);
    return h("tr", { dataset: { testid: `zone-row-${z.zone_id}` } },
      h("th", { scope: "row" }, nameIn(z)),
      h("td", { class: "num", dataset: { testid: `zone-count-${z.zone_id}` } }, s ? String(num0(s.count)) : "—"),
      h("td", { class: "num" }, String(z.capacity ?? 0)),
      h("td", { class: "num" }, fmt(z.area_m2, 0, "m²")),
      h("td", { class: "num" }, s ? fmt(num0(s.density_per_m2), 3, `${t("tf.persons")}/m²`) : "—"),
      h("td", { class: "num" }, s ? pct(s.occupancy) : "—"),
      h("td", {}, levelBadge(levelOf(s?.crowd_level), `zone-level-${z.zone_id}`)));
  });
  box.replaceChildren(h("div", { class: "table-wrap" }, h("table", { class: "data-table" },
    h("thead", {}, h("tr", {}, head.map((k) => h("th", { scope: "col" }, t(k))))), h("tbody", {}, rows))));
}

// ---------------------------------------------------------------- entries vs daily capacity

function renderEntries(box) {
  box.replaceChildren(...state.areas.map((area) => {
    const f = state.flow.get(area.area_id);
    const entries = num0(f?.entries_today);
    const daily = num0(area.daily_capacity) || 1;
    const ratio = entries / daily;
    return h("div", { class: "tf-entries", dataset: { testid: `entries-${area.area_id}` } },
      h("div", { class: "tf-entries-head" }, h("strong", {}, nameIn(area)),
        h("span", { class: "num" }, `${fmtInt(entries)} / ${fmtInt(daily)}`)),
      h("div", { class: "tf-bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": String(daily),
        "aria-valuenow": String(entries) },
      h("div", { class: `tf-bar-fill ${ratio >= 1 ? "over" : ratio >= 0.8 ? "high" : ""}`,
        style: `width:${Math.min(100, ratio * 100).toFixed(1)}%` })),
      h("p", { class: "panel-summary" }, t("tf.people_now", { n: num0(f?.people_now), cap: num0(area.instantaneous_capacity) })),
      h("p", { class: "panel-summary", dataset: { testid: `gates-${area.area_id}` } },
        t("tf.by_gates", { in: fmtInt(entries), out: fmtInt(num0(f?.exits_today)), inside: fmtInt(num0(f?.inside_by_gates)) })),
      f?.gate_counts_inconsistent
        ? h("p", { class: "tf-warn", role: "status", dataset: { testid: `gates-flag-${area.area_id}` } }, t("tf.gates_inconsistent"))
        : null,
      h("ul", { class: "tf-gates" }, (f?.gates ?? area.gates ?? []).map((g) => h("li", {},
        `${nameIn(g)}: ↓${fmtInt(num0(g.entries_today))} ↑${fmtInt(num0(g.exits_today))}`))));
  }));
}

// ---------------------------------------------------------------- cameras

function cameraState(c) {
  // The service classifies (achieved fps and last-frame age); an old service without it: healthy.
  return c.state || (c.healthy ? "ok" : "down");
}

function renderCameras(list, view) {
  list.replaceChildren(...state.cameras.map((c) => {
    const st = cameraState(c);
    const age = c.last_frame_age_s === undefined || num0(c.last_frame_age_s) < 0 ? null : num0(c.last_frame_age_s);
    return h("button", {
      type: "button", class: `tf-camera ${c.camera_id === state.camera ? "active" : ""}`,
      dataset: { testid: `camera-${c.camera_id}`, healthy: String(st !== "down"), state: st },
      onclick: () => { state.camera = c.camera_id; renderCameras(list, view); refreshFrame(view); } },
    h("span", { class: `tf-dot ${st}`, "aria-hidden": "true" }),
    h("span", { class: "tf-camera-name" }, nameIn(c)),
    // The service's error text is technical English: a tooltip, not the label.
    h("span", { class: `tf-camera-state tf-cam-${st}`, title: c.error || "" }, st === "down" ? t("tf.unhealthy") : t(`tf.cam_${st}`)),
    h("small", {}, t("tf.fps", { in: fmt(num0(c.fps_in), 1), out: fmt(num0(c.fps_processed), 1), want: fmt(num0(c.sample_fps), 0) }),
      c.reconnects ? ` · ${t("tf.reconnects", { n: c.reconnects })}` : "",
      c.last_frame_time ? ` · ${t("tf.last_frame")} ${clock(parseTime(c.last_frame_time))}` : "",
      age !== null ? ` (${t("tf.age", { s: fmt(age, 1) })})` : ""));
  }));
}

let frameUrl = null;
async function refreshFrame(view) {
  if (!state.camera || document.hidden) return;
  // A camera that never delivered a frame has none to show (asking would be a 404 a second).
  if (!state.cameras.find((c) => c.camera_id === state.camera)?.last_frame_time) {
    view.img.hidden = true;
    view.empty.hidden = false;
    return;
  }
  try {
    const res = await fetch(`/api/tourism/cameras/${encodeURIComponent(state.camera)}/frame.jpg`,
      { credentials: "same-origin", cache: "no-store" });
    if (!res.ok) throw new ApiError(res.status, res.statusText);
    const url = URL.createObjectURL(await res.blob());
    view.img.src = url;
    view.img.hidden = false;
    view.empty.hidden = true;
    view.img.dataset.people = res.headers.get("X-People") ?? "";
    if (frameUrl) URL.revokeObjectURL(frameUrl);
    frameUrl = url;
  } catch {
    view.img.hidden = true;
    view.empty.hidden = false;
  }
}

// ---------------------------------------------------------------- alerts

const PAGE = 10;
const alertView = { tab: "open", offset: 0, total: 0, page: [] };

function ackButton(a, box) {
  return h("button", { type: "button", class: "btn btn-primary", dataset: { testid: `ack-${a.alert_id}` },
    onclick: async (e) => {
      e.target.disabled = true;
      try {
        await api(`/api/tourism/alerts/${encodeURIComponent(a.alert_id)}/ack`, { method: "POST" });
        clearError("tf-ack");
        await loadAlerts(box);
      } catch (err) {
        e.target.disabled = false;
        showError("tf-ack", () => describe(err));
        loadAlerts(box).catch(() => {});
      }
    } }, t("tf.ack"));
}

function alertItem(a, box) {
  const zone = state.zones.get(a.zone_id);
  const active = a.alert_state === "ZONE_ALERT_STATE_RAISED";
  const word = active ? "raised" : "cleared"; // the short word the styles and tests use
  // Only an active alert can be taken on; a cleared one is history (its acknowledgement shown).
  const ack = a.acknowledged
    ? h("span", { class: "panel-summary" }, t("tf.acked_by", { by: a.acknowledged_by }))
    : active ? ackButton(a, box) : null;
  return h("li", { class: `tf-alert tf-alert-${word}`, dataset: { testid: `alert-${a.alert_id}`, state: word, raised: a.raised_at,
    zone: a.zone_id } },
  h("span", { class: "tf-alert-state" }, codeText("tf.alert.", a.alert_state)),
  h("span", {}, t("tf.alert_text", { zone: zone ? nameIn(zone) : a.zone_id, count: num0(a.count),
    cap: num0(a.capacity), pct: pct(a.occupancy) })),
  h("time", {}, clock(parseTime(a.raised_at)), a.cleared_at ? `–${clock(parseTime(a.cleared_at))}` : ""), ack);
}

async function loadAlerts(box) {
  const kind = alertView.tab === "open" ? "open" : "cleared";
  const res = await api(`/api/tourism/alerts?kind=${kind}&limit=${PAGE}&offset=${alertView.offset}`);
  alertView.page = res.alerts ?? [];
  alertView.total = num0(res.total);
  if (alertView.offset && alertView.offset >= alertView.total) {
    alertView.offset = Math.max(0, alertView.total - PAGE);
    return loadAlerts(box);
  }
  renderAlerts(box);
}

function renderAlerts(box) {
  const tab = (key, label) => h("button", { type: "button", role: "tab", class: `tf-tab ${alertView.tab === key ? "active" : ""}`,
    "aria-selected": String(alertView.tab === key), dataset: { testid: `alerts-tab-${key}` },
    onclick: () => { alertView.tab = key; alertView.offset = 0; loadAlerts(box).catch((err) => showError("tf-alerts", () => describe(err))); } }, label);
  const nav = pager({ offset: alertView.offset, shown: alertView.page.length, total: alertView.total,
    pageSize: PAGE, testid: "alerts",
    onPage: (offset) => { alertView.offset = offset; loadAlerts(box).catch(() => {}); } });
  const body = alertView.page.length
    ? h("ul", { class: "tf-alerts", dataset: { testid: "alert-list" } }, alertView.page.map((a) => alertItem(a, box)))
    : h("p", { class: "waiting", dataset: { testid: "no-alerts" } }, t(alertView.tab === "open" ? "tf.no_alerts" : "tf.no_history"));
  box.replaceChildren(h("div", { class: "tf-tabs", role: "tablist" },
    tab("open", t("tf.tab_open")), tab("cleared", t("tf.tab_history"))), body, ...(nav ? [nav] : []));
}

// ---------------------------------------------------------------- panels

/** {panels, layout}: the flow part of the console. */
export function flowPanels() {
  const plan = h("div", { class: "tf-plans" });
  const zones = h("div");
  const trend = h("div");
  const entries = h("div", { class: "tf-entries-grid" });
  const camList = h("div", { class: "tf-camera-list" });
  const view = { img: h("img", { class: "tf-frame", alt: "", dataset: { testid: "camera-frame" }, hidden: true }),
    empty: h("p", { class: "waiting", dataset: { i18n: "tf.no_frame" } }, t("tf.no_frame")) };
  const alerts = h("div");
  let chart = null;
  const metric = { id: "count", name: () => t("tf.count"), keyName: (k) => nameIn(state.zones.get(k)) || k };

  // The areas and zones (names, polygons, capacities) once, before anything else is drawn.
  let areas = null;
  const loadAreas = () => {
    areas ??= api("/api/tourism/areas").then((list) => {
      state.areas = list;
      for (const a of list) for (const z of a.zones ?? []) state.zones.set(z.zone_id, z);
      chart = new LiveChart(trend, { yAxes: [{ name: () => t("tf.count"), min: 0, minInterval: 1 }],
        keys: [...state.zones.keys()] });
      // The last hour per minute, then live points on top.
      for (const zid of state.zones.keys()) {
        api(`/api/tourism/zones/${encodeURIComponent(zid)}/history?hours=1`).then((hist) => {
          for (const m of hist.minutes ?? []) chart.add(zid, metric, parseTime(m.minute), num0(m.mean_count));
        }).catch(() => { /* the chart fills from live events */ });
      }
    }, (err) => { areas = null; throw err; });
    return areas;
  };
  const renderAll = () => {
    renderPlan(plan);
    renderZones(zones);
    renderEntries(entries);
    renderAlerts(alerts);
    renderCameras(camList, view);
  };
  let pending = false;
  const soon = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      renderPlan(plan);
      renderZones(zones);
      renderEntries(entries);
    });
  };
  onLangChange(renderAll);
  let alertTimer = null;
  const alertsSoon = () => {
    clearTimeout(alertTimer);
    alertTimer = setTimeout(() => loadAlerts(alerts).catch(() => {}), 150);
  };
  setInterval(() => refreshFrame(view), 1000);

  const flow = {
    el: null, topics: [TOPICS.TOURISM_ZONE_STATUS, TOPICS.TOURISM_AREA_FLOW],
    load: async () => {
      await loadAreas();
      const [status, areaFlow] = await Promise.all([api("/api/tourism/zones"), api("/api/tourism/flow")]);
      for (const z of status) state.status.set(z.zone_id, z);
      for (const f of areaFlow) state.flow.set(f.area_id, f);
      renderAll();
    },
    onEvent: (d, msg) => {
      if (msg.topic === TOPICS.TOURISM_ZONE_STATUS) {
        state.status.set(d.zone_id, d);
        chart?.add(d.zone_id, metric, parseTime(d.frame_time) ?? Date.now(), num0(d.count));
      } else {
        state.flow.set(d.area_id, d);
      }
      soon();
    },
  };
  const alertPanel = {
    el: null, topics: [TOPICS.TOURISM_ZONE_ALERTS],
    load: async () => { await loadAreas(); await loadAlerts(alerts); },
    // The list is a page of the service's bounded store: reload the page shown.
    onEvent: () => alertsSoon(),
  };
  const cameras = {
    el: null, refreshMs: 3000,
    load: async () => {
      state.cameras = await api("/api/tourism/cameras");
      state.camera ??= state.cameras[0]?.camera_id ?? null;
      renderCameras(camList, view);
      refreshFrame(view);
    },
  };
  const layout = () => [
    h("h2", { class: "tf-title", dataset: { i18n: "tf.flow" } }, t("tf.flow")),
    h("div", { class: "tf-grid" }, panel("tf.plan", plan), panel("tf.alerts", alerts)),
    panel("tf.zones", zones),
    h("div", { class: "tf-grid" }, panel("tf.entries", entries), panel("tf.cameras", camList)),
    panel("tf.camera_view", h("div", { class: "tf-frame-box" }, view.img, view.empty)),
    panel("tf.trend", trend),
  ];
  return { panels: [flow, alertPanel, cameras], layout };
}
