// The connection indicator of a live page (data-testid live-status / last-event-time): live,
// reconnecting, or stale since a time and why, from a LiveState snapshot.
import { depName } from "../api.js";
import { clock, h } from "../format.js";
import { joinList, onLangChange, t } from "../i18n.js";

export class LiveIndicator {
  constructor(container) {
    this.dot = h("span", { class: "live-dot", "aria-hidden": "true" });
    this.label = h("span", { class: "live-label" });
    this.detail = h("span", { class: "live-detail", dataset: { testid: "live-detail" } });
    this.status = h("span", { class: "live-status", dataset: { testid: "live-status", state: "connecting" },
      role: "status", "aria-live": "polite" }, this.dot, this.label);
    this.timeLabel = h("span", { class: "live-time-label" });
    this.time = h("time", { class: "live-time", dataset: { testid: "last-event-time" } });
    this.el = h("div", { class: "live" }, this.status, this.detail,
      h("span", { class: "live-last" }, this.timeLabel, " ", this.time));
    container?.append(this.el);
    this.snap = { state: "connecting", since: null, down: [], lastEvent: null };
    onLangChange(() => this.render(this.snap));
  }

  render(snap) {
    this.snap = snap;
    const { state, since, down, lastEvent } = snap;
    this.status.dataset.state = state;
    this.label.textContent = t(`live.${state}`);
    const parts = [];
    if (state === "stale" && down.length) parts.push(t("live.down", { list: joinList(down.map(depName)) }));
    if ((state === "stale" || state === "reconnecting") && since !== null) parts.push(t("live.as_of", { time: clock(since) }));
    this.detail.textContent = parts.join(" · ");
    this.detail.hidden = parts.length === 0;
    this.timeLabel.textContent = `${t("live.last_event")}:`;
    if (lastEvent === null) {
      this.time.textContent = t("live.no_event");
      this.time.removeAttribute("datetime");
    } else {
      this.time.textContent = clock(lastEvent);
      this.time.setAttribute("datetime", new Date(lastEvent).toISOString());
    }
  }
}
