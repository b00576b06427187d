// The connection state behind every live page's indicator, on a fake clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LiveState } from "../static/js/console/live-state.js";

function clock() {
  const c = { ms: 1_000_000 };
  c.now = () => c.ms;
  return c;
}

test("live only with an open stream and a recent heartbeat that says all is up", () => {
  const c = clock();
  const s = new LiveState({ now: c.now, timeoutMs: 7000 });
  assert.equal(s.snapshot().state, "connecting");
  s.setStream("live");
  assert.equal(s.snapshot().state, "connecting"); // open, no heartbeat yet
  s.heartbeat({ ok: true, down: [] });
  assert.equal(s.snapshot().state, "live");
  c.ms += 6000;
  assert.equal(s.snapshot().state, "live");
  c.ms += 2000; // 8 s without a heartbeat
  const snap = s.snapshot();
  assert.equal(snap.state, "stale");
  assert.equal(snap.since, 1_000_000);
});

test("a heartbeat naming a dependency down makes the data stale since the last good one", () => {
  const c = clock();
  const s = new LiveState({ now: c.now });
  s.setStream("live");
  s.heartbeat({ ok: true, down: [] });
  c.ms += 3000;
  s.heartbeat({ ok: false, down: ["kafka", "redis"] });
  assert.deepEqual(s.snapshot(), { state: "stale", since: 1_000_000, down: ["kafka", "redis"], lastEvent: null });
  c.ms += 3000;
  s.heartbeat({ ok: true, down: [] });
  assert.equal(s.snapshot().state, "live");
  assert.equal(s.snapshot().since, 1_006_000);
});

test("a dropped stream is reconnecting, and says how old the data is", () => {
  const c = clock();
  const s = new LiveState({ now: c.now });
  s.setStream("live");
  s.heartbeat({ ok: true });
  s.event(999_000);
  s.event(998_000); // an older event does not move the last event back
  s.setStream("reconnecting");
  assert.deepEqual(s.snapshot(), { state: "reconnecting", since: 1_000_000, down: [], lastEvent: 999_000 });
});
