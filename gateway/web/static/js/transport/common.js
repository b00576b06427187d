// Shared bits of the transport pages: words for the decision codes, camera helpers.
import { codeText } from "../i18n.js";

export const GATES = ["gate-hsr-1", "gate-hsr-2", "gate-bus-1"];
export const STATIONS = ["zezhou-hsr", "zezhou-bus"];

// A GateDecision carries codes (enum value names: gate_outcome "OUTCOME_OPEN", why
// "DECISION_REASON_MATCH_1TO1", lane_code "LANE_FACE", match_mode "MATCH_MODE_ONE_TO_ONE");
// a zero value is left out of the JSON. The pages word them from code tables (./i18n.js).

/** Words for a DecisionReason code ("" when none). */
export function reasonText(why) {
  return why ? codeText("tr.reason.", why) : "";
}

/** Words for an Outcome code (a missing one reads as not admitted). */
export function outcomeText(outcome) {
  return codeText("tr.outcome.", outcome || "OUTCOME_DENY");
}

/** Words for a Lane code. */
export function laneText(lane) {
  return codeText("tr.lane.", lane);
}

/** Words for a MatchMode code ("" when no match was attempted). */
export function modeText(mode) {
  return mode ? codeText("tr.mode.", mode) : "";
}

/** "open" / "deny" / "manual" of an Outcome code: the short word the styles and tests use. */
export function outcomeWord(outcome) {
  return { OUTCOME_OPEN: "open", OUTCOME_MANUAL: "manual" }[outcome] ?? "deny";
}

/** Start the browser camera in <video>; resolves to the MediaStream. */
export async function startCamera(video, { width = 640, height = 360 } = {}) {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: width }, height: { ideal: height }, facingMode: "user" }, audio: false });
  video.srcObject = stream;
  await video.play();
  return stream;
}

/** The current video frame as a JPEG data URL (scaled to at most maxWidth pixels wide). */
export function grabJpeg(video, canvas, maxWidth = 640, quality = 0.85) {
  const scale = Math.min(1, maxWidth / (video.videoWidth || maxWidth));
  canvas.width = Math.round((video.videoWidth || 640) * scale);
  canvas.height = Math.round((video.videoHeight || 360) * scale);
  canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL("image/jpeg", quality);
}

/** A random id for idempotent retries (decision request id). */
export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}
