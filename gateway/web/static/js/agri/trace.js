// The public traceability page (/trace.html?code=…), reached by QR from the pack: what happened
// to this batch, where, when and how much, in words, from sowing to sale; the service verifies
// the EPCIS record chain when read, and the hashes stay behind a "how this was checked" detail.
import { api, describe } from "../api.js";
import { h } from "../format.js";
import { getLang, has, onLangChange, t } from "../i18n.js";
import { renderShell } from "../shell.js";
import { label } from "./common.js";
import "./i18n.js";

const root = document.getElementById("trace-root");
let current = null;

const date = (s) => new Date(s).toLocaleDateString(getLang(), { year: "numeric", month: "long", day: "numeric" });
const n = (v) => Number(v).toLocaleString(getLang());

/** Where an event happened, from its read point: a field by name, else the kind of place. */
function where(ev, step) {
  const id = String(ev.readPoint?.id ?? "");
  const field = id.match(/:field:(.+)$/)?.[1];
  if (field) return has(`field.${field}`) ? t(`field.${field}`) : field;
  return t(has(`trace.place.${step}`) ? `trace.place.${step}` : "trace.place.other");
}

/** What happened, in a sentence with its amounts (kg, ha, mm from the record). */
function what(ev, step) {
  const qty = (ev.quantityList || [])[0];
  const input = (ev["zz:inputs"] || [])[0] ?? {};
  const kg = qty?.uom === "KGM" ? n(qty.quantity) : null;
  switch (step) {
    case "sowing": return t("trace.what.sowing", { rate: n(input.kg_per_ha ?? qty?.quantity ?? 0) });
    case "applying": return t("trace.what.applying", { rate: n(input.kg_per_ha ?? 0) });
    case "irrigating": return t("trace.what.irrigating", { mm: n(input.mm ?? 0) });
    case "harvesting": return kg ? t("trace.what.harvesting", { kg }) : t("biz.harvesting");
    case "retail_selling": return kg ? t("trace.what.retail_selling", { kg }) : t("biz.retail_selling");
    default: return t(has(`trace.what.${step}`) ? `trace.what.${step}` : "trace.what.other");
  }
}

function render() {
  const form = h("form", { class: "agri-controls", onsubmit: (e) => {
    e.preventDefault();
    const code = e.target.code.value.trim();
    if (code) window.location.search = `?code=${encodeURIComponent(code)}`;
  } }, h("input", { name: "code", value: current?.code ?? "", "aria-label": t("trace.code"), placeholder: t("trace.code_example") }),
  h("button", { class: "btn btn-primary", type: "submit" }, t("trace.lookup")));
  if (!current) {
    root.replaceChildren(form);
    return;
  }
  if (current.error) {
    root.replaceChildren(form, h("p", { class: "trace-banner crit", dataset: { testid: "trace-error" } }, current.error()));
    return;
  }
  const b = current.batch;
  const banner = b.verified
    ? h("p", { class: "trace-banner ok", dataset: { testid: "trace-verified", ok: "true" } }, `✔ ${t("trace.verified")}`)
    : h("p", { class: "trace-banner crit", dataset: { testid: "trace-verified", ok: "false" } },
      `✘ ${t("trace.broken", { seq: (b.first_invalid_seq ?? 0) + 1 })}`);
  const events = (b.events || []).map((e) => {
    const ev = e.event || {};
    const step = String(ev.bizStep || "").split(/[:/]/).pop();
    return h("li", { class: e.valid ? "" : "invalid", dataset: { testid: "trace-event", valid: String(!!e.valid), seq: String(e.seq ?? 0) } },
      h("div", { class: "trace-step" }, h("strong", {}, label("biz", step)), " ", h("time", { datetime: ev.eventTime }, date(ev.eventTime))),
      h("div", {}, what(ev, step)),
      h("div", { class: "muted" }, t("trace.at", { place: where(ev, step) })),
      e.valid ? null : h("div", { class: "crit" }, t("trace.event.invalid")));
  });
  const fs = b.field_summary || {};
  const fieldName = has(`field.${b.field_id}`) ? t(`field.${b.field_id}`) : (getLang() === "en" ? fs.name_en : fs.name) || b.field_id;
  const proof = h("details", { class: "trace-proof", dataset: { testid: "trace-proof" } },
    h("summary", {}, t("trace.proof")),
    h("p", { class: "muted" }, t("trace.proof.how")),
    b.fetched_at ? h("p", { class: "muted", dataset: { testid: "trace-read-at" } },
      t("trace.read_at", { at: date(b.fetched_at) })) : null,
    h("ol", { class: "trace-hashes" }, (b.events || []).map((e) => h("li", {},
      `${label("biz", String(e.event?.bizStep || "").split(/[:/]/).pop())} · `,
      h("code", { class: "trace-hash", title: e.hash }, `${String(e.hash).slice(0, 12)}…`), " ",
      h("span", { class: e.valid ? "ok" : "crit" }, e.valid ? t("trace.event.valid") : t("trace.event.invalid"))))));
  root.replaceChildren(form,
    h("h2", { dataset: { testid: "trace-product" } }, has(`product.${b.code}`) ? t(`product.${b.code}`) : b.product),
    h("p", {}, `${t("trace.field")}: ${fieldName}`, fs.crop ? ` · ${label("crop", fs.crop)}` : "",
      " · ", `${t("trace.code")}: `, h("code", {}, b.code)),
    banner, h("ol", { class: "trace-events" }, events), proof);
}

async function main() {
  await renderShell({ page: "trace", fetchUser: false });
  const code = new URLSearchParams(window.location.search).get("code");
  if (code) {
    try {
      const batch = await api(`/api/public/agri/trace/${encodeURIComponent(code)}`);
      for (const e of batch.events || []) e.event = e.event ?? JSON.parse(e.epcis_json || "{}");
      current = { code, batch };
    } catch (err) {
      current = { code, error: () => (err.status === 404 ? t("trace.notfound") : describe(err)) };
    }
  }
  render();
  onLangChange(render);
}

main();
