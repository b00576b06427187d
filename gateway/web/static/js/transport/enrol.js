// transport/enrol.html: a passenger enrols a face for a ticket (separate consent; upload or
// browser camera) and can withdraw consent, which deletes the face data at once.
import { api, describe, showError, clearError, ApiError } from "../api.js";
import { h } from "../format.js";
import { nameOf, onLangChange, t } from "../i18n.js";
import { renderShell } from "../shell.js";
import "./i18n.js";
import { STATIONS, startCamera } from "./common.js";

const $ = (id) => document.getElementById(id);
let captured = null; // Blob from the camera, used when no file is chosen

function stationOptions() {
  const select = $("enrol-station");
  const current = select.value;
  select.replaceChildren(...STATIONS.map((s) => h("option", { value: s, selected: s === current ? "" : null }, nameOf("station", s))));
}

async function openCamera() {
  try {
    await startCamera($("enrol-video"), { width: 640, height: 480 });
    $("enrol-video").hidden = false;
    $("enrol-capture").hidden = false;
  } catch (err) {
    showError("enrol", () => t("tr.camera.none", { detail: err?.message || String(err) }));
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

async function submit(ev) {
  ev.preventDefault();
  clearError("enrol");
  const form = ev.target;
  const result = $("enrol-result");
  result.replaceChildren();
  const file = form.photo.files[0] || captured;
  if (!file) {
    showError("enrol", () => t("tr.photo"));
    return;
  }
  const data = new FormData();
  for (const name of ["ticket_id", "trip_id", "seat", "station_id", "id_number", "passenger_name"]) {
    data.append(name, form[name].value.trim());
  }
  data.append("departure", new Date(form.departure.value).toISOString());
  data.append("fare_fen", String(Math.round(Number(form.fare.value || 0) * 100)));
  data.append("consent", form.consent.checked ? "true" : "false");
  data.append("consent_version", form.consent.dataset.version);
  data.append("keep_photo", form.keep_photo.checked ? "true" : "false");
  data.append("photo", file, file.name || "camera.jpg");
  form.querySelector("button[type=submit]").disabled = true;
  try {
    const res = await fetch("/api/transport/enrol", { method: "POST", body: data, credentials: "same-origin" });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new ApiError(res.status, typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail ?? res.statusText));
    if (body.ok) {
      const until = body.purge_after ? new Date(body.purge_after).toLocaleString() : "";
      result.replaceChildren(h("p", { class: "notice", dataset: { testid: "enrol-ok" } }, t("tr.enrol.ok", { until })));
    } else {
      result.replaceChildren(h("div", { class: "notice notice-denied", dataset: { testid: "enrol-refused" } },
        h("strong", {}, t("tr.enrol.refused")), h("ul", {}, ...body.reasons.map((r) => h("li", {}, r)))));
    }
  } catch (err) {
    showError("enrol", () => describe(err));
  } finally {
    form.querySelector("button[type=submit]").disabled = false;
  }
}

async function withdraw(ev) {
  ev.preventDefault();
  const form = ev.target;
  try {
    const r = await api("/api/transport/withdraw", { method: "POST",
      body: { ticket_id: form.ticket_id.value.trim(), id_number: form.id_number.value.trim() } });
    $("withdraw-result").textContent = t(r.withdrawn ? "tr.withdraw.ok" : "tr.withdraw.none");
  } catch (err) {
    showError("enrol", () => describe(err));
  }
}

renderShell({ page: "public", fetchUser: false });
stationOptions();
onLangChange(stationOptions);
const dep = new Date(Date.now() + 60 * 60 * 1000);
dep.setSeconds(0, 0);
$("enrol-form").departure.value = new Date(dep.getTime() - dep.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
$("enrol-camera").addEventListener("click", openCamera);
$("enrol-capture").addEventListener("click", capture);
$("enrol-form").addEventListener("submit", submit);
$("withdraw-form").addEventListener("submit", withdraw);
