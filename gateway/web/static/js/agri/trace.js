// The public traceability page (/trace.html?code=…), reached by QR: the batch's EPCIS event
// chain from sowing to sale, verified by the service when read; a broken chain is shown as such.
import { api, describe } from "../api.js";
import { h } from "../format.js";
import { onLangChange, t } from "../i18n.js";
import { renderShell } from "../shell.js";
import { label } from "./common.js";

const root = document.getElementById("trace-root");
let current = null;

function render() {
  const form = h("form", { class: "agri-controls", onsubmit: (e) => {
    e.preventDefault();
    const code = e.target.code.value.trim();
    if (code) window.location.search = `?code=${encodeURIComponent(code)}`;
  } }, h("input", { name: "code", value: current?.code ?? "", "aria-label": t("trace.code"), placeholder: t("trace.code") }),
  h("button", { class: "btn btn-primary", type: "submit" }, t("trace.lookup")));
  if (!current) {
    root.replaceChildren(form);
    return;
  }
  if (current.error) {
    root.replaceChildren(form, h("p", { class: "trace-banner crit", dataset: { testid: "trace-error" } }, current.error));
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
    const qty = (ev.quantityList || [])[0];
    const inputs = (ev["zz:inputs"] || []).map((i) => `${i.name}${i.kg_per_ha ? ` ${i.kg_per_ha} kg/ha` : ""}${i.mm ? ` ${i.mm} mm` : ""}`);
    return h("li", { class: e.valid ? "" : "invalid", dataset: { testid: "trace-event", valid: String(!!e.valid), seq: String(e.seq ?? 0) } },
      h("strong", {}, `${(e.seq ?? 0) + 1}. ${label("biz", step)}`), " · ", e.event_type, " · ",
      new Date(ev.eventTime).toLocaleDateString(document.documentElement.lang),
      qty ? ` · ${qty.quantity} ${qty.uom}` : "", inputs.length ? ` · ${inputs.join(", ")}` : "",
      " ", h("span", { class: e.valid ? "ok" : "crit" }, e.valid ? t("trace.event.valid") : t("trace.event.invalid")),
      h("div", { class: "trace-hash" }, `${t("trace.hash")}: ${e.hash}`));
  });
  const fs = b.field_summary || {};
  root.replaceChildren(form,
    h("h2", { dataset: { testid: "trace-product" } }, b.product),
    h("p", {}, `${t("trace.code")}: `, h("code", {}, b.code), " · ", `${t("trace.field")}: ${fs.name ?? b.field_id}`,
      fs.crop ? ` (${label("crop", fs.crop)})` : "", fs.gdd ? ` · ${t("agri.gdd")} ${Number(fs.gdd).toFixed(0)} °C·d` : ""),
    banner, h("ol", { class: "trace-events" }, events));
}

async function main() {
  await renderShell({ page: "trace", fetchUser: false });
  const code = new URLSearchParams(window.location.search).get("code");
  if (code) {
    try {
      current = { code, batch: await api(`/api/public/agri/trace/${encodeURIComponent(code)}`) };
    } catch (err) {
      current = { code, error: err.status === 404 ? t("trace.notfound") : describe(err) };
    }
  }
  render();
  onLangChange(render);
}

main();
