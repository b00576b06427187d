// The string tables: both languages have the same keys, English has no Chinese, and Chinese has
// no Latin words but the units, standards and names of the allow-list below.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const JS = resolve(dirname(fileURLToPath(import.meta.url)), "../static/js");
const i18n = await import(pathToFileURL(join(JS, "i18n.js")));
for (const dir of readdirSync(JS, { withFileTypes: true })) {
  if (dir.isDirectory()) {
    for (const f of readdirSync(join(JS, dir.name))) {
      if (f === "i18n.js") await import(pathToFileURL(join(JS, dir.name, f)));
    }
  }
}
const DICT = i18n.dictionaries();

// Strings that name the other language on purpose (the language switch).
const OTHER_LANGUAGE = new Set(["lang.switch", "lang.switch.title"]);
// Latin words a Chinese sentence may hold: units, standards and product names, codes.
export const LATIN_OK = new Set(["NEWS2", "PM2", "SpO2", "NEWS", "PM", "SpO", "FHIR", "R4", "G", "EN", "ID", "QR", "CSV", "SMS",
  "bpm", "mmHg", "min", "mm", "km", "kg", "ha", "dB", "lx", "h", "s", "m", "µg", "THI", "ECharts", "vendor",
  "echarts", "js", "JPEG", "PNG", "WebP", "MB", "GDD", "SHA", "AES", "GCM", "EPCIS", "HSR", "ACVPU", "A", "C",
  "V", "P", "U", "kPa", "kHz", "cm", "pH", "N", "P2O5", "K2O", "CO2", "UTC", "API", "ETA"]);
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

test("zh-CN and en have the same keys", () => {
  const zh = new Set(Object.keys(DICT["zh-CN"]));
  const en = new Set(Object.keys(DICT.en));
  assert.deepEqual([...zh].filter((k) => !en.has(k)), [], "missing in en");
  assert.deepEqual([...en].filter((k) => !zh.has(k)), [], "missing in zh-CN");
});

test("the placeholders of a string are the same in both languages", () => {
  const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(",");
  const off = Object.keys(DICT.en).filter((k) => k in DICT["zh-CN"] && names(DICT.en[k]) !== names(DICT["zh-CN"][k]));
  assert.deepEqual(off, []);
});

test("English strings hold no Chinese", () => {
  const bad = Object.entries(DICT.en).filter(([k, v]) => !OTHER_LANGUAGE.has(k) && CJK.test(v));
  assert.deepEqual(bad, []);
});

test("Chinese strings hold no Latin words outside the allow-list", () => {
  const bad = [];
  for (const [k, v] of Object.entries(DICT["zh-CN"])) {
    if (OTHER_LANGUAGE.has(k)) continue;
    const text = v.replace(/\{\w+\}/g, "").replace(/\/[\w./-]+/g, "");
    for (const word of text.match(/[A-Za-zµ][A-Za-z0-9µ]*/g) ?? []) {
      if (!LATIN_OK.has(word)) bad.push(`${k}: ${word}`);
    }
  }
  assert.deepEqual(bad, []);
});

test("t fills placeholders and falls back to the key", () => {
  assert.equal(i18n.t("err.rate_limited", { s: 7 }), "请求过于频繁，请 7 秒后再试");
  assert.equal(i18n.t("no.such.key"), "no.such.key");
  i18n.setLang("en");
  assert.equal(i18n.t("err.rate_limited", { s: 7 }), "Too many requests; try again in 7 s");
  assert.equal(i18n.nameOf("patient", "p-1001"), "Patient p-1001");
  assert.equal(i18n.nameOf("area", "nowhere"), "nowhere");
  assert.equal(i18n.joinList(["a", "b"]), "a, b");
  i18n.setLang("zh-CN");
  assert.equal(i18n.joinList(["甲", "乙"]), "甲、乙");
});
