// index.html: navigation to the consoles and the public page, and the live overview.
import { startConsole } from "../console/engine.js";
import { h } from "../format.js";
import { onLangChange, t } from "../i18n.js";
import { overviewPanels } from "../overview.js";
import { CONSOLES } from "../shell.js";

const cards = document.getElementById("console-cards");
let me = null;

function renderCards() {
  const items = [...CONSOLES.map((c) => ({ id: c, href: `/console/${c}.html` })),
    { id: "public", href: "/public.html" }];
  cards.replaceChildren(...items.map(({ id, href }) => {
    const locked = me && id !== "public" && !me.scenarios?.includes(id);
    return h("a", { class: `nav-card nav-card-${id}${locked ? " locked" : ""}`, href, dataset: { testid: `nav-card-${id}` } },
      h("span", { class: `sc-icon sc-${id}`, "aria-hidden": "true" }),
      h("span", { class: "nav-card-body" },
        h("strong", {}, t(`nav.${id}`)),
        h("span", { class: "nav-card-desc" }, t(`home.console.${id}`)),
        locked ? h("span", { class: "badge", dataset: { level: "muted" } }, t("nav.locked")) : null),
      h("span", { class: "nav-card-go", "aria-hidden": "true" }, "→"));
  }));
}
renderCards();
onLangChange(renderCards);
startConsole({ publicPage: true, page: "home", fetchUser: true, rootId: "overview", liveId: "overview-live",
  panels: overviewPanels({ compact: true }) }).then((ctx) => {
  me = ctx?.me ?? null;
  renderCards();
});
