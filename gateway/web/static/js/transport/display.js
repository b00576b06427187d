// The kiosk's frame as a gate display: no site navigation, no sign-out -- only the gate's name
// and the language switch. With ?gate=<id> the gate is fixed (the selector is hidden), so a
// display mounted at a gate opens /transport/kiosk.html?gate=gate-hsr-1 and stays there.
import { h } from "../format.js";
import { applyI18n, nameOf, onLangChange, t, toggleLang } from "../i18n.js";
import { loadMe } from "../shell.js";

/**
 * Draw the display frame into #app-header; resolves to the signed-in user (or null).
 * `gates` are the known gate ids; `select` is the page's gate <select>, hidden when fixed.
 */
export async function kioskFrame(gates, select) {
  document.body.classList.add("tr-kiosk-display");
  const wanted = new URLSearchParams(location.search).get("gate");
  const fixed = gates.includes(wanted) ? wanted : null;
  const name = h("span", { class: "tr-kiosk-gate", dataset: { testid: "kiosk-gate-name" } });
  const lang = h("button", { type: "button", class: "btn btn-ghost lang-switch",
    dataset: { testid: "lang-switch", i18n: "lang.switch" }, onclick: () => toggleLang() });
  document.getElementById("app-header").replaceChildren(
    h("div", { class: "container tr-kiosk-bar" }, name, h("div", { id: "kiosk-live" }), lang));
  const label = () => { name.textContent = fixed ? nameOf("gate", fixed) : t("tro.kiosk.display"); };
  label();
  onLangChange(label);
  applyI18n(document);
  if (fixed && select) {
    select.closest("label").hidden = true;
  }
  const { me } = await loadMe();
  return me;
}
