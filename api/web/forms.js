// @ts-check
// The small forms a reviewer uses: edit or add an entry (one control per editable field, and a new actor
// straight from an actor drop-down), and edit one canvas-level field (title, summary, cadence, stakeholders).

import { h, hidden, uid } from "./dom.js";
import { ACTOR_KINDS, FIELDS, LISTS, words } from "./model.js";

const NEW_ACTOR = "__new__";

function options(values, selected, labels = (v) => words(v)) {
  return values.map((v) => h("option", { value: v, selected: v === selected }, labels(v)));
}

function checkboxes(name, legend, choices, chosen) {
  const set = new Set(chosen || []);
  return h(
    "fieldset",
    { class: "checks", dataset: { field: name } },
    h("legend", {}, legend),
    choices.length
      ? choices.map(([value, label]) => {
        const id = uid("chk");
        return h(
          "span",
          { class: "check" },
          h("input", { type: "checkbox", id, value, checked: set.has(value) }),
          h("label", { for: id }, label),
        );
      })
      : h("p", { class: "muted" }, "Nothing to choose from yet."),
  );
}

/** The name and kind of an actor created from a drop-down; shown when "+ New actor…" is picked. */
function newActorFields(spec) {
  const nameId = uid("new-actor");
  const kindId = uid("new-kind");
  return h(
    "div",
    { class: "new-actor", dataset: { newFor: spec.name }, hidden: true },
    h("div", { class: "field" }, h("label", { for: nameId }, "Name of the new actor"), h("input", { id: nameId, type: "text", maxlength: 300, dataset: { newName: spec.name } })),
    h("div", { class: "field" }, h("label", { for: kindId }, "Kind of the new actor"), h("select", { id: kindId, dataset: { newKind: spec.name } }, options(ACTOR_KINDS, "partner"))),
  );
}

/** One control for one field, already holding the entry's current value. */
function control(spec, value, index, entry) {
  const id = uid(`f-${spec.name}`);
  const label = h("label", { for: id }, spec.label, spec.required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : "");
  const common = { id, name: spec.name, required: spec.required || null, dataset: { field: spec.name } };
  switch (spec.kind) {
    case "textarea":
      return h("div", { class: "field" }, label, h("textarea", { ...common, rows: 3 }, value ?? ""));
    case "list":
      return h("div", { class: "field" }, label, h("input", { ...common, type: "text", value: (value || []).join(", ") }));
    case "select":
      return h("div", { class: "field" }, label, h("select", common, options(spec.options, value)));
    case "actor": {
      const choices = index.actorChoices(value ? [value] : []);
      const none = spec.required ? h("option", { value: "", disabled: true, selected: !value }, "Choose an actor")
        : h("option", { value: "", selected: !value }, "— nobody named —");
      const extra = newActorFields(spec);
      const select = h(
        "select",
        {
          ...common,
          onchange: (event) => {
            extra.hidden = event.target.value !== NEW_ACTOR;
            if (!extra.hidden) extra.querySelector("input").focus();
          },
        },
        none,
        choices.map((a) => h("option", { value: a.id, selected: a.id === value }, a.name)),
        h("option", { value: NEW_ACTOR }, "+ New actor…"),
      );
      return h("div", { class: "field" }, label, select, extra);
    }
    case "actors": {
      const choices = index.actorChoices(value || []).map((a) => [a.id, a.name]);
      return h("div", { class: "field" }, checkboxes(spec.name, spec.label, choices, value));
    }
    case "activities": {
      const own = entry?.id;
      const choices = (index.canvas.activities || [])
        .filter((a) => a.id !== own && (a.status !== "rejected" || (value || []).includes(a.id)))
        .map((a) => [a.id, a.name]);
      return h("div", { class: "field" }, checkboxes(spec.name, spec.label, choices, value));
    }
    default:
      return h("div", { class: "field" }, label, h("input", { ...common, type: "text", value: value ?? "" }));
  }
}

/** The value a control holds now, in the shape the API wants; `null` for an empty optional choice. */
function read(form, spec) {
  if (spec.kind === "actors" || spec.kind === "activities") {
    const set = form.querySelector(`fieldset[data-field="${spec.name}"]`);
    return set ? [...set.querySelectorAll("input:checked")].map((i) => i.value) : [];
  }
  const el = form.querySelector(`[data-field="${spec.name}"]:not(fieldset)`);
  const raw = el ? el.value : "";
  if (spec.kind === "list") return raw.split(",").map((s) => s.trim()).filter(Boolean);
  if (spec.kind === "actor") return raw === NEW_ACTOR ? `new:${spec.name}` : raw || null;
  if (spec.kind === "select") return raw;
  const text = raw.trim();
  return spec.optional && !text ? null : text;
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function normalised(spec, value) {
  if (spec.kind === "actors" || spec.kind === "activities" || spec.kind === "list") return value || [];
  if (spec.optional || spec.kind === "actor") return value || null;
  return value ?? "";
}

// Input types where Enter means "done" (a textarea's Enter is a new line; a checkbox's is a toggle).
const ONE_LINE = new Set(["text", "search", "email", "url", "number", "tel"]);

/**
 * What every inline edit form shares: its Save and Cancel buttons and its keys. Escape or Cancel runs
 * `restore` (which puts the page back as it was) and returns focus to `returnTo()`, the edited card or the
 * button that opened the form; Ctrl+Enter saves from any field, Enter from a one-line field.
 * Returns the row of buttons to place in the form, the Save button (disabled while a save runs) and `close`.
 * @param {HTMLFormElement} form
 * @param {{save: import("./dom.js").Child, restore: () => void, returnTo?: (() => HTMLElement | null) | null}} how
 */
export function inlineEdit(form, { save, restore, returnTo }) {
  const saveButton = h("button", { type: "submit", class: "primary small", "aria-keyshortcuts": "Control+Enter" }, save);
  const close = () => {
    restore();
    returnTo()?.focus();
  };
  const buttons = h("div", { class: "form-buttons" }, saveButton, h("button", { type: "button", class: "small", onclick: close }, "Cancel"));
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      // Not the side panel's or the page's Escape too: one key press undoes one thing.
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === "Enter" && !event.shiftKey && !event.altKey) {
      const oneLine = event.target instanceof HTMLInputElement && ONE_LINE.has(event.target.type);
      if (!(event.ctrlKey || event.metaKey || oneLine)) return;
      // Ctrl+Enter saves from any field, so a keyboard edit needs no Tab walk to the button.
      event.preventDefault();
      if (!saveButton.disabled) form.requestSubmit(saveButton);
    }
  });
  return { buttons, save: saveButton, close };
}

function showProblem(error, text) {
  error.textContent = text;
  error.hidden = false;
}

/**
 * A form to edit `entry` (changed fields only are submitted) or, when entry is null, to add one.
 * onSubmit(values, list, newActors) resolves to an error message to show, or nothing when it worked;
 * newActors are [{ref, name, kind}] the values name by `ref` (an actor created from a drop-down).
 * @param {{type: string, list: string, lists?: string[], entry: Record<string, any> | null, index: import("./model.js").CanvasLookup,
 *   heading: string, onSubmit: (values: Record<string, any>, list: string, newActors: {ref: string, name: string, kind: string}[]) => Promise<string | null | undefined>,
 *   restore: () => void, returnTo: () => HTMLElement | null}} form
 */
export function entryForm({ type, list, lists, entry, index, heading, onSubmit, restore, returnTo }) {
  const headingId = uid("form-title");
  const errorId = uid("form-error");
  const error = h("p", { id: errorId, class: "form-error", role: "alert", hidden: true });
  const fields = h("div", { class: "fields" });
  let current = { type, list };

  const fill = () => {
    fields.replaceChildren(...FIELDS[current.type].map((spec) => control(spec, entry ? entry[spec.name] : null, index, entry)));
  };
  const picker = lists && lists.length > 1
    ? h(
      "div",
      { class: "field" },
      h("label", { for: `${headingId}-list` }, "Add to"),
      h(
        "select",
        {
          id: `${headingId}-list`,
          onchange: (event) => {
            current = { type: LISTS[event.target.value].type, list: event.target.value };
            fill();
          },
        },
        lists.map((l) => h("option", { value: l, selected: l === list }, LISTS[l].label)),
      ),
    )
    : null;
  fill();

  const form = h(
    "form",
    { class: "entry-form", "aria-labelledby": headingId, "aria-describedby": errorId, novalidate: true },
    h("h4", { id: headingId }, heading),
    picker,
    fields,
    error,
  );
  const { buttons, save } = inlineEdit(form, { save: entry ? "Save changes" : "Add", restore, returnTo });
  form.append(buttons);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const specs = FIELDS[current.type];
    const values = {};
    const newActors = [];
    for (const spec of specs) {
      const value = read(form, spec);
      if (spec.required && (value === null || value === "")) {
        showProblem(error, `${spec.label} is required.`);
        /** @type {HTMLElement | null} */ (form.querySelector(`[data-field="${spec.name}"]`))?.focus();
        return;
      }
      if (typeof value === "string" && value.startsWith("new:")) {
        const name = /** @type {HTMLInputElement} */ (form.querySelector(`[data-new-name="${spec.name}"]`)).value.trim();
        if (!name) {
          showProblem(error, "Give the new actor a name.");
          /** @type {HTMLInputElement} */ (form.querySelector(`[data-new-name="${spec.name}"]`)).focus();
          return;
        }
        newActors.push({ ref: value, name, kind: /** @type {HTMLSelectElement} */ (form.querySelector(`[data-new-kind="${spec.name}"]`)).value });
      }
      if (!entry) {
        if (value !== null && !(Array.isArray(value) && !value.length) && value !== "") values[spec.name] = value;
      } else if (!same(normalised(spec, value), normalised(spec, entry[spec.name]))) {
        values[spec.name] = value;
      }
    }
    save.disabled = true;
    error.hidden = true;
    const problem = await onSubmit(values, current.list, newActors);
    save.disabled = false;
    if (problem) showProblem(error, problem);
  });
  return form;
}

/**
 * A form for one canvas-level field. kind: "text", "textarea" or "actors" (a checkbox per actor); maxLength is
 * the server's cap for the field (`text_limits` of GET /workspace).
 * onSubmit(value) resolves to an error message, or nothing when it worked.
 * @param {{label: string, kind: string, value: any, index: import("./model.js").CanvasLookup, maxLength?: number | null,
 *   onSubmit: (value: any) => Promise<string | null | undefined>, restore: () => void, returnTo: () => HTMLElement | null}} field
 */
export function fieldForm({ label, kind, value, index, maxLength = null, onSubmit, restore, returnTo }) {
  const id = uid("canvas-field");
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  let control;
  if (kind === "actors") {
    const choices = index.actorChoices(value || []).map((a) => [a.id, a.name]);
    control = checkboxes("value", label, choices, value);
  } else if (kind === "textarea") {
    control = h("div", { class: "field" }, h("label", { for: id }, label), h("textarea", { id, rows: 4, maxlength: maxLength }, value || ""));
  } else {
    control = h("div", { class: "field" }, h("label", { for: id }, label), h("input", { id, type: "text", maxlength: maxLength, value: value || "" }));
  }
  const form = h("form", { class: "field-form", "aria-label": `Edit ${label.toLowerCase()}`, novalidate: true }, control, error);
  const { buttons, save } = inlineEdit(form, { save: ["Save", hidden(` ${label.toLowerCase()}`)], restore, returnTo });
  form.append(buttons);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const next = kind === "actors"
      ? [.../** @type {NodeListOf<HTMLInputElement>} */ (form.querySelectorAll("input:checked"))].map((i) => i.value)
      : /** @type {HTMLInputElement | HTMLTextAreaElement} */ (form.querySelector("input, textarea")).value.trim() || null;
    save.disabled = true;
    const problem = await onSubmit(next);
    save.disabled = false;
    if (problem) showProblem(error, problem);
  });
  return form;
}
