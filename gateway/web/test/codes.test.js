// The pages translate the codes the protos declare: every translation table of a proto enum
// (addCodeTable in js/<scenario>/i18n.js) has a string for each value that `make proto` put into
// js/contracts.js (ENUMS) and none for a value the proto does not declare, in both languages;
// every enum is translated somewhere or named below with the reason it is not.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const JS = resolve(dirname(fileURLToPath(import.meta.url)), "../static/js");
const i18n = await import(pathToFileURL(join(JS, "i18n.js")));
const { ENUMS } = await import(pathToFileURL(join(JS, "contracts.js")));
for (const dir of readdirSync(JS, { withFileTypes: true })) {
  if (dir.isDirectory()) {
    for (const f of readdirSync(join(JS, dir.name))) {
      if (f === "i18n.js") await import(pathToFileURL(join(JS, dir.name, f)));
    }
  }
}
const DICT = i18n.dictionaries();
const TABLES = i18n.codeTables();

// Enums no page shows, each with the reason.
const NOT_SHOWN = {
  "zezhou5g.common.v1.Visibility": "how a topic may be streamed: read by the gateway, never shown",
};

/** The values a table must translate: the enum's, less the zero value unless it asks for it. */
function expected(table) {
  const values = ENUMS[table.enumName];
  return values.filter((v, i) => table.unspecified || !(i === 0 && v.endsWith("_UNSPECIFIED")));
}

test("contracts.js lists the enums of the protos, zero value first", () => {
  assert.ok(Object.keys(ENUMS).length >= 10, "ENUMS looks empty: run `make proto`");
  for (const [name, values] of Object.entries(ENUMS)) {
    assert.match(name, /^zezhou5g\.\w+\.v\d+\.[\w.]+$/);
    assert.ok(values[0].endsWith("_UNSPECIFIED"), `${name}: ${values[0]}`);
  }
});

test("every code table names a declared enum, once", () => {
  const names = TABLES.map((tb) => tb.enumName);
  assert.deepEqual(names.filter((n) => !(n in ENUMS)), [], "tables of enums the protos do not declare");
  assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], "enums with two tables");
});

/** The codes a language's strings lack, and the strings for codes the proto does not declare. */
function compare(table, strings) {
  const want = expected(table);
  const keys = Object.keys(strings).filter((k) => k.startsWith(table.prefix)).map((k) => k.slice(table.prefix.length));
  return { missing: want.filter((v) => !keys.includes(v)).sort(), extra: keys.filter((k) => !want.includes(k)).sort() };
}

for (const table of TABLES) {
  test(`${table.enumName} is translated in full by ${table.prefix}*`, () => {
    if (!(table.enumName in ENUMS)) return; // reported by the test above
    for (const lang of i18n.LANGS) {
      assert.deepEqual(compare(table, DICT[lang]), { missing: [], extra: [] }, lang);
    }
  });
}

test("every enum is translated or said not to be shown", () => {
  const tabled = new Set(TABLES.map((tb) => tb.enumName));
  const neither = Object.keys(ENUMS).filter((n) => !tabled.has(n) && !(n in NOT_SHOWN));
  assert.deepEqual(neither, [], "add a table with addCodeTable, or a reason to NOT_SHOWN");
  const both = Object.keys(NOT_SHOWN).filter((n) => tabled.has(n) || !(n in ENUMS));
  assert.deepEqual(both, [], "NOT_SHOWN names an enum that is translated or not declared");
});

test("a table that lacks a code or has an undeclared one is caught", () => {
  const table = { enumName: "zezhou5g.medical.v1.ClinicalRisk", prefix: "news2.risk.", unspecified: false };
  const strings = { "news2.risk.CLINICAL_RISK_LOW": "low", "news2.risk.CLINICAL_RISK_MEDIUM": "medium",
    "news2.risk.CLINICAL_RISK_HIGH": "high", "news2.risk.low": "low", "news2.risk_text": "{risk} risk" };
  assert.deepEqual(compare(table, strings), { missing: ["CLINICAL_RISK_LOW_MEDIUM"], extra: ["low"] });
  assert.deepEqual(compare({ ...table, unspecified: true }, strings).missing,
    ["CLINICAL_RISK_LOW_MEDIUM", "CLINICAL_RISK_UNSPECIFIED"]);
});

test("codeText translates a code with its params and falls back when unknown", async () => {
  const news2 = await import(pathToFileURL(join(JS, "medical/news2.js")));
  i18n.setLang("en");
  try {
    assert.equal(news2.monitoringText("MONITORING_FREQUENCY_EVERY_1_H"), "every 1 h");
    assert.equal(news2.riskName(news2.riskOf("CLINICAL_RISK_LOW_MEDIUM")), "low-medium");
    assert.equal(news2.responseText("NO_SUCH_CODE"), i18n.t("common.unknown"));
    assert.equal(news2.alertReasonText({ escalation_level: 1, why: { code: "ALERT_REASON_CODE_ESCALATED", waited_s: 120 } }),
      "not acknowledged within 120 s: escalated to the senior clinician");
    assert.equal(news2.alertReasonText({ news2_aggregate: 9, clinical_risk: "CLINICAL_RISK_HIGH",
      why: { code: "ALERT_REASON_CODE_BAND_FELL", risk: "CLINICAL_RISK_LOW", news2_aggregate: 2 } }),
    "NEWS2 2: band fell to low");
    assert.equal(news2.alertReasonText({ news2_aggregate: 7, clinical_risk: "CLINICAL_RISK_HIGH",
      why: { code: "ALERT_REASON_CODE_BAND_ROSE" } }), "NEWS2 7: band rose to high");
    i18n.setLang("zh-CN");
    assert.equal(news2.alertReasonText({ acknowledged_by: "dr-wang", why: { code: "ALERT_REASON_CODE_ACKNOWLEDGED" } }),
      "dr-wang 已确认");
    const n = news2.news2Of({ news2: { aggregate: 7, clinical_risk: "CLINICAL_RISK_HIGH",
      monitoring_frequency: "MONITORING_FREQUENCY_CONTINUOUS", clinical_response: "CLINICAL_RESPONSE_EMERGENCY" } });
    assert.deepEqual([n.risk, n.rank, news2.monitoringText(n.monitoring)], ["high", 3, "持续监测"]);
  } finally {
    i18n.setLang("zh-CN");
  }
});

test("transport decisions are worded from their codes; the styles get short words", async () => {
  const common = await import(pathToFileURL(join(JS, "transport/common.js")));
  i18n.setLang("en");
  try {
    assert.equal(common.reasonText("DECISION_REASON_WRONG_STATION"), "Ticket for another station");
    assert.equal(common.outcomeText(undefined), "Not admitted"); // zero value left out of the JSON
    assert.equal(common.modeText(undefined), "");
    assert.deepEqual(["OUTCOME_OPEN", "OUTCOME_MANUAL", "OUTCOME_DENY", undefined].map(common.outcomeWord),
      ["open", "manual", "deny", "deny"]);
    i18n.setLang("zh-CN");
    assert.equal(common.laneText("LANE_MANUAL"), "人工");
    assert.equal(common.reasonText("DECISION_REASON_NOT_A_CODE"), i18n.t("common.unknown"));
  } finally {
    i18n.setLang("zh-CN");
  }
});
