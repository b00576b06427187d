// The medical console's alert queue (with acknowledge) and ambulance pre-arrival board.
import { api, describe, showError } from "../api.js";
import { clock, fmt, h, parseTime } from "../format.js";
import { nameOf, onLangChange, t } from "../i18n.js";
import "./i18n.js";
import { news2Of, riskName, riskOf } from "./news2.js";

const STATE_ORDER = { ALERT_STATE_RAISED: 0, ALERT_STATE_ACKNOWLEDGED: 1, ALERT_STATE_RESOLVED: 2 };

/**
 * Open alerts of the clinician's patients, newest transition wins (by version). Each shows the
 * NEWS2 it was raised at and, from `current(patientId)` (the latest PatientVitals shown on the
 * wall), the score now; the escalation countdown pauses while the page is not live.
 */
export class AlertQueue {
  constructor({ onChange = () => {}, current = () => null } = {}) {
    this.alerts = new Map(); // alert_id → latest transition
    this.items = new Map(); // alert_id → {li, meta, now, button, version}
    this.onChange = onChange;
    this.current = current;
    this.live = true;
    this.list = h("ul", { class: "alert-queue", dataset: { testid: "alert-queue" } });
    this.empty = h("li", { class: "waiting" });
    this.el = h("div", {}, this.list);
    onLangChange(() => {
      for (const item of this.items.values()) item.version = -1; // rebuild in the new language
      this.render();
    });
    // Only the countdown text changes every second: buttons stay put so they can be clicked.
    setInterval(() => this.tick(), 1000);
  }

  update(alert) {
    const prev = this.alerts.get(alert.alert_id);
    if (prev && (prev.version ?? 1) >= (alert.version ?? 1)) return;
    this.alerts.set(alert.alert_id, alert);
    this.render();
    this.onChange(alert, prev);
  }

  async load() {
    for (const a of (await api("/api/medical/alerts?open_only=true")) ?? []) this.update(a);
  }

  /** The page's live state: a countdown cannot be trusted while the data is stale. */
  setLive(snap) {
    this.live = snap.state === "live";
    this.tick();
  }

  async ack(alert, button) {
    button.disabled = true;
    try {
      this.update(await api(`/api/medical/alerts/${alert.alert_id}/ack`, { method: "POST" }));
    } catch (err) {
      button.disabled = false;
      showError("ack", () => describe(err));
    }
  }

  metaText(a) {
    const level = t(`med.alerts.level${Math.min(2, a.escalation_level ?? 0)}`);
    const left = a.escalate_at && a.state === "ALERT_STATE_RAISED"
      ? Math.max(0, Math.round((parseTime(a.escalate_at) - Date.now()) / 1000)) : null;
    const countdown = left === null ? "" : this.live ? ` · ${t("med.alerts.escalates", { s: left })}`
      : ` · ${t("med.alerts.paused")}`;
    return `${t("med.alerts.raised_at", { time: clock(parseTime(a.raised_at)) })} · ${t("med.alerts.routed", { to: level })}`
      + (a.acknowledged_by ? ` · ${t("med.alerts.acked_by", { user: a.acknowledged_by })}` : "")
      + countdown;
  }

  /** "now 13 · high" from the patient's latest status, or "" when the wall has none. */
  nowText(a) {
    const n = news2Of(this.current(a.patient_id));
    return n ? t("med.alerts.now", { score: `${n.complete ? "" : "≥"}${n.aggregate}`, risk: riskName(n.risk) }) : "";
  }

  tick() {
    for (const [id, item] of this.items) {
      const a = this.alerts.get(id);
      item.meta.textContent = this.metaText(a);
      const now = this.nowText(a);
      item.now.textContent = now;
      item.now.hidden = !now;
      const n = news2Of(this.current(a.patient_id));
      item.now.dataset.risk = n?.risk ?? "";
    }
  }

  build(a) {
    const button = h("button", { class: "btn btn-primary", type: "button",
      dataset: { testid: `ack-${a.patient_id}` } }, t("med.alerts.ack"));
    button.addEventListener("click", () => this.ack(this.alerts.get(a.alert_id), button));
    const meta = h("div", { class: "alert-meta" });
    const now = h("span", { class: "badge alert-now", dataset: { testid: `alert-now-${a.patient_id}` } });
    const risk = riskOf(a.clinical_risk);
    const li = h("li", { class: "alert-item", dataset: { risk, state: a.state, testid: `alert-${a.patient_id}` } },
      h("div", { class: "alert-main" },
        h("strong", {}, h("a", { href: `/medical/patient.html?id=${encodeURIComponent(a.patient_id)}` },
          nameOf("patient", a.patient_id))),
        h("span", { class: "badge", dataset: { risk, testid: `alert-raised-${a.patient_id}` } },
          t("med.alerts.at_raise", { score: a.news2_aggregate ?? 0, risk: riskName(risk) })),
        now,
        h("span", { class: "badge" }, t(`med.alerts.state.${a.state}`))),
      meta, a.state === "ALERT_STATE_RAISED" ? button : null);
    return { li, meta, now, button, version: a.version ?? 1 };
  }

  render() {
    const open = [...this.alerts.values()].filter((a) => a.state !== "ALERT_STATE_RESOLVED")
      .sort((a, b) => (STATE_ORDER[a.state] - STATE_ORDER[b.state])
        || (parseTime(b.raised_at) ?? 0) - (parseTime(a.raised_at) ?? 0));
    const keep = new Set(open.map((a) => a.alert_id));
    for (const [id, item] of this.items) {
      if (!keep.has(id)) {
        item.li.remove();
        this.items.delete(id);
      }
    }
    for (const a of open) {
      const item = this.items.get(a.alert_id);
      if (!item || item.version !== (a.version ?? 1)) {
        const fresh = this.build(a);
        if (item) item.li.replaceWith(fresh.li);
        this.items.set(a.alert_id, fresh);
      }
    }
    this.tick();
    this.empty.textContent = t("med.alerts.empty");
    const wanted = open.length ? open.map((a) => this.items.get(a.alert_id).li) : [this.empty];
    // Re-order only when the order changed, so nothing under the pointer moves needlessly.
    const current = [...this.list.children];
    if (current.length !== wanted.length || current.some((el, i) => el !== wanted[i])) {
      this.list.replaceChildren(...wanted);
    }
  }
}

/** Ambulances on their way: ETA, distance, latest NEWS2 and its trend, soonest first. */
export class AmbulanceBoard {
  constructor() {
    this.notices = new Map();
    this.list = h("ul", { class: "amb-board", dataset: { testid: "ambulance-board" } });
    this.el = h("div", {}, this.list);
    onLangChange(() => this.render());
  }

  update(n) {
    const prev = this.notices.get(n.ambulance_id);
    if (prev && (parseTime(prev.meta?.event_time) ?? 0) > (parseTime(n.meta?.event_time) ?? 0)) return;
    this.notices.set(n.ambulance_id, n);
    this.render();
  }

  async load() {
    for (const n of (await api("/api/medical/prearrivals")) ?? []) this.update(n);
  }

  render() {
    const all = [...this.notices.values()].sort((a, b) => (a.arrived === b.arrived ? (a.eta_s ?? 0) - (b.eta_s ?? 0) : a.arrived ? 1 : -1));
    if (!all.length) {
      this.list.replaceChildren(h("li", { class: "waiting" }, t("med.amb.empty")));
      return;
    }
    this.list.replaceChildren(...all.map((n) => {
      const news2 = n.news2 ?? {};
      const risk = riskOf(news2.clinical_risk) || "low";
      const trend = (n.news2_trend ?? []).slice(-12).join(" → ");
      return h("li", { class: "amb-item", dataset: { risk, testid: `amb-${n.ambulance_id}` } },
        h("strong", {}, nameOf("ambulance", n.ambulance_id)),
        h("span", { class: "amb-eta", dataset: { testid: `amb-eta-${n.ambulance_id}` } },
          n.arrived ? t("med.amb.arrived") : t("med.amb.eta", { min: Math.max(1, Math.round((n.eta_s ?? 0) / 60)) })),
        h("span", {}, t("med.amb.distance", { km: fmt(n.distance_km, 1) })),
        h("span", { class: "badge", dataset: { risk } }, t("med.amb.news2", { score: news2.aggregate ?? 0, risk: riskName(risk) })),
        trend ? h("span", { class: "amb-trend" }, `${t("med.amb.trend")}: ${trend}`) : null);
    }));
  }
}
