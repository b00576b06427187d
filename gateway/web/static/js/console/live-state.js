// Whether what a page shows is live: the pure state behind the connection indicator (no DOM).
//
// A page's data is live while its stream is open and the gateway's heartbeats (every 3 s, see
// gateway/gateway/stream.py) arrive and say that every dependency of the stream is up. It is
// "stale" when a heartbeat names a dependency down (broker, state store, the service) or none
// has come for `timeoutMs`; "reconnecting" while the stream itself is down. `since` is when the
// data was last known to be live (the last good heartbeat), so a page can say "data as of …".

export const HEARTBEAT_TIMEOUT_MS = 7000;

export class LiveState {
  constructor({ now = () => Date.now(), timeoutMs = HEARTBEAT_TIMEOUT_MS } = {}) {
    this.now = now;
    this.timeoutMs = timeoutMs;
    this.stream = "connecting"; // the LiveStream's own state
    this.lastBeat = null; // ms of the latest heartbeat
    this.lastGood = null; // ms of the latest heartbeat that said all is up
    this.down = [];
    this.lastEvent = null; // ms of the latest data event (its event time when known)
  }

  /** The stream's state: "connecting" | "live" | "reconnecting". */
  setStream(state) {
    this.stream = state;
  }

  /** A heartbeat {ok, down}: received now. */
  heartbeat(hb) {
    const at = this.now();
    this.lastBeat = at;
    this.down = Array.isArray(hb?.down) ? hb.down.filter((d) => typeof d === "string") : [];
    if (hb?.ok === true && this.down.length === 0) this.lastGood = at;
  }

  /** A data event at `ms` (its event time), or now. */
  event(ms) {
    const at = ms ?? this.now();
    if (this.lastEvent === null || at > this.lastEvent) this.lastEvent = at;
  }

  /** {state, since, down, lastEvent}: state is "connecting" | "live" | "stale" | "reconnecting". */
  snapshot() {
    const now = this.now();
    const since = this.lastGood;
    if (this.stream === "reconnecting") {
      return { state: "reconnecting", since, down: this.down, lastEvent: this.lastEvent };
    }
    if (this.lastBeat === null) {
      // Open but no heartbeat yet: only the first moments after connecting.
      return { state: "connecting", since, down: [], lastEvent: this.lastEvent };
    }
    const overdue = now - this.lastBeat > this.timeoutMs;
    const ok = this.down.length === 0 && this.lastGood === this.lastBeat;
    if (!overdue && ok) return { state: "live", since, down: [], lastEvent: this.lastEvent };
    return { state: "stale", since, down: overdue ? [] : this.down, lastEvent: this.lastEvent };
  }
}
