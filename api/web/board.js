// @ts-check
// The canvas as a wall board: seven numbered panels of entry cards, each with its status and review buttons.
// One page scroll (no scroll box per panel), filters that hide cards, selection and bulk decisions, and a
// keyboard model: one card of the board is in the Tab order; the arrow keys move between cards and single
// keys decide (A accept, R reject, E edit, X select, Enter sources).

import { chip, h, hidden } from "./dom.js";
import { entryForm, fieldForm } from "./forms.js";
import { LISTS, PANELS } from "./model.js";

const SEVERITIES = ["error", "warning", "info"];
const ACTOR_REFS = ["owner", "supporters", "approvers", "provider", "receiver", "participants", "actors"];

// What the board remembers between renders of one canvas: the selection, widened panels, the active card.
const memory = { canvasId: null, selected: new Set(), wide: new Set(), active: null };

export const KEYS = "Up and down arrows: move between entries. A: accept. R: reject. E: edit. X: select. Enter: sources.";

/**
 * Open findings per subject id, so a card can say it has a gap.
 * @param {import("./model.js").Finding[]} findings
 * @returns {Map<string, import("./model.js").Finding[]>}
 */
export function findingsBySubject(findings) {
  const out = new Map();
  for (const f of findings) {
    if (f.status !== "open") continue;
    for (const id of f.subjects || []) {
      if (!out.has(id)) out.set(id, []);
      out.get(id).push(f);
    }
  }
  return out;
}

function findingChip(list) {
  const worst = SEVERITIES.find((s) => list.some((f) => f.severity === s)) || "info";
  const text = list.length === 1 ? "1 open finding" : `${list.length} open findings`;
  return chip(text, `sev-${worst}`);
}

/**
 * @param {[string, string, boolean][]} rows
 */
export function rowsList(rows) {
  if (!rows.length) return null;
  return h(
    "dl",
    { class: "entry-rows" },
    rows.map(([label, value, flag]) => [h("dt", {}, label), h("dd", { class: flag ? "gap" : null }, value)]),
  );
}

/** Whether an entry names an actor: the actor itself, or any of its actor fields. */
function involves(entry, type, actorId) {
  if (type === "actor") return entry.id === actorId;
  return ACTOR_REFS.some((field) => {
    const value = entry[field];
    return Array.isArray(value) ? value.includes(actorId) : value === actorId;
  });
}

/**
 * Whether an entry passes the filters: {q, status, findings, actor, document}.
 * @param {{entry: import("./model.js").Entry & Record<string, any>, type: string}} found
 * @param {Record<string, string>} filters
 * @param {import("./model.js").CanvasLookup} index
 * @param {Map<string, unknown>} gaps
 */
export function matches(found, filters, index, gaps) {
  const { entry, type } = found;
  if (filters.status === "reviewed" ? !["accepted", "edited"].includes(entry.status) : filters.status && entry.status !== filters.status) return false;
  if (filters.findings === "with" && !gaps.has(entry.id)) return false;
  if (filters.findings === "without" && gaps.has(entry.id)) return false;
  if (filters.actor && !involves(entry, type, filters.actor)) return false;
  if (filters.document && !(entry.sources || []).some((s) => s.document_id === filters.document)) return false;
  if (filters.q) {
    const text = [index.title(type, entry), ...index.rows(type, entry).map(([, v]) => v), ...(entry.aliases || []), entry.reason || "", ...(entry.comments || []).map((c) => c.text)]
      .join(" ")
      .toLowerCase();
    if (!filters.q.toLowerCase().split(/\s+/).filter(Boolean).every((word) => text.includes(word))) return false;
  }
  return true;
}

function entryCard(found, ctx, gaps) {
  const { entry, type, list } = found;
  const { index, canWrite, actions } = ctx;
  const title = index.title(type, entry);
  const sources = entry.sources || [];
  const card = h("li", { class: `entry status-${entry.status}`, dataset: { entryId: entry.id, list } });
  const open = () => actions.open(entry.id);
  const srcText = sources.length ? `${sources.length} source${sources.length === 1 ? "" : "s"}` : "no sources";
  const opener = h(
    "button",
    {
      type: "button",
      class: "entry-open",
      title: sources[0] ? `“${sources[0].quote}” — ${sources[0].document}` : "Added by a person",
      "aria-keyshortcuts": canWrite ? "A R E X Enter" : "Enter",
      onclick: open,
    },
    h("span", { class: "entry-title" }, title),
    hidden(`, ${entry.status}. ${srcText}; open them and review`),
  );
  const buttons = [];
  if (canWrite) {
    const review = (action) => actions.review(action, { entryId: entry.id });
    if (entry.status !== "accepted") {
      buttons.push(h("button", { type: "button", class: "small", dataset: { act: "accept" }, onclick: () => review({ action: "accept", entry_id: entry.id }) }, "Accept", hidden(` ${title}`)));
    }
    if (entry.status !== "rejected") {
      buttons.push(h("button", { type: "button", class: "small", dataset: { act: "reject" }, onclick: () => review({ action: "reject", entry_id: entry.id }) }, "Reject", hidden(` ${title}`)));
    }
    buttons.push(h("button", { type: "button", class: "small", dataset: { act: "edit" }, onclick: () => startEdit(card, found, ctx) }, "Edit", hidden(` ${title}`)));
  }
  const select = canWrite
    ? h(
      "label",
      { class: "entry-select" },
      h("input", {
        type: "checkbox",
        checked: memory.selected.has(entry.id),
        onchange: (event) => {
          if (event.target.checked) memory.selected.add(entry.id);
          else memory.selected.delete(entry.id);
          card.classList.toggle("selected", event.target.checked);
          ctx.actions.selectionChanged();
        },
      }),
      hidden(`Select ${title}`),
    )
    : null;
  if (memory.selected.has(entry.id)) card.classList.add("selected");
  const notes = [];
  if (entry.reason) notes.push(h("p", { class: "entry-reason small-text" }, h("span", { class: "muted" }, "Rejected because: "), entry.reason));
  if ((entry.comments || []).length) notes.push(chip(`${entry.comments.length} comment${entry.comments.length === 1 ? "" : "s"}`, "kind"));
  card.append(
    h("div", { class: "entry-head" }, select || "", opener),
    rowsList(index.rows(type, entry)) || "",
    notes.length ? h("div", { class: "entry-notes" }, notes) : "",
    h(
      "div",
      { class: "entry-foot" },
      chip(entry.status, entry.status),
      gaps ? findingChip(gaps) : "",
      h("span", { class: "muted small-text" }, srcText),
      h("span", { class: "entry-actions" }, buttons),
    ),
  );
  // The whole card is a target for the mouse; keyboard users have the title button.
  card.addEventListener("click", (event) => {
    if (/** @type {Element} */ (event.target).closest("button, a, input, select, textarea, label, form")) return;
    open();
  });
  return card;
}

/**
 * @param {HTMLElement} card
 * @param {{entry: import("./model.js").Entry, list: string, type: string}} found
 * @param {import("./state.js").BoardContext} ctx
 */
export function startEdit(card, found, ctx) {
  const { entry, type, list } = found;
  const form = entryForm({
    type,
    list,
    entry,
    index: ctx.index,
    heading: `Edit ${LISTS[list].one}`,
    restore: () => form.replaceWith(card),
    returnTo: () => card.querySelector(".entry-open"),
    onSubmit: async (changes, _list, newActors) => {
      if (!Object.keys(changes).length) return "Nothing changed: edit a field first, or cancel.";
      const edit = { action: "edit", entry_id: entry.id, changes };
      return ctx.actions.review(withNewActors(newActors, edit), { entryId: entry.id });
    },
  });
  card.replaceWith(form);
  /** @type {HTMLElement | null} */ (form.querySelector("input:not([type=checkbox]), textarea, select"))?.focus();
}

/**
 * One action, or a batch that first adds the actors a form created (their ids are `new:<n>` refs).
 * @param {{ref: string, name: string, kind: string}[]} newActors
 * @param {Record<string, any>} action
 */
export function withNewActors(newActors, action) {
  if (!newActors?.length) return action;
  const adds = newActors.map(({ ref, name, kind }) => ({ action: "add", section: "actors", entry: { name, kind }, ref }));
  return { action: "batch", actions: [...adds, action] };
}

function startAdd(panel, button, ctx) {
  const slot = h("li", { class: "entry entry-form-slot" });
  const form = entryForm({
    type: LISTS[panel.lists[0]].type,
    list: panel.lists[0],
    lists: panel.lists,
    entry: null,
    index: ctx.index,
    heading: `Add to ${panel.title.toLowerCase()}`,
    restore: () => {
      slot.remove();
      button.hidden = false;
    },
    returnTo: () => button,
    onSubmit: async (fields, list, newActors) => ctx.actions.review(withNewActors(newActors, { action: "add", section: list, entry: fields }), { added: true }),
  });
  slot.append(form);
  button.hidden = true;
  button.before(h("ul", { class: "entries adding" }, slot));
  /** @type {HTMLElement | null} */ (form.querySelector("input, textarea, select"))?.focus();
}

/** A canvas-level text with its Edit button; the button swaps in a small form. */
function editable({ label, value, display, field, ctx, kind = "text", gap = false, extra = null }) {
  const dd = h("dd", { class: gap ? "gap" : null, dataset: { field } }, display, extra || "");
  if (!ctx.canWrite) return dd;
  const button = h("button", { type: "button", class: "link edit-field", dataset: { editField: field } }, "Edit", hidden(` ${label.toLowerCase()}`));
  button.addEventListener("click", () => {
    const form = fieldForm({
      label,
      kind,
      value,
      index: ctx.index,
      maxLength: ctx.textLimits?.[field],
      restore: () => form.replaceWith(dd),
      returnTo: () => button,
      onSubmit: (next) => ctx.actions.review({ action: "set", field, value: next }, { field }),
    });
    dd.replaceWith(form);
    /** @type {HTMLElement | null} */ (form.querySelector("input, textarea"))?.focus();
  });
  dd.append(" ", button);
  return dd;
}

function reviewFacts(canvas, ctx) {
  const review = canvas.review || {};
  const stakeholders = ctx.index.actors(review.stakeholders);
  const cadence = review.cadence || "not stated";
  const sources = review.cadence_sources || [];
  const shown = sources.length
    ? h("button", { type: "button", class: "link", onclick: () => ctx.actions.openCadence() }, cadence, hidden(`; open its ${sources.length} source${sources.length === 1 ? "" : "s"}`))
    : cadence;
  return h(
    "dl",
    { class: "facts" },
    h("dt", {}, "Review cadence"),
    editable({ label: "Review cadence", value: review.cadence || "", display: shown, field: "review.cadence", ctx, gap: !review.cadence }),
    h("dt", {}, "Stakeholders"),
    editable({ label: "Stakeholders", value: review.stakeholders || [], display: stakeholders.join(", ") || "none named", field: "review.stakeholders", ctx, kind: "actors", gap: !stakeholders.length }),
  );
}

function scopeSummary(canvas, ctx) {
  const summary = canvas.scope?.summary || "";
  return h(
    "dl",
    { class: "facts summary" },
    h("dt", {}, "Summary"),
    editable({ label: "Scope summary", value: summary, display: summary || "none written", field: "scope.summary", ctx, kind: "textarea", gap: !summary }),
  );
}

function panelBody(panel, canvas, ctx, gaps) {
  const parts = [];
  if (panel.key === "scope") parts.push(scopeSummary(canvas, ctx));
  if (panel.key === "review") parts.push(reviewFacts(canvas, ctx));
  let count = 0;
  for (const list of panel.lists) {
    const entries = LISTS[list].get(canvas) || [];
    count += entries.length;
    if (panel.lists.length > 1 || panel.key === "review") parts.push(h("h4", { class: "list-title" }, LISTS[list].label));
    if (!entries.length) {
      parts.push(h("p", { class: "muted empty" }, "Nothing found in the documents."));
      continue;
    }
    const items = entries.map((entry) => {
      const found = ctx.index.entries.get(entry.id) || { entry, list, type: LISTS[list].type };
      return entryCard({ ...found, entry, list }, ctx, gaps.get(entry.id));
    });
    parts.push(h("ul", { class: "entries", dataset: { list } }, items), h("p", { class: "muted empty filtered-out", hidden: true }, "No entry here matches the filters."));
  }
  return { parts, count };
}

function panelTools(panel, section, ctx) {
  const tools = h("div", { class: "panel-tools" });
  const wide = h("button", { type: "button", class: "small ghost", "aria-pressed": memory.wide.has(panel.key) ? "true" : "false", dataset: { widen: panel.key } }, memory.wide.has(panel.key) ? "Narrow" : "Full width", hidden(` panel ${panel.n}`));
  wide.addEventListener("click", () => {
    const on = !memory.wide.has(panel.key);
    if (on) memory.wide.add(panel.key);
    else memory.wide.delete(panel.key);
    section.classList.toggle("wide", on);
    wide.setAttribute("aria-pressed", on ? "true" : "false");
    wide.firstChild.textContent = on ? "Narrow" : "Full width";
  });
  tools.append(wide);
  if (ctx.canWrite) {
    const accept = h("button", { type: "button", class: "small", dataset: { acceptPanel: panel.key } }, "Accept drafts");
    accept.addEventListener("click", () => {
      const ids = visibleCards(section).filter((c) => c.classList.contains("status-draft")).map((c) => c.dataset.entryId);
      ctx.actions.decide("accept", ids, `panel ${panel.n}`);
    });
    tools.append(accept);
  }
  return tools;
}

/**
 * Render the seven panels into `root`. ctx: {canvasId, canvas, findings, index, canWrite, filters, actions}.
 * @param {HTMLElement} root
 * @param {import("./state.js").BoardContext} ctx
 */
export function renderBoard(root, ctx) {
  if (memory.canvasId !== ctx.canvasId) {
    Object.assign(memory, { canvasId: ctx.canvasId, selected: new Set(), active: null });
  }
  for (const id of [...memory.selected]) if (!ctx.index.entries.has(id)) memory.selected.delete(id);
  const gaps = findingsBySubject(ctx.findings || []);
  const panels = PANELS.map((panel) => {
    const headingId = `panel-${panel.key}-title`;
    const { parts, count } = panelBody(panel, ctx.canvas, ctx, gaps);
    const section = h("section", { class: `panel panel-${panel.key}${memory.wide.has(panel.key) ? " wide" : ""}`, "aria-labelledby": headingId, dataset: { panel: panel.key } });
    section.append(
      h(
        "div",
        { class: "panel-head" },
        h(
          "h3",
          { id: headingId, class: "panel-title", tabindex: "-1" },
          h("span", { class: "panel-n", "aria-hidden": "true" }, String(panel.n)),
          h("span", {}, panel.title),
          h("span", { class: "panel-count", dataset: { total: count } }, hidden(", "), `${count} ${count === 1 ? "entry" : "entries"}`),
        ),
        panelTools(panel, section, ctx),
      ),
      h("div", { class: "panel-body" }, parts),
    );
    if (ctx.canWrite) {
      const one = panel.lists.length > 1 ? "entry" : LISTS[panel.lists[0]].one;
      const button = h("button", { type: "button", class: "add-entry small" }, `+ Add ${one}`);
      button.addEventListener("click", () => startAdd(panel, button, ctx));
      section.querySelector(".panel-body").append(button);
    }
    return section;
  });
  root.replaceChildren(...panels);
  applyFilters(root, ctx);
  if (!root.dataset.keys) {
    root.dataset.keys = "on";
    root.addEventListener("keydown", (event) => onKey(event, root));
    root.addEventListener("focusin", (event) => {
      const card = /** @type {HTMLElement | null} */ (/** @type {Element} */ (event.target).closest?.(".entry[data-entry-id]"));
      if (card) setActive(root, card);
    });
  }
  // The key handler (installed once) reads the latest render's context from the board itself.
  /** @type {any} */ (root).ctx = ctx;
}

/**
 * Hide the cards the filters leave out, say how many each panel shows, and keep one card tabbable.
 * @param {HTMLElement} root
 * @param {import("./state.js").BoardContext} ctx
 * @returns {number} how many entries are shown
 */
export function applyFilters(root, ctx) {
  const gaps = findingsBySubject(ctx.findings || []);
  const filters = ctx.filters || {};
  for (const card of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll(".entry[data-entry-id]"))) {
    const found = ctx.index.entries.get(card.dataset.entryId);
    card.hidden = Boolean(found) && !matches(found, filters, ctx.index, gaps);
  }
  for (const section of root.querySelectorAll(".panel")) {
    const counter = /** @type {HTMLElement} */ (section.querySelector(".panel-count"));
    const total = Number(counter.dataset.total);
    const shown = visibleCards(section).length;
    counter.lastChild.textContent = shown === total ? `${total} ${total === 1 ? "entry" : "entries"}` : `${shown} of ${total} shown`;
    for (const list of section.querySelectorAll("ul.entries[data-list]")) {
      const none = list.children.length > 0 && [...list.children].every((c) => /** @type {HTMLElement} */ (c).hidden);
      /** @type {HTMLElement} */ (list.nextElementSibling).hidden = !none;
    }
  }
  const cards = visibleCards(root);
  const active = cards.find((c) => c.dataset.entryId === memory.active) || cards[0];
  for (const card of root.querySelectorAll(".entry[data-entry-id]")) tabbable(card, card === active);
  return cards.length;
}

/**
 * The cards the filters leave on the board, in the order on screen.
 * @param {ParentNode} root
 * @returns {HTMLElement[]}
 */
export function visibleCards(root) {
  return [.../** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll(".entry[data-entry-id]"))].filter((c) => !c.hidden);
}

/** Only the active card's controls are in the Tab order: Tab crosses the board in a few presses. */
function tabbable(card, on) {
  for (const el of card.querySelectorAll("button, input")) el.tabIndex = on ? 0 : -1;
}

function setActive(root, card) {
  if (memory.active === card.dataset.entryId) return;
  const old = root.querySelector(`.entry[data-entry-id="${CSS.escape(memory.active || "")}"]`);
  if (old) tabbable(old, false);
  memory.active = card.dataset.entryId;
  tabbable(card, true);
}

function focusCard(card) {
  if (!card) return;
  card.querySelector(".entry-open")?.focus({ preventScroll: false });
}

function onKey(event, root) {
  const target = event.target;
  if (target.closest("form, input[type=text], textarea, select") || event.altKey || event.ctrlKey || event.metaKey) return;
  const card = target.closest(".entry[data-entry-id]");
  if (!card) return;
  const cards = visibleCards(root);
  const at = cards.indexOf(card);
  const move = { ArrowDown: at + 1, j: at + 1, ArrowUp: at - 1, k: at - 1, Home: 0, End: cards.length - 1 }[event.key];
  if (move !== undefined) {
    event.preventDefault();
    focusCard(cards[Math.max(0, Math.min(cards.length - 1, move))]);
    return;
  }
  const ctx = /** @type {any} */ (root).ctx;
  if (!ctx?.canWrite) return;
  const key = event.key.toLowerCase();
  const id = card.dataset.entryId;
  // After a decision the next card (in the order on screen) takes the focus, so a run of decisions is a run of keys.
  const next = cards[at + 1]?.dataset.entryId || cards[at - 1]?.dataset.entryId || id;
  if (key === "a" || key === "r") {
    event.preventDefault();
    const action = key === "a" ? "accept" : "reject";
    ctx.actions.review({ action, entry_id: id }, { entryId: id, focus: next });
  } else if (key === "e") {
    event.preventDefault();
    card.querySelector('[data-act="edit"]')?.click();
  } else if (key === "x") {
    event.preventDefault();
    card.querySelector(".entry-select input")?.click();
    focusCard(card);
  }
}

/**
 * Focus an entry's card (after a review write); `scroll` brings it into view and makes it flash.
 * @param {HTMLElement} root
 * @param {string} entryId
 * @param {{flash?: boolean}} how
 */
export function revealEntry(root, entryId, { flash = true } = {}) {
  const card = /** @type {HTMLElement | null} */ (root.querySelector(`[data-entry-id="${CSS.escape(entryId)}"]`));
  if (!card) return false;
  if (card.hidden) card.hidden = false;
  setActive(root, card);
  if (flash) {
    card.scrollIntoView({ block: "center", behavior: "smooth" });
    card.classList.remove("flash");
    // Restart the animation even when the same card is revealed twice in a row.
    void card.offsetWidth;
    card.classList.add("flash");
  }
  /** @type {HTMLElement | null} */ (card.querySelector(".entry-open"))?.focus({ preventScroll: flash });
  return true;
}

export function selection() {
  return [...memory.selected];
}

export function clearSelection() {
  memory.selected.clear();
}

/**
 * @param {string[]} ids
 */
export function selectIds(ids) {
  for (const id of ids) memory.selected.add(id);
}
