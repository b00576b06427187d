// The patient tile of the monitoring wall: vitals, NEWS2 score with its points per parameter,
// monitoring frequency and clinical response, and a visual alarm on a rise in risk.
import { fmt, h, num } from "../format.js";
import { joinList, nameOf, t } from "../i18n.js";
import { Tile } from "../tiles.js";
import "./i18n.js";
import { monitoringText, news2Of, PARAMETERS, paramName, responseText, riskName } from "./news2.js";

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
