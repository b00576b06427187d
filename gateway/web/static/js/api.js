// Fetch helpers with error display, and a Server-Sent Events helper with reconnect state.
import { h } from "./format.js";
import { onLangChange, t } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, detail, retryAfter = null) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.retryAfter = retryAfter;
  }
}

/** The message of a FastAPI error body: a string detail, or validation errors joined. */
function detailOf(body, fallback) {
  const d = body?.detail;
  if (typeof d === "string") return d;
  if (Array.isArray(d)) return d.map((e) => e?.msg ?? JSON.stringify(e)).join("; ");
  if (d !== undefined) return JSON.stringify(d);
  return fallback;
}

/**
 * fetch() a JSON endpoint on the gateway (same origin, session cookie included).
 * Resolves to the parsed body (null for 204); rejects with ApiError (status 0: network).
 */
export async function api(path, { method = "GET", body, signal } = {}) {
  let res;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? { Accept: "application/json" }
        : { Accept: "application/json", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err?.name === "AbortError") throw err;
    throw new ApiError(0, t("err.network"));
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch { /* not JSON */ }
  if (!res.ok) {
    const retry = Number(res.headers.get("Retry-After"));
    throw new ApiError(res.status, detailOf(parsed, text || res.statusText || String(res.status)),
      Number.isFinite(retry) && retry > 0 ? retry : null);
  }
  return parsed;
}

/** A human sentence for an ApiError (or any error). */
export function describe(err) {
  if (err instanceof ApiError) {
    if (err.status === 0) return err.detail;
    if (err.status === 429) return t("err.rate", { s: err.retryAfter ?? 60 });
    return t("err.http", { status: err.status, detail: err.detail });
  }
  return String(err?.message ?? err);
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
 *   onState(state)    "connecting" | "live" | "reconnecting"
 *   onOpen(again)     after each successful (re)connection; again=true after a drop
 *   onRefused()       async, after the stream was closed for good; return false to stop
 */
export class LiveStream {
  constructor(url, { onEvent, onState, onOpen, onRefused } = {}) {
    this.url = url;
    this.onEvent = onEvent ?? (() => {});
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

/** Bind a live indicator (data-testid live-status / last-event-time) to a LiveStream's state. */
export function liveIndicator(container) {
  const dot = h("span", { class: "live-dot", "aria-hidden": "true" });
  const label = h("span", { class: "live-label" });
  const status = h("span", { class: "live-status", dataset: { testid: "live-status", state: "connecting" },
    role: "status", "aria-live": "polite" }, dot, label);
  const timeLabel = h("span", { class: "live-time-label" });
  const time = h("time", { class: "live-time", dataset: { testid: "last-event-time" } });
  const box = h("div", { class: "live" }, status, h("span", { class: "live-last" }, timeLabel, " ", time));
  container.append(box);
  let state = "connecting";
  let last = null;
  const render = () => {
    status.dataset.state = state;
    label.textContent = t(`live.${state}`);
    timeLabel.textContent = `${t("live.last_event")}:`;
    if (last === null) {
      time.textContent = t("live.no_event");
      time.removeAttribute("datetime");
    } else {
      time.textContent = new Date(last).toLocaleTimeString(document.documentElement.lang, { hour12: false });
      time.setAttribute("datetime", new Date(last).toISOString());
    }
  };
  render();
  onLangChange(render);
  return {
    setState(s) {
      state = s;
      render();
    },
    /** Record an event at ms (its event time, or now). */
    event(ms) {
      last = ms ?? Date.now();
      render();
    },
  };
}
