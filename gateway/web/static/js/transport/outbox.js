// transport/sms-outbox.html (station-ops): the demo SMS gateway's outbox -- the codes that
// would reach passengers' booking phones --, the enrolment audit log (codes, enrolments,
// withdrawals, every refusal, staff overrides), and ticketing's issue / manifest import.
import { api, describe, showError, clearError, ApiError } from "../api.js";
import { clock, h } from "../format.js";
import { codeText, has, nameOf, onLangChange, t } from "../i18n.js";
import { loginUrl, renderShell } from "../shell.js";
import "./i18n.js";
import { STATIONS } from "./common.js";

const REFRESH_MS = 3000;
const $ = (id) => document.getElementById(id);
let data = null;

function table(rows, cols, empty, testid) {
  if (!rows.length) return h("p", { class: "waiting" }, t(empty));
  return h("table", { class: "data-table", dataset: { testid } },
    h("thead", {}, h("tr", {}, ...cols.map(([key]) => h("th", {}, t(key))))),
    h("tbody", {}, ...rows.map((r) => h("tr", { dataset: { action: r.action || "" } },
      ...cols.map(([, get, cls]) => h("td", { class: cls || "" }, get(r)))))));
}

/**
 * The audit entry's detail: staff's own words as written; otherwise the service's internal
 * reason code (a snake_case word, never a sentence), in words when it is also an enrolment
 * refusal the passenger was told (consent_missing → ENROL_REFUSAL_CONSENT_MISSING), else as code.
 */
function refusalOrNote(e) {
  if (!e.reason) return "";
  if (e.action === "manual_override") return e.reason;
  const key = `tro.refuse.ENROL_REFUSAL_${String(e.reason).toUpperCase()}`;
  return has(key) ? t(key) : h("code", {}, e.reason);
}

function render() {
  if (!data) return;
  const when = (ts) => (ts ? clock(Date.parse(ts)) : "");
  $("outbox").replaceChildren(table(data.outbox, [
    ["tro.f.sent", (m) => when(m.sent)], ["tr.ticket_id", (m) => m.ticket_id],
    ["tro.f.to", (m) => m.phone_masked], ["tro.f.body", (m) => h("q", { lang: m.lang || "zh-CN" }, m.body), "tr-body"]],
  "tro.outbox.empty", "tro-outbox-table"));
  $("audit").replaceChildren(table(data.audit, [
    ["tr.f.time", (e) => when(e.at)], ["tr.ticket_id", (e) => e.ticket_id],
    ["tro.f.action", (e) => (has(`tro.action.${e.action}`) ? t(`tro.action.${e.action}`) : e.action)],
    ["tro.f.detail", (e) => refusalOrNote(e)],
    ["tro.f.actor", (e) => h("code", {}, e.actor)]], "tro.audit.empty", "tro-audit-table"));
}

async function refresh() {
  const [outbox, audit] = await Promise.all([api("/api/transport/sms-outbox?limit=30"),
    api("/api/transport/enrolment-audit?limit=50")]);
  data = { outbox, audit };
  render();
}

async function loop() {
  try {
    await refresh();
    clearError("outbox");
  } catch (err) {
    showError("outbox", () => describe(err));
  }
  setTimeout(loop, REFRESH_MS);
}

function done(r) {
  const refused = r.refusals || [];
  $("issue-result").textContent = t("tro.issue.done", { issued: r.issued, unchanged: r.unchanged, refused: refused.length })
    + refused.map((x) => ` ${t("tro.issue.refusal", { ticket: x.ticket_id, why: codeText("err.transport.", x.why) })}`).join("");
}

async function issue(ev) {
  ev.preventDefault();
  clearError("outbox");
  const f = ev.target;
  const ticket = { fare_fen: Number(f.fare_fen.value), departure: new Date(f.departure.value).toISOString() };
  for (const k of ["ticket_id", "trip_id", "seat", "station_id", "passenger_name", "id_number", "phone"]) ticket[k] = f[k].value.trim();
  try {
    done(await api("/api/transport/manifest", { method: "POST", body: { tickets: [ticket] } }));
    await refresh();
  } catch (err) {
    showError("outbox", () => describe(err));
  }
}

async function importCsv(ev) {
  const file = ev.target.files[0];
  if (!file) return;
  try {
    const res = await fetch("/api/transport/manifest", { method: "POST", body: await file.text(),
      headers: { "content-type": "text/csv" }, credentials: "same-origin" });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw ApiError.from(res, body);
    done(body);
  } catch (err) {
    showError("outbox", () => describe(err));
  }
  ev.target.value = "";
}

async function main() {
  const { me } = await renderShell({ page: "transport" });
  if (!me) {
    location.assign(loginUrl());
    return;
  }
  const select = $("issue-station");
  const options = () => select.replaceChildren(...STATIONS.map((s) => h("option", { value: s }, nameOf("station", s))));
  options();
  onLangChange(() => { options(); render(); });
  $("issue-form").addEventListener("submit", issue);
  $("issue-csv").addEventListener("change", importCsv);
  loop();
}

main();
