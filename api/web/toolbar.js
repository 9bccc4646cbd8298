// @ts-check
// The board's toolbar: links to each panel and to the findings, filters and search, and bulk decisions on
// the selection or on every draft the filters show.

import { announce, clear, h } from "./dom.js";
import { KEYS, clearSelection, selectIds, selection, visibleCards } from "./board.js";
import { PANELS } from "./model.js";

export const filters = { q: "", status: "", findings: "", actor: "", document: "" };

const STATUS = [
  ["", "Any status"],
  ["draft", "Draft (not reviewed)"],
  ["reviewed", "Accepted or edited"],
  ["accepted", "Accepted"],
  ["edited", "Edited"],
  ["rejected", "Rejected"],
];
const FINDINGS = [
  ["", "With or without findings"],
  ["with", "With open findings"],
  ["without", "Without open findings"],
];

let hooks = null;

function jumpTo(id) {
  const target = document.getElementById(id);
  if (!target) return;
  if (!target.hasAttribute("tabindex")) target.tabIndex = -1;
  target.scrollIntoView({ block: "start" });
  target.focus({ preventScroll: true });
}

function jumpLinks(openFindings, drafts) {
  const link = (id, text, extra = {}, go = () => jumpTo(id)) =>
    h("a", { href: `#${id}`, ...extra, onclick: (event) => {
      event.preventDefault();
      hooks?.showBoard();
      go();
    } }, text);
  const firstDraft = () => {
    const card = visibleCards(document.getElementById("view-board")).find((c) => c.classList.contains("status-draft"));
    if (!card) {
      announce("No entry shown is still a draft.");
      return;
    }
    card.scrollIntoView({ block: "center" });
    /** @type {HTMLElement} */ (card.querySelector(".entry-open")).focus({ preventScroll: true });
  };
  return [
    link("view-board", `Entries to review (${drafts})`, { class: "jump-drafts", id: "jump-drafts" }, firstDraft),
    link("findings-title", `Findings (${openFindings} open)`, { class: "jump-findings" }),
    ...PANELS.map((p) => link(`panel-${p.key}-title`, `${p.n} ${p.title.split(" ")[0]}`, { title: p.title, "aria-label": `Panel ${p.n}, ${p.title}` })),
  ];
}

/**
 * The links under the canvas title: the first draft to review, the findings, each panel.
 * @param {HTMLElement} root
 * @param {import("./state.js").BoardContext} ctx
 */
export function renderJump(root, ctx) {
  const open = (ctx.findings || []).filter((f) => f.status === "open").length;
  const drafts = [...ctx.index.entries.values()].filter((f) => f.entry.status === "draft").length;
  clear(root, h("span", { class: "muted small-text" }, "Go to"), jumpLinks(open, drafts));
}

function select(id, label, choices, key) {
  return h(
    "div",
    { class: "field inline" },
    h("label", { for: id }, label),
    h(
      "select",
      {
        id,
        onchange: (event) => {
          filters[key] = event.target.value;
          hooks?.filtersChanged();
        },
      },
      choices.map(([value, text]) => h("option", { value, selected: filters[key] === value }, text)),
    ),
  );
}

/**
 * Render the toolbar. ctx: {canvas, findings, index, canWrite, documents}; hooks: {filtersChanged, decide, showBoard}.
 * @param {HTMLElement} root
 * @param {import("./state.js").BoardContext} ctx
 * @param {Record<string, Function>} withHooks
 */
export function renderToolbar(root, ctx, withHooks) {
  hooks = withHooks;
  const actors = (ctx.canvas.actors || []).filter((a) => a.status !== "rejected").map((a) => [a.id, a.name]);
  const cited = new Map();
  for (const found of ctx.index.entries.values()) for (const s of found.entry.sources || []) cited.set(s.document_id, s.document);
  for (const key of ["actor", "document"]) {
    const known = key === "actor" ? new Set(actors.map(([id]) => id)) : cited;
    if (filters[key] && !known.has(filters[key])) filters[key] = "";
  }
  const search = h("input", {
    id: "filter-q",
    type: "search",
    value: filters.q,
    placeholder: "Words in names, texts, comments",
    oninput: (event) => {
      filters.q = event.target.value;
      hooks?.filtersChanged();
    },
  });
  const parts = [
    h(
      "div",
      { class: "filters", role: "search", "aria-label": "Filter the entries" },
      h("div", { class: "field inline grow" }, h("label", { for: "filter-q" }, "Search"), search),
      select("filter-status", "Status", STATUS, "status"),
      select("filter-findings", "Findings", FINDINGS, "findings"),
      select("filter-actor", "Actor", [["", "Any actor"], ...actors], "actor"),
      select("filter-document", "Document", [["", "Any document"], ...[...cited].sort((a, b) => a[1].localeCompare(b[1]))], "document"),
      h("button", { type: "button", class: "small", id: "clear-filters", onclick: () => {
        Object.assign(filters, { q: "", status: "", findings: "", actor: "", document: "" });
        renderToolbar(root, ctx, hooks);
        hooks?.filtersChanged();
        /** @type {HTMLElement} */ (root.querySelector("#filter-q")).focus();
      } }, "Clear filters"),
    ),
    h("div", { class: "bulk", role: "group", "aria-label": "Decide many entries at once" }, h("p", { id: "bulk-summary", class: "small-text", "aria-live": "polite" })),
  ];
  if (ctx.canWrite) parts.push(h("p", { class: "keys-hint muted small-text" }, `Keys on an entry: ${KEYS}`));
  clear(root, parts);
  updateBulk(root, ctx);
}

/**
 * The bulk buttons for what is shown and selected now.
 * @param {HTMLElement} root
 * @param {import("./state.js").BoardContext} ctx
 */
export function updateBulk(root, ctx) {
  const box = root.querySelector(".bulk");
  if (!box) return;
  const board = document.getElementById("view-board");
  const shown = visibleCards(board);
  const drafts = shown.filter((c) => c.classList.contains("status-draft")).map((c) => c.dataset.entryId);
  const chosen = selection();
  const total = board.querySelectorAll(".entry[data-entry-id]").length;
  const summary = h("p", { id: "bulk-summary", class: "small-text" }, `${shown.length} of ${total} entries shown`, chosen.length ? `, ${chosen.length} selected` : "", ".");
  const buttons = [];
  if (ctx.canWrite) {
    buttons.push(
      h("button", { type: "button", class: "small primary", id: "accept-shown", disabled: !drafts.length, onclick: () => hooks.decide("accept", drafts, "shown") }, `Accept ${drafts.length} shown draft${drafts.length === 1 ? "" : "s"}`),
      h("button", { type: "button", class: "small", id: "select-shown", disabled: !shown.length, onclick: () => {
        selectIds(shown.map((c) => c.dataset.entryId));
        hooks.selectionChanged(true);
        announce(`${shown.length} entries selected.`);
      } }, "Select shown"),
    );
    if (chosen.length) {
      buttons.push(
        h("button", { type: "button", class: "small", id: "accept-selected", onclick: () => hooks.decide("accept", chosen, "selected") }, `Accept ${chosen.length} selected`),
        h("button", { type: "button", class: "small", id: "reject-selected", onclick: () => hooks.decide("reject", chosen, "selected") }, `Reject ${chosen.length} selected`),
        h("button", { type: "button", class: "small", id: "clear-selection", onclick: () => {
          clearSelection();
          hooks.selectionChanged(true);
          announce("Selection cleared.");
        } }, "Clear selection"),
      );
    }
  }
  clear(box, summary, h("div", { class: "bulk-buttons" }, buttons));
}
