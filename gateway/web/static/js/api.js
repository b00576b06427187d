// Fetch helpers with error display, and a Server-Sent Events helper with reconnect state.
import { h } from "./format.js";
import { has, onLangChange, t } from "./i18n.js";

/**
 * A refused or failed request. The gateway's error bodies carry a stable `code` and its `params`
 * (gateway/gateway/errors.py); the page shows the translation of `err.<code>`, never the
 * English `detail` (kept for the console and API users).
 */
export class ApiError extends Error {
  constructor(status, detail, retryAfter = null, code = null, params = {}) {
    super(typeof detail === "string" ? detail : JSON.stringify(detail));
    this.status = status;
    this.detail = detail;
    this.retryAfter = retryAfter;
    this.code = code;
    this.params = params ?? {};
  }

  /** An ApiError from a fetch Response and its parsed JSON body (or null). */
  static from(res, body) {
    const retry = Number(res.headers.get("Retry-After"));
    return new ApiError(res.status, body?.detail ?? res.statusText ?? String(res.status),
      Number.isFinite(retry) && retry > 0 ? retry : null,
      typeof body?.code === "string" ? body.code : null, body?.params);
  }
}

/**
 * fetch() a JSON endpoint on the gateway (same origin, session cookie included). `body` is sent
 * as JSON, or as is when it is FormData or a string (with `contentType`).
 * Resolves to the parsed body (null for 204); rejects with ApiError (status 0: network).
 */
export async function api(path, { method = "GET", body, signal, contentType } = {}) {
  let res;
  const raw = body instanceof FormData || typeof body === "string";
  const headers = { Accept: "application/json" };
  if (body !== undefined && !raw) headers["Content-Type"] = "application/json";
  if (contentType) headers["Content-Type"] = contentType;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers,
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err?.name === "AbortError") throw err;
    throw new ApiError(0, "network error", null, "network");
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch { /* not JSON */ }
  if (!res.ok) throw ApiError.from(res, parsed);
  return parsed;
}

/** The name of a dependency or service id ("kafka", "medical") in the page's language. */
export function depName(id) {
  return has(`dep.${id}`) ? t(`dep.${id}`) : t("dep.gateway");
}

/**
 * A sentence for an error in the page's language: the translation of its code with its params
 * (services and dependencies by name), else one by HTTP status. Never the server's English.
 */
export function describe(err) {
  if (!(err instanceof ApiError)) return t("err.page");
  if (err.status === 0 || err.code === "network") return t("err.network");
  const p = { ...err.params, s: err.params?.retry_after_s ?? err.retryAfter ?? 60 };
  if (p.service) p.service = depName(p.service);
  if (p.dependency) p.dependency = depName(p.dependency);
  // A service's refusal with its reason code (params.reason: a value of its proto's Refusal
  // enum, tables err.<service>.<code> in js/<scenario>/i18n.js) says exactly what was refused.
  const refusal = `err.${err.params?.service}.${err.params?.reason}`;
  if (err.params?.reason && err.params?.service && has(refusal)) return t(refusal, p);
  if (err.code && has(`err.${err.code}`)) return t(`err.${err.code}`, p);
  if (err.code?.startsWith("service.")) return t("err.service.other", p);
  const generic = { 401: "unauthenticated", 403: "forbidden", 404: "not_found", 409: "conflict",
    413: "too_large", 422: "invalid", 429: "rate_limited", 502: "bad_gateway", 503: "unavailable",
    504: "timeout" }[err.status];
  if (generic) return t(`err.${generic}`, { ...p, dependency: p.dependency ?? t("dep.gateway") });
  return t("err.status", { status: err.status });
}

// ---- error banners -------------------------------------------------------------------------

function errorArea() {
  let area = document.getElementById("app-errors");
  if (!area) {
    area = h("div", { id: "app-errors", class: "errors", role: "alert", "aria-live": "assertive" });
    const main = document.querySelector("main") ?? document.body;
    main.prepend(area);
  }
  return area;
}

/**
 * Show (or refresh) an error banner. `id` keeps one banner per concern (a later call with the
 * same id replaces it); `message` may be a function so that it follows the language switch.
 */
export function showError(id, message) {
  const area = errorArea();
  let box = area.querySelector(`[data-error-id="${CSS.escape(id)}"]`);
  const text = () => (typeof message === "function" ? message() : message);
  if (!box) {
    const close = h("button", { type: "button", class: "error-close",
      "aria-label": t("common.dismiss"), onclick: () => clearError(id) }, "×");
    box = h("div", { class: "error", dataset: { errorId: id } }, h("span", { class: "error-text" }), close);
    area.append(box);
  }
  box._text = text;
  box.querySelector(".error-text").textContent = text();
}

export function clearError(id) {
  document.querySelector(`#app-errors [data-error-id="${CSS.escape(id)}"]`)?.remove();
}

onLangChange(() => {
  if (typeof document === "undefined") return; // imported by the unit tests
  for (const box of document.querySelectorAll("#app-errors .error")) {
    if (box._text) box.querySelector(".error-text").textContent = box._text();
  }
});

// ---- live streams --------------------------------------------------------------------------

/**
 * A Server-Sent Events subscription that keeps itself connected.
 *
 * The browser's EventSource retries dropped connections by itself (state "reconnecting"); when
 * the server refuses the stream (401/403/429/5xx) EventSource gives up, so this helper asks
 * `onRefused()` whether to go on and opens a new one with back-off.
 *
 *   onEvent(msg)      one parsed `data:` JSON object {topic, type, key, data}
 *   onHeartbeat(hb)   the gateway's `heartbeat` event every few seconds: {at, ok, down}
 *   onState(state)    "connecting" | "live" | "reconnecting"
 *   onOpen(again)     after each successful (re)connection; again=true after a drop
 *   onRefused()       async, after the stream was closed for good; return false to stop
 */
export class LiveStream {
  constructor(url, { onEvent, onHeartbeat, onState, onOpen, onRefused } = {}) {
    this.url = url;
    this.onEvent = onEvent ?? (() => {});
    this.onHeartbeat = onHeartbeat ?? (() => {});
    this.onState = onState ?? (() => {});
    this.onOpen = onOpen ?? (() => {});
    this.onRefused = onRefused ?? (async () => true);
    this.state = "connecting";
    this.lastEventAt = null;
    this.source = null;
    this.backoff = 1000;
    this.opened = false;
    this.stopped = false;
    this.timer = null;
  }

  start() {
    this.stopped = false;
    this._connect();
    window.addEventListener("pagehide", () => this.stop(), { once: true });
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.source?.close();
    this.source = null;
  }

  _set(state) {
    if (this.state !== state) {
      this.state = state;
      this.onState(state);
    }
  }

  _connect() {
    if (this.stopped) return;
    this._set(this.opened ? "reconnecting" : "connecting");
    const es = new EventSource(this.url, { withCredentials: true });
    this.source = es;
    es.onopen = () => {
      this.backoff = 1000;
      const again = this.opened;
      this.opened = true;
      this._set("live");
      this.onOpen(again);
    };
    es.onmessage = (e) => {
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch {
        return; // not an event of ours
      }
      this.lastEventAt = Date.now();
      if (this.state !== "live") this._set("live");
      this.onEvent(msg);
    };
    es.addEventListener("heartbeat", (e) => {
      try {
        this.onHeartbeat(JSON.parse(e.data));
      } catch { /* malformed: the next one counts */ }
    });
    es.onerror = () => {
      if (this.stopped) return;
      if (es.readyState === EventSource.CONNECTING) {
        this._set("reconnecting"); // the browser retries by itself
        return;
      }
      // Closed for good (refused, or not an event stream): decide, then retry with back-off.
      es.close();
      this._set("reconnecting");
      const delay = this.backoff;
      this.backoff = Math.min(this.backoff * 2, 30000);
      Promise.resolve(this.onRefused()).catch(() => true).then((goOn) => {
        if (goOn === false || this.stopped) return;
        this.timer = setTimeout(() => this._connect(), delay);
      });
    };
  }
}
