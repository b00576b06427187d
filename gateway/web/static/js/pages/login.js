// login.html: POST /api/auth/login, then back to ?next= (a path on this site) or the home page.
import { api, ApiError, describe } from "../api.js";
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
    // The gateway's codes, translated (describe); never its English sentence.
    lastError = () => (err instanceof ApiError && err.status === 429 ? t("login.rate", { s: err.retryAfter ?? 60 })
      : t("login.failed", { detail: describe(err) }));
    renderError();
    password.select();
  }
  submit.disabled = false;
  submit.textContent = t("login.submit");
});
