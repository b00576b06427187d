// Previous / "from–to of total" / next under a list that is shown one page at a time.
import { h } from "../format.js";
import { t } from "../i18n.js";

/**
 * The pager of a list shown `pageSize` items at a time, or null when it fits on one page.
 *
 * - `offset`: index of the first item shown; `shown`: how many are shown; `total`: all items.
 * - `onPage(newOffset)`: called with the offset of the page asked for (the caller loads and
 *   renders it; offsets stay within 0 … total - 1).
 * - `testid`: prefix of the test ids: `<testid>-prev`, `<testid>-range`, `<testid>-next`.
 */
export function pager({ offset, shown, total, pageSize, onPage, testid }) {
  if (total <= pageSize && offset === 0) return null;
  const from = total ? offset + 1 : 0;
  const to = offset + shown;
  return h("div", { class: "pager", dataset: { testid: `${testid}-pager` } },
    h("button", { type: "button", class: "btn", disabled: offset === 0, dataset: { testid: `${testid}-prev` },
      onclick: () => onPage(Math.max(0, offset - pageSize)) }, t("pager.prev")),
    h("span", { class: "panel-summary", dataset: { testid: `${testid}-range` } }, t("pager.range", { from, to, total })),
    h("button", { type: "button", class: "btn", disabled: to >= total, dataset: { testid: `${testid}-next` },
      onclick: () => onPage(offset + pageSize) }, t("pager.next")));
}
