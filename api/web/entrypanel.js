// @ts-check
// Reviewing an entry from the side panel, next to its evidence: accept, reject with a reason, edit, merge
// another entry into it, and comments.

import { chip, formatDate, h, hidden, uid } from "./dom.js";
import { entryForm, inlineEdit } from "./forms.js";
import { withNewActors } from "./board.js";
import { LISTS } from "./model.js";

function commentList(comments) {
  if (!comments?.length) return h("p", { class: "muted small-text" }, "No comments yet.");
  return h(
    "ol",
    { class: "comments plain" },
    comments.map((c) => h("li", { class: "comment" }, h("p", {}, c.text), c.at ? h("p", { class: "muted small-text" }, formatDate(c.at)) : "")),
  );
}

/**
 * A textarea and a button: a comment form, or the reason of a rejection. Given `restore` and `returnTo`, it is an
 * inline form that opened in place of something (`inlineEdit`: a Cancel button and Escape put that back).
 * @param {{label: string, button: string, required?: boolean, onSubmit: (text: string) => Promise<string | null | undefined>,
 *   className?: string, restore?: (() => void) | null, returnTo?: (() => HTMLElement | null) | null}} note
 */
export function noteForm({ label, button, required, onSubmit, className = "note-form", restore = null, returnTo = null }) {
  const id = uid("note");
  const input = h("textarea", { id, rows: 2, maxlength: 2000 });
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const form = h("form", { class: className, novalidate: true }, h("label", { for: id }, label), input, error);
  if (restore) form.append(inlineEdit(form, { save: button, restore, returnTo }).buttons);
  else form.append(h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "small primary" }, button)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (required && !text) {
      error.textContent = "Write something first.";
      error.hidden = false;
      input.focus();
      return;
    }
    const problem = await onSubmit(text);
    if (problem) {
      error.textContent = problem;
      error.hidden = false;
    }
  });
  return form;
}

/**
 * The review part of the side panel for one entry; `review(action)` resolves to an error message or null.
 * @param {{found: {entry: import("./model.js").Entry, list: string, type: string, panel: string}, index: import("./model.js").CanvasLookup, review: Function}} what
 */
export function entryReview({ found, index, review }) {
  const { entry, type, list } = found;
  const title = index.title(type, entry);
  const box = h("section", { class: "entry-review", "aria-label": "Review this entry" });
  const act = (action) => review(action, { entryId: entry.id, drawer: true });
  const buttons = h(
    "div",
    { class: "form-buttons drawer-actions" },
    entry.status !== "accepted" ? h("button", { type: "button", class: "small primary", dataset: { drawerAct: "accept" }, onclick: () => act({ action: "accept", entry_id: entry.id }) }, "Accept", hidden(` ${title}`)) : "",
    h("button", { type: "button", class: "small", dataset: { drawerAct: "edit" }, onclick: () => {
      const form = entryForm({
        type,
        list,
        entry,
        index,
        heading: `Edit ${LISTS[list].one}`,
        restore: () => form.replaceWith(buttons),
        returnTo: () => buttons.querySelector('[data-drawer-act="edit"]'),
        onSubmit: async (changes, _list, newActors) => {
          if (!Object.keys(changes).length) return "Nothing changed: edit a field first, or cancel.";
          return act(withNewActors(newActors, { action: "edit", entry_id: entry.id, changes }));
        },
      });
      buttons.replaceWith(form);
      /** @type {HTMLElement | null} */ (form.querySelector("input:not([type=checkbox]), textarea, select"))?.focus();
    } }, "Edit", hidden(` ${title}`)),
  );
  box.append(h("p", {}, chip(entry.status, entry.status), entry.reason ? [" ", h("span", { class: "entry-reason" }, `Rejected because: ${entry.reason}`)] : ""), buttons);
  box.append(
    noteForm({
      label: entry.status === "rejected" ? "Reason it was rejected (replaces the one above)" : "Reject, with a reason (optional)",
      button: entry.status === "rejected" ? "Save the reason" : "Reject",
      required: false,
      className: "note-form reject-form",
      onSubmit: (reason) => act({ action: "reject", entry_id: entry.id, reason: reason || null }),
    }),
  );
  const others = (LISTS[list].get(index.canvas) || []).filter((e) => e.id !== entry.id);
  if (others.length) {
    const id = uid("merge");
    const pick = h("select", { id }, others.map((e) => h("option", { value: e.id }, `${index.title(type, e)} (${e.status})`)));
    const form = h(
      "form",
      { class: "merge-form" },
      h("label", { for: id }, `Merge another ${LISTS[list].one} into this one`),
      h("p", { class: "muted small-text" }, "Its citations join this entry, everything that named it names this one, and it is removed."),
      pick,
      h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "small" }, "Merge")),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      act({ action: "merge", entry_id: entry.id, other_id: pick.value });
    });
    box.append(form);
  }
  box.append(
    h("h3", {}, `Comments (${(entry.comments || []).length})`),
    commentList(entry.comments),
    noteForm({ label: "Add a comment", button: "Add comment", required: true, onSubmit: (text) => act({ action: "comment", entry_id: entry.id, text }) }),
  );
  return box;
}

export { commentList };
