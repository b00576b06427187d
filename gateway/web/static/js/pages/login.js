// login.html: POST /api/auth/login, then back to ?next= (a path on this site) or the home page.
import { api, ApiError } from "../api.js";
import { onLangChange, t } from "../i18n.js";
import { renderShell } from "../shell.js";

renderShell({ page: "login", fetchUser: false });

const form = document.getElementById("login-form");
const username = document.getElementById("username");
const password = document.getElementById("password");
const submit = document.getElementById("login-submit");
const errorBox = document.getElementById("login-error");

/** Only paths on this site, never "//elsewhere" or "https://…" (no open redirect). */
function nextUrl() {
  const next = new URLSearchParams(location.search).get("next");
  if (next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\")) return next;
  return "/";
}

let lastError = null;
function renderError() {
  if (!lastError) {
    errorBox.hidden = true;
    errorBox.textContent = "";
    return;
  }
  errorBox.hidden = false;
  errorBox.textContent = lastError();
}
onLangChange(renderError);

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  lastError = null;
  renderError();
  submit.disabled = true;
  submit.textContent = t("login.submitting");
  try {
    await api("/api/auth/login", { method: "POST",
      body: { username: username.value.trim(), password: password.value } });
    location.assign(nextUrl());
    return;
  } catch (err) {
    if (err instanceof ApiError && err.status === 429) {
      lastError = () => t("login.rate", { s: err.retryAfter ?? 60, detail: err.detail });
    } else if (err instanceof ApiError && err.status !== 0) {
      lastError = () => t("login.failed", { detail: err.detail });
    } else if (err instanceof ApiError) {
      lastError = () => t("err.network");
    } else {
      lastError = () => String(err?.message ?? err);
    }
    renderError();
    password.select();
  }
  submit.disabled = false;
  submit.textContent = t("login.submit");
});
