// @ts-check
// Ecosystem health on the review page: the server's summary of one version (GET /canvases/{id}/health),
// per dimension (what the canvas covers, which findings stand against it) and per actor (gives versus
// gets, the activities, metrics and forums it is in). Read-only: it only shows what the server says.

import { getJSON } from "./api.js";
import { chip, clear, h } from "./dom.js";

const STATUS = { gaps: ["gaps", "sev-warning"], covered: ["covered", "accepted"], not_evidenced: ["not evidenced", "draft"] };

let shown = null; // {key, data}: the summary of the version on screen

const flows = (count, kinds) => (kinds.length ? `${count} (${kinds.map((k) => k.replace("_", " ")).join(", ")})` : String(count));
const parts = (items) => items.map((p) => (p.detail ? `${p.label} (${p.detail})` : p.label)).join("; ") || "—";

function dimensionRow(d) {
  const [label, kind] = STATUS[d.status];
  const open = d.findings.filter((f) => f.status === "open");
  return h(
    "tr",
    { dataset: { dimension: d.id } },
    h("th", { scope: "row" }, d.title),
    h("td", {}, chip(label, kind)),
    h("td", {}, parts(d.covered.slice(0, 6)), d.covered.length > 6 ? ` and ${d.covered.length - 6} more` : ""),
    h("td", {}, open.length ? h("ul", { class: "health-findings" }, open.map((f) => h("li", {}, chip(f.severity, `sev-${f.severity}`), " ", f.message))) : "—"),
  );
}

function actorRow(a) {
  return h(
    "tr",
    { dataset: { actorId: a.actor_id } },
    h("th", { scope: "row" }, a.name, a.tier ? [" ", chip(a.tier, "tier")] : null),
    h("td", {}, flows(a.gives, a.gives_kinds)),
    h("td", {}, flows(a.gets, a.gets_kinds)),
    h("td", {}, parts(a.activities)),
    h("td", {}, parts(a.metrics)),
  );
}

// In a scroll box of its own, so a narrow window scrolls the table, not the page.
/**
 * @param {string} cls
 * @param {string[]} labels
 * @param {HTMLElement[]} rows
 */
const table = (cls, labels, rows) =>
  h("div", { class: "table-scroll" }, h("table", { class: `health-table ${cls}` }, h("thead", {}, h("tr", {}, labels.map((t) => h("th", { scope: "col" }, t)))), h("tbody", {}, rows)));

/**
 * Render the health panel for the open version.
 * @param {HTMLElement} root
 * @param {{canvasId: string, version: number}} ctx
 */
export async function renderHealth(root, ctx) {
  const key = `${ctx.canvasId}:${ctx.version}`;
  let data = shown?.key === key ? shown.data : null;
  if (!data) {
    try {
      data = await getJSON(`/canvases/${encodeURIComponent(ctx.canvasId)}/health?version=${ctx.version}`);
    } catch (err) {
      clear(root, h("h3", {}, "Ecosystem health"), h("p", { class: "form-error" }, `Could not load the health summary: ${err.message}`));
      return;
    }
    shown = { key, data };
  }
  const gaps = data.dimensions.filter((d) => d.status === "gaps").length;
  const wasOpen = /** @type {HTMLDetailsElement | null} */ (root.querySelector(".health-details"))?.open || false;
  clear(
    root,
    h(
      "details",
      { class: "health-details", open: wasOpen },
      h("summary", {}, "Ecosystem health ", h("span", { class: "muted small-text" }, `${gaps} of ${data.dimensions.length} dimensions with open findings`)),
      table("health-dimensions", ["Dimension", "Status", "What the canvas covers", "Open findings against it"], data.dimensions.map(dimensionRow)),
      data.actors.length ? table("health-actors", ["Actor", "Gives", "Gets", "Activities", "Metrics"], data.actors.map(actorRow)) : h("p", { class: "muted" }, "No actors."),
    ),
  );
}
