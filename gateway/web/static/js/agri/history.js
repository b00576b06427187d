// The sensor-history panel of the agri console: one device's metric over the last days, as
// hourly (or coarser) means from the service, on a chart whose axes fit the data it has.
import { api, describe, showError, clearError } from "../api.js";
import { ageText, h } from "../format.js";
import { getLang, onLangChange, t } from "../i18n.js";
import "./i18n.js";

const METRICS = ["soil_moisture_vwc", "air_temp_c", "soil_temp_c", "air_humidity_pct", "battery_pct"];
// Shown as: soil moisture in % of volume (the service keeps m³/m³), the rest as sent.
const SCALE = { soil_moisture_vwc: 100 };
const DAYS = 3;

/** The panel for startConsole; `fields()` gives the fields whose devices may be chosen. */
export function historyPanel(fields) {
  const devSel = h("select", { dataset: { testid: "history-device" }, "aria-label": t("agri.device") });
  const metSel = h("select", { dataset: { testid: "history-metric" }, "aria-label": t("agri.metric") });
  const note = h("p", { class: "muted", dataset: { testid: "history-note" } });
  const box = h("div", { class: "chart", id: "agri-history" });
  let chart = null;
  let last = null;

  const options = () => {
    const keep = devSel.value;
    devSel.replaceChildren(...fields().flatMap((f) => (f.devices || []).map((d) => h("option", { value: d }, d))));
    if (keep) devSel.value = keep;
    const keepM = metSel.value;
    metSel.replaceChildren(...METRICS.map((m) => h("option", { value: m }, t(`m.${m}`))));
    if (keepM) metSel.value = keepM;
  };

  const draw = () => {
    if (!last || !window.echarts) return;
    const { metric, points, bucketS } = last;
    const k = SCALE[metric] ?? 1;
    const data = points.map((p) => [Date.parse(p.time), Number(p.mean ?? 0) * k]);
    const lang = getLang();
    note.textContent = !data.length ? t("agri.history.none", { days: DAYS })
      : t("agri.history.points", { n: data.length, days: DAYS, bucket: ageText((bucketS || 3600) * 1000) });
    chart ??= window.echarts.init(box);
    const xs = data.map((d) => d[0]);
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      grid: { left: 64, right: 24, top: 40, bottom: 40 },
      tooltip: { trigger: "axis", valueFormatter: (v) => (typeof v === "number" ? v.toFixed(1) : v) },
      // The axis spans the data it has (a few daily points are not lost on a 3-day axis).
      xAxis: { type: "time", min: xs.length ? Math.min(...xs) - 1800e3 : null, max: xs.length ? Math.max(...xs) + 1800e3 : null,
        axisLabel: { hideOverlap: true, formatter: (v) => new Date(v).toLocaleString(lang,
          { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false }) } },
      yAxis: { type: "value", name: t(`m.${metric}`), nameTextStyle: { align: "left" }, scale: true },
      series: [{ type: "line", showSymbol: data.length < 48, symbolSize: 7, data, name: t(`m.${metric}`),
        lineStyle: { width: 2 }, color: "#65a30d" }],
    }, true);
  };

  const load = async () => {
    options();
    if (!devSel.value) return;
    const metric = metSel.value;
    try {
      const r = await api(`/api/agri/history/${encodeURIComponent(devSel.value)}/${metric}?days=${DAYS}`);
      last = { metric, points: r.points || [], bucketS: Number(r.bucket_s || 3600) };
      clearError("agri-history");
      draw();
    } catch (err) {
      showError("agri-history", () => describe(err));
    }
  };
  devSel.onchange = load;
  metSel.onchange = load;
  onLangChange(() => { options(); draw(); });
  const el = h("section", { class: "panel agri-panel", id: "agri-history-panel" },
    h("div", { class: "panel-head" }, h("h2", { class: "panel-title", dataset: { i18n: "agri.history" } }, t("agri.history"))),
    h("div", { class: "agri-controls" }, devSel, metSel), note, box);
  return { el, load };
}
