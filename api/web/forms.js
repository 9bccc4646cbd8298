// The small forms a reviewer uses to edit an entry or add one: one control per editable field.

import { h, uid } from "./dom.js";
import { FIELDS, LISTS, words } from "./model.js";

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
      return h(
        "div",
        { class: "field" },
        label,
        h("select", common, none, choices.map((a) => h("option", { value: a.id, selected: a.id === value }, a.name))),
      );
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
  if (spec.kind === "actor") return raw || null;
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

/**
 * A form to edit `entry` (changed fields only are submitted) or, when entry is null, to add one.
 * onSubmit(values, list) resolves to an error message to show, or nothing when it worked.
 */
export function entryForm({ type, list, lists, entry, index, heading, onSubmit, onCancel }) {
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

  const save = h("button", { type: "submit", class: "primary small" }, entry ? "Save changes" : "Add");
  const form = h(
    "form",
    { class: "entry-form", "aria-labelledby": headingId, "aria-describedby": errorId, novalidate: true },
    h("h4", { id: headingId }, heading),
    picker,
    fields,
    error,
    h("div", { class: "form-buttons" }, save, h("button", { type: "button", class: "small", onclick: onCancel }, "Cancel")),
  );
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      onCancel();
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const specs = FIELDS[current.type];
    const values = {};
    for (const spec of specs) {
      const value = read(form, spec);
      if (spec.required && (value === null || value === "")) {
        error.textContent = `${spec.label} is required.`;
        error.hidden = false;
        form.querySelector(`[data-field="${spec.name}"]`)?.focus();
        return;
      }
      if (!entry) {
        if (value !== null && !(Array.isArray(value) && !value.length) && value !== "") values[spec.name] = value;
      } else if (!same(normalised(spec, value), normalised(spec, entry[spec.name]))) {
        values[spec.name] = value;
      }
    }
    save.disabled = true;
    error.hidden = true;
    const problem = await onSubmit(values, current.list);
    save.disabled = false;
    if (problem) {
      error.textContent = problem;
      error.hidden = false;
    }
  });
  return form;
}
