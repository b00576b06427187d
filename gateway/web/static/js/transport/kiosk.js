// transport/kiosk.html: a gate kiosk. Browser camera → random liveness challenge shown large →
// a few seconds of frames → the transport service decides; the outcome is shown large.
// A decision request is retried with the same request id, so it is never charged twice.
// The kiosk is also the gate's display: every decision taken at its gate (by the gate camera or
// the staffed lane) arrives on the live stream and is shown large too, with where it came from.
import { api, describe, showError, clearError } from "../api.js";
import { TOPICS } from "../contracts.js";
import { clock, eventTime, h } from "../format.js";
import { getLang, has, nameOf, onLangChange, t } from "../i18n.js";
import { startConsole } from "../console/engine.js";
import "./i18n.js";
import { GATES, grabJpeg, modeText, newId, outcomeText, outcomeWord, reasonText, startCamera } from "./common.js";
import { kioskFrame } from "./display.js";

// Two actions in a row (e.g. turn left, then blink): ~2 s each plus the look at the camera.
const CAPTURE_MS = 6500;
const FRAME_EVERY_MS = 100;

const RECENT = 8;
const IDLE_MS = 12000; // the large outcome goes back to "ready" after this

const $ = (id) => document.getElementById(id);
let challenge = null;
let busy = false; // this kiosk's own check is running: other decisions only go to the list
const ownIds = new Set(); // request ids of this kiosk's decisions

/** The drawn actions as numbered steps, translated from their codes (the server's sentence
 *  only for a code this page does not know). */
function showInstruction() {
  const el = $("kiosk-instruction");
  if (!challenge) return;
  const actions = challenge.actions || [];
  const known = actions.length > 0 && actions.every((a) => has(`tr.action.${a}`));
  if (!known) {
    el.textContent = getLang() === "en" ? challenge.instruction_en : challenge.instruction_zh;
    return;
  }
  el.replaceChildren(
    h("div", {}, t("tr.kiosk.look")),
    h("ol", { class: "tr-actions", dataset: { testid: "kiosk-actions" } },
      ...actions.map((a) => h("li", { dataset: { action: a } }, t(`tr.action.${a}`)))));
}

// Entries are {decision, own, at}; rendered again when the language changes.
let shown = null; // the decision shown large
let idleTimer = null;
const recent = []; // this gate's latest decisions, newest first

function sourceText({ decision, own }) {
  if (own) return t("tr.kiosk.src.own");
  return t(decision.lane_code === "LANE_MANUAL" ? "tr.kiosk.src.manual" : "tr.kiosk.src.gate");
}

function renderOutcome() {
  const box = $("kiosk-outcome");
  if (!shown) {
    box.replaceChildren();
    delete box.dataset.outcome;
    return;
  }
  const d = shown.decision;
  box.dataset.outcome = outcomeWord(d.gate_outcome);
  box.replaceChildren(
    h("div", { class: "tr-outcome-big", dataset: { testid: "kiosk-outcome" } }, outcomeText(d.gate_outcome)),
    h("div", { class: "tr-outcome-reason" }, reasonText(d.why)),
    h("div", { class: "tr-outcome-score" },
      d.match_mode ? `${modeText(d.match_mode)} · ${t("tr.f.score")} ${Number(d.score || 0).toFixed(3)} / ${Number(d.threshold || 0).toFixed(3)}` : ""),
    h("div", { class: "tr-outcome-source" }, `${clock(shown.at)} · ${sourceText(shown)}`));
}

function renderRecent() {
  $("kiosk-recent").replaceChildren(...recent.map((e) => h("li",
    { dataset: { outcome: outcomeWord(e.decision.gate_outcome) } },
    `${clock(e.at)} · ${outcomeText(e.decision.gate_outcome)} · ${reasonText(e.decision.why)} · ${sourceText(e)}`)));
  $("kiosk-recent-empty").hidden = recent.length > 0;
}

/** Show a decision of this gate once: large (unless this kiosk is busy with its own) and listed.
 *  The kiosk's own decisions come back on the stream seconds later: still in the list. */
function present(decision, own) {
  const id = decision.meta?.event_id || "";
  if (id && recent.some((e) => e.decision.meta?.event_id === id)) return;
  const entry = { decision, own, at: eventTime(decision) ?? Date.now() };
  if (own || !busy) {
    shown = entry;
    renderOutcome();
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      shown = null;
      renderOutcome();
    }, IDLE_MS);
  }
  recent.unshift(entry);
  recent.splice(RECENT);
  renderRecent();
}

function clearGate() {
  shown = null;
  recent.length = 0;
  renderOutcome();
  renderRecent();
}

async function decide(passageId, frames) {
  const requestId = newId();
  ownIds.add(requestId);
  let last;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await api(`/api/transport/passages/${passageId}/decision`,
        { method: "POST", body: { request_id: requestId, frames } });
    } catch (err) {
      last = err;
      if (err.status && err.status < 500) throw err; // not a transient failure
      await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
    }
  }
  throw last;
}

async function run() {
  clearError("kiosk");
  const video = $("kiosk-video");
  const canvas = $("kiosk-canvas");
  const btn = $("kiosk-start");
  btn.disabled = true;
  busy = true;
  shown = null;
  renderOutcome();
  try {
    challenge = await api(`/api/transport/gates/${$("kiosk-gate").value}/passages`,
      { method: "POST", body: { ticket_id: $("kiosk-ticket").value.trim() } });
    $("kiosk-kiosk-state").textContent = t("tr.kiosk.recording");
    showInstruction();
    const frames = [];
    const t0 = performance.now();
    while (performance.now() - t0 < CAPTURE_MS) {
      frames.push({ image_b64: grabJpeg(video, canvas), t_ms: Math.round(performance.now() - t0) });
      await new Promise((r) => setTimeout(r, FRAME_EVERY_MS));
    }
    $("kiosk-kiosk-state").textContent = t("tr.kiosk.checking");
    const reply = await decide(challenge.passage_id, frames);
    present(reply.decision, true);
  } catch (err) {
    showError("kiosk", () => describe(err));
  } finally {
    busy = false;
    challenge = null;
    $("kiosk-instruction").textContent = "";
    $("kiosk-kiosk-state").textContent = t("tr.kiosk.ready");
    btn.disabled = false;
  }
}

async function manual(ev) {
  ev.preventDefault();
  const form = ev.target;
  try {
    await api(`/api/transport/gates/${$("kiosk-gate").value}/manual`, { method: "POST",
      body: { ticket_id: form.ticket_id.value.trim(), id_number: form.id_number.value.trim() } });
    $("manual-result").textContent = t("tr.manual.queued");
  } catch (err) {
    showError("kiosk", () => describe(err));
  }
}

async function main() {
  const select = $("kiosk-gate");
  // A gate display: its own frame (no site navigation or sign-out), the engine's stream.
  const ctx = await startConsole({ scenario: "transport", rootId: "main", gateId: "kiosk-gate-denied",
    liveId: "kiosk-live", frame: () => kioskFrame(GATES, select).then((me) => ({ me, error: null })),
    panels: () => [{ el: null, topics: [TOPICS.TRANSPORT_GATE_DECISIONS],
      onEvent: (d) => { if (d.gate_id === select.value) present(d, ownIds.has(d.meta?.event_id)); } }],
    layout: () => [] });
  if (!ctx) return;
  const wanted = new URLSearchParams(location.search).get("gate");
  select.replaceChildren(...GATES.map((g) => h("option", { value: g, selected: g === wanted ? "" : null }, nameOf("gate", g))));
  onLangChange(() => {
    for (const o of select.options) o.textContent = nameOf("gate", o.value);
    showInstruction();
    renderOutcome();
    renderRecent();
  });
  select.addEventListener("change", clearGate);
  $("kiosk-start").addEventListener("click", run);
  $("manual-form").addEventListener("submit", manual);
  try {
    await startCamera($("kiosk-video"));
    $("kiosk-kiosk-state").textContent = t("tr.kiosk.ready");
    $("kiosk-start").disabled = false;
  } catch (err) {
    showError("kiosk", () => t("tr.camera.none_plain"));
  }
}

main();
