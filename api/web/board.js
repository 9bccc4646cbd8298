// The canvas as a wall board: seven numbered panels of entry cards, each with its status and review buttons.

import { chip, h, hidden } from "./dom.js";
import { entryForm } from "./forms.js";
import { LISTS, PANELS } from "./model.js";

const SEVERITIES = ["error", "warning", "info"];

/** Open findings per subject id, so a card can say it has a gap. */
function findingsBySubject(findings) {
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

function rowsList(rows) {
  if (!rows.length) return null;
  return h(
    "dl",
    { class: "entry-rows" },
    rows.map(([label, value, flag]) => [h("dt", {}, label), h("dd", { class: flag ? "gap" : null }, value)]),
  );
}

function entryCard(found, ctx, gaps) {
  const { entry, type, list } = found;
  const { index, canWrite, actions } = ctx;
  const title = index.title(type, entry);
  const sources = entry.sources || [];
  const card = h("li", {
    class: `entry status-${entry.status}`,
    dataset: { entryId: entry.id, list },
  });
  const open = () => actions.open(entry.id);
  const srcText = sources.length ? `${sources.length} source${sources.length === 1 ? "" : "s"}` : "no sources";
  const opener = h(
    "button",
    {
      type: "button",
      class: "entry-open",
      title: sources[0] ? `“${sources[0].quote}” — ${sources[0].document}` : "Added by a person",
      onclick: open,
    },
    h("span", { class: "entry-title" }, title),
    hidden(`. ${srcText}; open them`),
  );
  const buttons = [];
  if (canWrite) {
    if (entry.status !== "accepted") {
      buttons.push(
        h("button", { type: "button", class: "small", onclick: () => actions.review({ action: "accept", entry_id: entry.id }, entry.id) },
          "Accept", hidden(` ${title}`)),
      );
    }
    if (entry.status !== "rejected") {
      buttons.push(
        h("button", { type: "button", class: "small", onclick: () => actions.review({ action: "reject", entry_id: entry.id }, entry.id) },
          "Reject", hidden(` ${title}`)),
      );
    }
    buttons.push(
      h("button", { type: "button", class: "small", onclick: () => startEdit(card, found, ctx) }, "Edit", hidden(` ${title}`)),
    );
  }
  card.append(
    opener,
    rowsList(index.rows(type, entry)) || "",
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
    if (event.target.closest("button, a, input, select, textarea, label, form")) return;
    open();
  });
  return card;
}

function startEdit(card, found, ctx) {
  const { entry, type, list } = found;
  const form = entryForm({
    type,
    list,
    entry,
    index: ctx.index,
    heading: `Edit ${LISTS[list].one}`,
    onCancel: () => {
      form.replaceWith(card);
      card.querySelector(".entry-open").focus();
    },
    onSubmit: async (changes) => {
      if (!Object.keys(changes).length) return "Nothing changed: edit a field first, or cancel.";
      return ctx.actions.review({ action: "edit", entry_id: entry.id, changes }, entry.id);
    },
  });
  card.replaceWith(form);
  form.querySelector("input, textarea, select")?.focus();
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
    onCancel: () => {
      slot.remove();
      button.hidden = false;
      button.focus();
    },
    onSubmit: async (fields, list) => ctx.actions.review({ action: "add", section: list, entry: fields }, null),
  });
  slot.append(form);
  button.hidden = true;
  button.before(h("ul", { class: "entries adding" }, slot));
  form.querySelector("input, textarea, select")?.focus();
}

function reviewFacts(canvas, ctx) {
  const review = canvas.review || {};
  const stakeholders = ctx.index.actors(review.stakeholders);
  const cadence = review.cadence || "not stated";
  const sources = review.cadence_sources || [];
  return h(
    "dl",
    { class: "facts" },
    h("dt", {}, "Review cadence"),
    h(
      "dd",
      { class: review.cadence ? null : "gap" },
      sources.length
        ? h("button", { type: "button", class: "link", onclick: () => ctx.actions.openCadence() }, cadence,
          hidden(`; open its ${sources.length} source${sources.length === 1 ? "" : "s"}`))
        : cadence,
    ),
    h("dt", {}, "Stakeholders"),
    h("dd", { class: stakeholders.length ? null : "gap" }, stakeholders.join(", ") || "none named"),
  );
}

function panelBody(panel, canvas, ctx, gaps) {
  const parts = [];
  if (panel.key === "scope" && canvas.scope?.summary) parts.push(h("p", { class: "summary" }, canvas.scope.summary));
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
    parts.push(h("ul", { class: "entries" }, items));
  }
  return { parts, count };
}

/** Render the seven panels into `root`. ctx: {canvas, findings, index, canWrite, actions}. */
export function renderBoard(root, ctx) {
  const gaps = findingsBySubject(ctx.findings || []);
  const panels = PANELS.map((panel) => {
    const headingId = `panel-${panel.key}-title`;
    const { parts, count } = panelBody(panel, ctx.canvas, ctx, gaps);
    const section = h(
      "section",
      { class: `panel panel-${panel.key}`, "aria-labelledby": headingId, dataset: { panel: panel.key } },
      h(
        "h3",
        { id: headingId, class: "panel-title" },
        h("span", { class: "panel-n", "aria-hidden": "true" }, String(panel.n)),
        h("span", {}, panel.title),
        h("span", { class: "panel-count" }, hidden(", "), `${count} ${count === 1 ? "entry" : "entries"}`),
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
}

/** Bring an entry card into view and make it flash, e.g. from a finding's link. */
export function revealEntry(root, entryId) {
  const card = root.querySelector(`[data-entry-id="${CSS.escape(entryId)}"]`);
  if (!card) return false;
  card.scrollIntoView({ block: "center", behavior: "smooth" });
  card.classList.remove("flash");
  // Restart the animation even when the same card is revealed twice in a row.
  void card.offsetWidth;
  card.classList.add("flash");
  card.querySelector(".entry-open")?.focus({ preventScroll: true });
  return true;
}
