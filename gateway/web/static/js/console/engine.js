// The console engine: every live page is one entry module (js/<scenario>/*.js) that registers
// panels with startConsole(); the engine draws the frame, checks sign-in and access, loads each
// panel's starting state over REST, opens the page's one live stream and hands each event to the
// panels registered for its topic, and keeps the connection indicator honest (live /
// reconnecting / stale since, from the stream's heartbeats).
//
// A panel is a plain object:
//   el            its element (wrapped in a titled section when `title` is given)
//   title         i18n key of the section title; `headExtra` an element beside it
//   topics        topics it wants (TOPICS.* of contracts.js); onEvent(data, msg) gets each one
//   load()        async: (re)load its starting state; called at start, after a reconnection,
//                 and every `refreshMs` when set. A 401 goes to sign-in, a 403 shows "no access".
//   onLive(snap)  the live state changed ({state, since, down, lastEvent}): grey out, pause
//                 countdowns…
// Panels know nothing of each other; what two panels share (a patient's latest score) is passed
// by the entry module.
import { api, ApiError, clearError, describe, LiveStream, showError } from "../api.js";
import { eventTime, h } from "../format.js";
import { onLangChange, t } from "../i18n.js";
import { displayName, loginUrl, renderShell } from "../shell.js";
import { LiveIndicator } from "./indicator.js";
import { LiveState } from "./live-state.js";

/** A titled section around a panel body. */
export function panelBox(titleKey, body, extra = null, { testid } = {}) {
  return h("section", { class: "panel", dataset: testid ? { testid } : {} },
    h("header", { class: "panel-head" }, h("h2", { class: "panel-title", dataset: { i18n: titleKey } }, t(titleKey)), extra),
    body);
}

function noAccess(gate, scenario, me) {
  const body = h("p");
  const render = () => {
    body.textContent = t("console.noaccess.body", { user: displayName(me), role: t(`role.${me.role}`),
      console: t(`console.${scenario}.title`) });
  };
  render();
  onLangChange(render);
  gate.replaceChildren(h("div", { class: "notice notice-denied", dataset: { testid: "no-access" }, role: "alert" },
    h("h2", { dataset: { i18n: "console.noaccess.title" } }, t("console.noaccess.title")),
    body,
    h("p", {}, h("a", { class: "btn btn-primary", href: loginUrl(), dataset: { i18n: "console.noaccess.switch" } },
      t("console.noaccess.switch")))));
  gate.hidden = false;
}

/**
 * Start a live page.
 *
 * Options: scenario ("tourism" …; the console stream /api/stream/<scenario> and the access
 * check), or publicPage: true (no sign-in, the public stream); page (the nav item, default the
 * scenario or "public"); panels: an array, or (ctx) => array with ctx = {me, live}; layout:
 * (panels, ctx) => elements to place instead of the panels one after another; ids of the
 * root, gate and indicator slots (console-root, console-gate, console-live); fetchUser: whether
 * a public page asks who is signed in (the home page does, to mark the consoles one may open);
 * frame: async () => {me, error} drawing a frame of its own instead of the site's (a kiosk).
 * Resolves to {me, live} (null when the page went to sign-in or shows "no access").
 */
export async function startConsole({ scenario = null, publicPage = false, page = null, panels, layout = null,
  rootId = "console-root", gateId = "console-gate", liveId = "console-live", allowed = null,
  fetchUser = !publicPage, frame = null } = {}) {
  const root = document.getElementById(rootId);
  const gate = document.getElementById(gateId);
  const { me, error } = frame ? await frame()
    : await renderShell({ page: page ?? (publicPage ? "public" : scenario), fetchUser });
  if (!publicPage) {
    if (!me) {
      if (error) {
        // The gateway is unreachable or failing: say so, and try again shortly.
        showError("me", () => describe(error));
        gate?.replaceChildren(h("p", { class: "waiting" }, t("common.loading")));
        setTimeout(() => location.reload(), 10000);
        return null;
      }
      location.replace(loginUrl());
      return null;
    }
    if (!(allowed ?? ((m) => m.scenarios?.includes(scenario)))(me)) {
      noAccess(gate, scenario, me);
      return null;
    }
  }
  if (gate) gate.hidden = true;
  root.hidden = false;

  const state = new LiveState();
  const indicator = new LiveIndicator(document.getElementById(liveId));
  const ctx = { me, live: state };
  const list = typeof panels === "function" ? panels(ctx) : panels;
  const placed = layout ? layout(list, ctx) : list.map((p) => (p.title ? panelBox(p.title, p.el, p.headExtra) : p.el));
  if (placed.length) root.replaceChildren(...placed.filter(Boolean));

  let lastState = null;
  const refresh = () => {
    const snap = state.snapshot();
    indicator.render(snap);
    if (snap.state !== lastState) {
      lastState = snap.state;
      document.body.dataset.live = snap.state;
      for (const p of list) p.onLive?.(snap);
    }
  };
  setInterval(refresh, 1000);

  let stream = null;
  let stopped = false;
  const refused = (err) => {
    if (err instanceof ApiError && err.status === 401 && !publicPage) {
      location.replace(loginUrl());
      return true;
    }
    if (err instanceof ApiError && err.status === 403 && !publicPage) {
      stopped = true;
      stream?.stop();
      root.hidden = true;
      noAccess(gate, scenario, me);
      return true;
    }
    return false;
  };

  let retry = null;
  let failures = 0;
  const loadAll = async () => {
    clearTimeout(retry);
    if (stopped) return;
    try {
      await Promise.all(list.filter((p) => p.load).map((p) => p.load()));
      clearError("load");
      failures = 0;
    } catch (err) {
      if (refused(err)) return;
      failures += 1;
      showError("load", () => describe(err));
      const wait = err instanceof ApiError && err.retryAfter ? err.retryAfter * 1000 : Math.min(60000, 5000 * failures);
      retry = setTimeout(loadAll, wait);
    }
  };
  for (const p of list.filter((x) => x.refreshMs && x.load)) {
    const again = async () => {
      if (stopped) return;
      try {
        await p.load();
        clearError("refresh");
      } catch (err) {
        if (!refused(err)) showError("refresh", () => describe(err));
      }
      setTimeout(again, p.refreshMs);
    };
    setTimeout(again, p.refreshMs);
  }

  const byTopic = new Map();
  for (const p of list) for (const topic of p.topics ?? []) {
    if (!byTopic.has(topic)) byTopic.set(topic, []);
    byTopic.get(topic).push(p);
  }
  stream = new LiveStream(publicPage ? "/api/public/stream" : `/api/stream/${scenario}`, {
    onState: (s) => {
      state.setStream(s);
      refresh();
    },
    onHeartbeat: (hb) => {
      state.heartbeat(hb);
      refresh();
    },
    onOpen: (again) => {
      clearError("stream");
      if (again) loadAll();
    },
    onEvent: (msg) => {
      const takers = msg?.data ? byTopic.get(msg.topic) : null;
      if (!takers) return;
      state.event(eventTime(msg.data) ?? Date.now());
      for (const p of takers) p.onEvent(msg.data, msg);
    },
    async onRefused() {
      if (publicPage) return true;
      // EventSource does not say why; ask who we are to tell an expired session from an outage.
      try {
        const now = await api("/api/auth/me");
        if (!now.scenarios?.includes(scenario)) {
          refused(new ApiError(403, "no access"));
          return false;
        }
      } catch (err) {
        if (refused(err)) return false;
        showError("stream", () => describe(err));
      }
      return true;
    },
  });
  // The stream first: events that arrive while the starting state loads are not lost (panels
  // keep the newer of the two).
  stream.start();
  await loadAll();
  refresh();
  return ctx;
}
