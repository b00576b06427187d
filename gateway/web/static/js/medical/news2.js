// NEWS2 (Royal College of Physicians, 2017) as scored by the medical service: reading the
// `news2` field of PatientVitals (proto3 JSON, so zero/false/empty fields are omitted), the
// words for its codes and for alert reasons, and the alert tone played when a patient's clinical
// risk rises. The service sends codes (zezhou5g.medical.v1 ClinicalRisk, MonitoringFrequency,
// ClinicalResponse, AlertReasonCode), never sentences; the strings are in ./i18n.js.
import { h, num, num0 } from "../format.js";
import { codeText, has, onLangChange, t } from "../i18n.js";
import "./i18n.js";

/** Risk bands, lowest first, by the names the page's styles use (data-risk). */
export const RISKS = ["low", "low-medium", "medium", "high"];
// ClinicalRisk code → band name, and back.
const RISK_OF_CODE = {
  CLINICAL_RISK_LOW: "low",
  CLINICAL_RISK_LOW_MEDIUM: "low-medium",
  CLINICAL_RISK_MEDIUM: "medium",
  CLINICAL_RISK_HIGH: "high",
};
const CODE_OF_RISK = Object.fromEntries(Object.entries(RISK_OF_CODE).map(([code, risk]) => [risk, code]));
export const PARAMETERS = ["resp_rate_per_min", "spo2_pct", "on_oxygen", "systolic_mmhg", "heart_rate_bpm",
  "consciousness", "temperature_c"];

/** The band name ("high") of a ClinicalRisk code ("CLINICAL_RISK_HIGH"); "" when unset or unknown. */
export function riskOf(code) {
  return RISK_OF_CODE[code] ?? "";
}

/**
 * The NEWS2 of a PatientVitals payload with proto3 defaults filled in, or null when the payload
 * has none. `risk` is the band name; `rank` orders risks (0 low … 3 high); for a code this page
 * does not know, it is derived from the aggregate (chart 2), so that such a patient is still
 * sorted and alerted on. `monitoring` and `response` are the codes as sent ("" when unset).
 */
export function news2Of(payload) {
  const n = payload?.news2;
  if (!n || typeof n !== "object") return null;
  const aggregate = Math.max(0, Math.round(num0(n.aggregate)));
  const red = n.single_parameter_3 === true;
  const risk = riskOf(n.clinical_risk);
  let rank = RISKS.indexOf(risk);
  if (rank < 0) rank = aggregate >= 7 ? 3 : aggregate >= 5 ? 2 : red ? 1 : 0;
  const points = new Map();
  for (const p of Array.isArray(n.parameters) ? n.parameters : []) {
    if (p && typeof p.parameter === "string") {
      points.set(p.parameter, { points: Math.round(num0(p.points)), value: num(p.value) });
    }
  }
  return {
    aggregate,
    risk,
    rank,
    red,
    complete: n.complete === true,
    missing: Array.isArray(n.missing) ? n.missing.filter((m) => typeof m === "string") : [],
    scale: num(n.spo2_scale) === 2 ? 2 : 1,
    monitoring: typeof n.monitoring_frequency === "string" ? n.monitoring_frequency : "",
    response: typeof n.clinical_response === "string" ? n.clinical_response : "",
    points,
  };
}

/** "高" / "high" for a band name ("high"); "—" when unknown. */
export function riskName(risk) {
  return codeText("news2.risk.", CODE_OF_RISK[risk]);
}

/** A parameter's display name ("呼吸频率"); an unknown one as sent. */
export function paramName(p) {
  return has(`news2.param.${p}`) ? t(`news2.param.${p}`) : p;
}

/** Words for a MonitoringFrequency code ("MONITORING_FREQUENCY_EVERY_1_H" → "每小时"). */
export function monitoringText(code) {
  return codeText("news2.mon.", code);
}

/** Words for a ClinicalResponse code. */
export function responseText(code) {
  return codeText("news2.resp.", code);
}

/**
 * Why an alert transition happened, in words, from its `why` code and values (AlertReason) and
 * the alert's own fields (its score and band, who acknowledged it, who it is routed to).
 */
export function alertReasonText(a) {
  const why = a?.why ?? {};
  const level = Math.min(2, num(a?.escalation_level) ?? 0);
  const moved = riskOf(why.risk);
  return codeText("med.reason.", why.code, {
    score: why.code === "ALERT_REASON_CODE_BAND_FELL" ? num0(why.news2_aggregate) : num0(a?.news2_aggregate),
    risk: riskName(moved || riskOf(a?.clinical_risk)),
    user: a?.acknowledged_by ?? "",
    s: num0(why.waited_s),
    to: t(`med.alerts.level${level}`),
  });
}

// ---- alert tone -----------------------------------------------------------------------------

const SOUND_KEY = "z5g.news2.sound";

/**
 * A short beep sequence on a WebAudio oscillator (no audio files). Browsers allow audio only
 * after the user has interacted with the page, so the tone is off until the toggle is pressed;
 * a choice saved earlier is resumed on the first click or key press of the page.
 */
export class AlertSound {
  constructor() {
    this.ctx = null;
    this.wanted = false;
    try {
      this.wanted = localStorage.getItem(SOUND_KEY) === "on";
    } catch { /* storage disabled */ }
    this.played = 0;
    this.button = h("button", { type: "button", class: "btn sound-toggle", dataset: { testid: "sound-toggle" },
      onclick: () => this.toggle() });
    this.el = h("div", { class: "sound" }, this.button);
    if (this.wanted) {
      const unlock = (e) => {
        if (this.button.contains(e.target)) return; // the toggle's own click handles it
        document.removeEventListener("pointerdown", unlock, true);
        document.removeEventListener("keydown", unlock, true);
        if (this.wanted) this.unlock();
      };
      document.addEventListener("pointerdown", unlock, true);
      document.addEventListener("keydown", unlock, true);
    }
    this.render();
    onLangChange(() => this.render());
  }

  get ready() {
    return this.wanted && this.ctx !== null && this.ctx.state === "running";
  }

  render() {
    const pending = this.wanted && !this.ready;
    this.button.textContent = t(!this.wanted ? "sound.enable" : pending ? "sound.pending" : "sound.on");
    this.button.title = t(this.wanted ? "sound.title_on" : "sound.title");
    this.button.setAttribute("aria-pressed", String(this.wanted));
    this.button.dataset.state = !this.wanted ? "off" : pending ? "pending" : "on";
  }

  /** Create or resume the audio context (inside a user gesture); resolves once it runs. */
  unlock() {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return Promise.resolve();
    try {
      if (!this.ctx) this.ctx = new Ctx();
      return Promise.resolve(this.ctx.resume()).catch(() => {}).then(() => this.render());
    } catch {
      return Promise.resolve(); // no audio device: stay silent
    } finally {
      this.render();
    }
  }

  toggle() {
    // Wanted but not yet allowed (a saved choice before any click): this click enables it.
    if (!(this.wanted && !this.ready)) this.wanted = !this.wanted;
    try {
      localStorage.setItem(SOUND_KEY, this.wanted ? "on" : "off");
    } catch { /* not persisted */ }
    if (this.wanted) this.unlock().then(() => this.beep([660], 0.08)); // confirms that sound works
    this.render();
  }

  /** The alert for a rise to `rank` (2 medium: two tones, 3 high: three higher tones). */
  alert(rank) {
    if (rank >= 3) this.beep([880, 880, 880]);
    else this.beep([660, 660]);
  }

  beep(freqs, gain = 0.15) {
    if (!this.ready) return;
    const ctx = this.ctx;
    let at = ctx.currentTime + 0.02;
    for (const f of freqs) {
      const osc = ctx.createOscillator();
      const g = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = f;
      g.gain.setValueAtTime(0, at);
      g.gain.linearRampToValueAtTime(gain, at + 0.02);
      g.gain.setValueAtTime(gain, at + 0.14);
      g.gain.linearRampToValueAtTime(0, at + 0.18);
      osc.connect(g).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.2);
      at += 0.26;
    }
    this.played += 1;
    this.button.dataset.played = String(this.played);
  }
}
