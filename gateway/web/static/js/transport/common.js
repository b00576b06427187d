// Shared bits of the transport pages: reason/outcome labels, camera helpers.
import { has, t } from "../i18n.js";

export const GATES = ["gate-hsr-1", "gate-hsr-2", "gate-bus-1"];
export const STATIONS = ["zezhou-hsr", "zezhou-bus"];

/** Display text of a decision reason (raw reason when unknown). */
export function reasonText(reason) {
  return reason && has(`tr.reason.${reason}`) ? t(`tr.reason.${reason}`) : reason || "";
}

/** Display text of an outcome: open / deny / manual. */
export function outcomeText(outcome) {
  return t(`tr.outcome.${outcome || "deny"}`);
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
