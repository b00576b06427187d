// Number and time formatting shared by the pages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ageText, fmt, fmtInt, isNewer, num, num0, parseTime } from "../static/js/format.js";
import { setLang } from "../static/js/i18n.js";

test("fmt: decimals, units, unknowns and no negative zero", () => {
  assert.equal(fmt(21.456, 1, "°C"), "21.5°C");
  assert.equal(fmt(-0.04, 1, "°C"), "0.0°C");
  assert.equal(fmt(-0.4, 0), "0");
  assert.equal(fmt(-1.25, 1, "mm"), "-1.3 mm");
  assert.equal(fmt(55, 0, "%"), "55%");
  assert.equal(fmt(null), "—");
  assert.equal(fmt("12.5", 1, "km"), "12.5 km");
});

test("num: proto3 JSON numbers, 64-bit ints as strings, missing zeros", () => {
  assert.equal(num("42"), 42);
  assert.equal(num(""), null);
  assert.equal(num(undefined), null);
  assert.equal(num0(undefined), 0);
  assert.equal(fmtInt("12345"), "12,345");
});

test("times: RFC 3339 with nanoseconds, newer by event time", () => {
  assert.equal(parseTime("2026-01-02T03:04:05.123456789Z"), Date.UTC(2026, 0, 2, 3, 4, 5, 123));
  const at = (s) => ({ meta: { event_time: s } });
  assert.ok(isNewer(at("2026-01-01T00:00:01Z"), at("2026-01-01T00:00:02Z")));
  assert.ok(!isNewer(at("2026-01-01T00:00:02Z"), at("2026-01-01T00:00:01Z")));
  assert.ok(isNewer(null, at("2026-01-01T00:00:01Z")));
});

test("ageText in both languages", () => {
  setLang("en");
  assert.equal(ageText(12_000), "12 s");
  assert.equal(ageText(5 * 60_000), "5 min");
  setLang("zh-CN");
  assert.equal(ageText(3 * 3600_000), "3 小时");
});
