// Header, navigation, language switch and signed-in user: the frame of every page.
import { api, ApiError, showError, describe } from "./api.js";
import { h } from "./format.js";
import { applyI18n, getLang, onLangChange, t, toggleLang } from "./i18n.js";

export const CONSOLES = ["tourism", "medical", "agri", "transport"];

const LOGO = `<svg viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
  <rect width="32" height="32" rx="8" fill="currentColor"/>
  <path d="M9 21a10 10 0 0 1 14 0M12 18a6 6 0 0 1 8 0" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round"/>
  <circle cx="16" cy="22.5" r="2" fill="#fff"/>
  <path d="M6 14a15 15 0 0 1 20 0" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" opacity=".55"/>
</svg>`;

let mePromise = null;

/**
 * The signed-in user ({username, display_name, role, care_team, scenarios}), or null when not
 * signed in (GET /api/auth/session answers 200 either way, so a visitor's page logs no 401).
 * Other failures (gateway down) resolve to null too, with `error` set.
 */
export function loadMe() {
  if (!mePromise) {
    mePromise = api("/api/auth/session").then(
      (s) => ({ me: s?.user ?? null, error: null }),
      (error) => ({ me: null, error: error instanceof ApiError && error.status === 401 ? null : error }),
    );
  }
  return mePromise;
}

/** The user's display name in the page's language (the user name when there is none). */
export function displayName(me) {
  if (!me) return "";
  return (getLang() === "en" ? me.display_name_en : me.display_name) || me.username;
}

/** Where the login page should bring the user back to: this page. */
export function loginUrl() {
  const next = location.pathname + location.search;
  return `/login.html?next=${encodeURIComponent(next)}`;
}

function navItems() {
  return [
    { id: "home", href: "/", key: "nav.home" },
    { id: "public", href: "/public.html", key: "nav.public" },
    ...CONSOLES.map((c) => ({ id: c, href: `/console/${c}.html`, key: `nav.${c}`, console: true })),
  ];
}

async function signOut() {
  try {
    await api("/api/auth/logout", { method: "POST" });
  } catch (err) {
    showError("signout", () => describe(err));
    return;
  }
  location.assign("/");
}

/**
 * Render the header into #app-header and the footer into #app-footer, translate the static
 * markup, and resolve to {me, error} (see loadMe). `page` is the id of the current nav item.
 */
export async function renderShell({ page, fetchUser = true } = {}) {
  const header = document.getElementById("app-header");
  const brand = h("a", { class: "brand", href: "/" });
  brand.innerHTML = LOGO;
  brand.append(h("span", { class: "brand-text" },
    h("span", { class: "brand-name", dataset: { i18n: "app.name" } }),
    h("span", { class: "brand-short", dataset: { i18n: "app.short" } }),
    h("span", { class: "brand-tagline", dataset: { i18n: "app.tagline" } })));

  const nav = h("nav", { class: "nav", dataset: { i18nAttr: "aria-label:nav.aria" } });
  const links = new Map();
  for (const item of navItems()) {
    const a = h("a", { href: item.href, class: "nav-link", dataset: { nav: item.id },
      "aria-current": item.id === page ? "page" : null }, h("span", { dataset: { i18n: item.key } }));
    links.set(item.id, a);
    nav.append(a);
  }

  const langBtn = h("button", { type: "button", class: "btn btn-ghost lang-switch",
    dataset: { testid: "lang-switch", i18n: "lang.switch", i18nAttr: "title:lang.switch.title;aria-label:lang.switch.title" },
    onclick: () => toggleLang() });
  const user = h("div", { class: "user", dataset: { testid: "user-area" } });
  const actions = h("div", { class: "header-actions" }, langBtn, user);

  header.replaceChildren(h("div", { class: "header-row container" }, brand, actions),
    h("div", { class: "nav-row" }, h("div", { class: "container" }, nav)));

  const footer = document.getElementById("app-footer");
  if (footer) {
    footer.replaceChildren(h("div", { class: "container" }, h("span", { dataset: { i18n: "app.footer" } })));
  }
  applyI18n(document);

  const result = fetchUser ? await loadMe() : { me: null, error: null };
  const renderUser = () => {
    const { me } = result;
    if (me) {
      user.replaceChildren(
        h("span", { class: "user-name", title: `${t("user.signed_in_as")} ${me.username} (${t(`role.${me.role}`)})`,
          dataset: { testid: "user-name" } }, displayName(me)),
        h("button", { type: "button", class: "btn btn-ghost", dataset: { testid: "sign-out" },
          onclick: signOut }, t("user.signout")));
    } else if (page !== "login") {
      user.replaceChildren(h("a", { class: "btn btn-primary", href: loginUrl(),
        dataset: { testid: "sign-in" } }, t("user.signin")));
    } else {
      user.replaceChildren();
    }
    for (const c of CONSOLES) {
      const locked = !!result.me && !result.me.scenarios?.includes(c);
      const a = links.get(c);
      a.classList.toggle("locked", locked);
      a.title = locked ? t("nav.locked") : "";
    }
  };
  renderUser();
  onLangChange(renderUser);
  const current = links.get(page);
  if (current && nav.scrollWidth > nav.clientWidth) nav.scrollLeft = current.offsetLeft - 16;
  return result;
}
