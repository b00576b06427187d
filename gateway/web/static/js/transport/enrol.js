// transport/enrol.html: a passenger binds a face to a ticket that ticketing issued, after
// proving it is theirs (ID number + the SMS code sent to the ticket's phone), with separate
// consent; the withdrawal code shown once afterwards (or ID number + a new SMS code) withdraws
// consent, which deletes the face data at once. Trip, seat and fare come from the ticket.
import { api, describe, showError, clearError, ApiError } from "../api.js";
import { h } from "../format.js";
import { codeText, getLang, t } from "../i18n.js";
import { renderShell } from "../shell.js";
import "./i18n.js";
import { startCamera } from "./common.js";

const $ = (id) => document.getElementById(id);
let captured = null; // Blob from the camera, used when no file is chosen

async function openCamera() {
  try {
    await startCamera($("enrol-video"), { width: 640, height: 480 });
    $("enrol-video").hidden = false;
    $("enrol-capture").hidden = false;
  } catch (err) {
    showError("enrol", () => t("tr.camera.none_plain"));
  }
}

function capture() {
  const video = $("enrol-video");
  const canvas = $("enrol-canvas");
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext("2d").drawImage(video, 0, 0);
  canvas.hidden = false;
  canvas.toBlob((b) => { captured = b; }, "image/jpeg", 0.92);
}

/** Ask for a code; the answer is the same whether or not ticket and ID match. */
async function sendCode(form, purpose, out) {
  clearError("enrol");
  const ticket = form.ticket_id.value.trim();
  const id = form.id_number.value.trim();
  if (!ticket || id.length < 4) {
    showError("enrol", () => t("tro.need_ticket_id"));
    return;
  }
  try {
    const r = await api("/api/transport/codes", { method: "POST", body: { ticket_id: ticket, id_number: id, purpose, lang: getLang() } });
    out.textContent = t("tro.sent", { min: Math.round((r.expires_in_s || 300) / 60) });
  } catch (err) {
    showError("enrol", () => describe(err));
  }
}

/** A refusal's sentence from its EnrolRefusal code (ENROL_REFUSAL_SEVERAL_FACES → its translation). */
export function refusalText(code) {
  return codeText("tro.refuse.", code, {}, t("tro.refuse_other"));
}

function refusedBox(codes) {
  return h("div", { class: "notice notice-denied", dataset: { testid: "enrol-refused", reasons: codes.join(" ") } },
    h("strong", {}, t("tr.enrol.refused")), h("ul", {}, ...codes.map((c) => h("li", {}, refusalText(c)))));
}

async function submit(ev) {
  ev.preventDefault();
  clearError("enrol");
  const form = ev.target;
  const result = $("enrol-result");
  result.replaceChildren();
  const file = form.photo.files[0] || captured;
  if (!file) {
    showError("enrol", () => t("tro.need_photo"));
    return;
  }
  const data = new FormData();
  for (const name of ["ticket_id", "id_number", "otp"]) data.append(name, form[name].value.trim());
  data.append("consent", form.consent.checked ? "true" : "false");
  data.append("consent_version", form.consent.dataset.version);
  data.append("keep_photo", form.keep_photo.checked ? "true" : "false");
  data.append("photo", file, file.name || "camera.jpg");
  form.querySelector("button[type=submit]").disabled = true;
  try {
    const res = await fetch("/api/transport/enrol", { method: "POST", body: data, credentials: "same-origin" });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw ApiError.from(res, body);
    if (body.ok) {
      const until = body.purge_after ? new Date(body.purge_after).toLocaleString(getLang(), { hour12: false }) : "";
      result.replaceChildren(h("div", { class: "notice", dataset: { testid: "enrol-ok" } },
        h("p", {}, t("tr.enrol.ok", { until })),
        h("p", {}, t("tro.wd_code_is")),
        h("p", { class: "tr-code", dataset: { testid: "enrol-withdrawal-code" } }, body.withdrawal_code),
        h("p", {}, t("tro.wd_code_keep"))));
      form.otp.value = "";
    } else {
      result.replaceChildren(refusedBox(body.refusals || []));
    }
  } catch (err) {
    showError("enrol", () => describe(err));
  } finally {
    form.querySelector("button[type=submit]").disabled = false;
  }
}

async function withdraw(ev) {
  ev.preventDefault();
  clearError("enrol");
  const form = ev.target;
  const body = { ticket_id: form.ticket_id.value.trim(), withdrawal_code: form.withdrawal_code.value.trim(),
    id_number: form.id_number.value.trim(), otp: form.otp.value.trim() };
  if (!body.ticket_id || (!body.withdrawal_code && !(body.id_number && body.otp))) {
    showError("enrol", () => t("tro.withdraw.need"));
    return;
  }
  try {
    const r = await api("/api/transport/withdraw", { method: "POST", body });
    $("withdraw-result").textContent = t(r.withdrawn ? "tr.withdraw.ok" : "tr.withdraw.none");
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) {
      $("withdraw-result").textContent = t("tro.withdraw.refused");
    } else {
      showError("enrol", () => describe(err));
    }
  }
}

renderShell({ page: "public", fetchUser: false });
$("enrol-camera").addEventListener("click", openCamera);
$("enrol-capture").addEventListener("click", capture);
$("enrol-send").addEventListener("click", () => sendCode($("enrol-form"), "enrol", $("enrol-sent")));
$("withdraw-send").addEventListener("click", () => sendCode($("withdraw-form"), "withdraw", $("withdraw-sent")));
$("enrol-form").addEventListener("submit", submit);
$("withdraw-form").addEventListener("submit", withdraw);
