// @ts-check
// The findings panel: the rule engine's gaps grouped by severity, linked to their entries, with review actions.

import { chip, h, hidden, uid } from "./dom.js";
import { commentList, noteForm } from "./entrypanel.js";
import { inlineEdit } from "./forms.js";
import { PANELS } from "./model.js";

const GROUPS = [
  ["error", "Errors"],
  ["warning", "Warnings"],
  ["info", "Information"],
];

/** "1 error", "2 warnings", "1 information note": the summary's words agree with their counts. */
const COUNT_WORDS = { error: ["error", "errors"], warning: ["warning", "warnings"], info: ["information note", "information notes"] };

function counted(n, severity) {
  const [one, many] = COUNT_WORDS[severity];
  return `${n} ${n === 1 ? one : many}`;
}

function reasonForm(finding, { verb, required, action }, ctx, item) {
  const id = uid("reason");
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const input = h("textarea", { id, rows: 2, required: required || null, "aria-describedby": `${id}-hint` });
  const form = h(
    "form",
    { class: "reason-form", novalidate: true },
    h("label", { for: id }, required ? `Why dismiss it? (required)` : "Note (optional)"),
    input,
    h("p", { id: `${id}-hint`, class: "muted small-text" }, required ? "The reason is kept with the finding on every later version." : "Say what was done, if useful."),
    error,
  );
  const buttons = item.querySelector(".finding-actions");
  const restore = () => {
    form.remove();
    buttons.hidden = false;
  };
  form.append(inlineEdit(form, { save: verb, restore, returnTo: () => buttons.querySelector("button") }).buttons);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reason = input.value.trim();
    if (required && !reason) {
      error.textContent = "Give a reason: a dismissal without one cannot be checked later.";
      error.hidden = false;
      input.focus();
      return;
    }
    const body = { action, finding_id: finding.id };
    if (reason || required) body.reason = reason;
    const problem = await ctx.actions.review(body, { findingId: finding.id });
    if (problem) {
      error.textContent = problem;
      error.hidden = false;
    }
  });
  buttons.hidden = true;
  buttons.after(form);
  input.focus();
}

function subjects(finding, ctx) {
  const ids = finding.subjects || [];
  if (!ids.length) {
    const panel = PANELS.find((p) => p.key === finding.section || p.lists.includes(finding.section));
    if (!panel) return null;
    return h(
      "p",
      { class: "subjects" },
      "Concerns ",
      h("button", { type: "button", class: "link", onclick: () => ctx.actions.showPanel(panel.key) }, `panel ${panel.n}, ${panel.title}`),
    );
  }
  return h(
    "p",
    { class: "subjects" },
    "Concerns ",
    ids.map((id, i) => [
      i ? ", " : "",
      ctx.index.entries.has(id)
        ? h("button", { type: "button", class: "link", dataset: { subject: id }, onclick: () => ctx.actions.showEntry(id) }, ctx.index.label(id))
        : h("span", { class: "muted" }, `${id} (no longer on the canvas)`),
    ]),
  );
}

function findingItem(finding, ctx) {
  const item = h("li", { class: `finding finding-${finding.status}`, dataset: { findingId: finding.id } });
  const buttons = h("div", { class: "finding-actions" });
  const comments = finding.comments || [];
  if (ctx.canWrite) {
    const comment = h("button", { type: "button", class: "small ghost", dataset: { findingAct: "comment" } }, "Comment…", hidden(` on ${finding.message}`));
    comment.addEventListener("click", () => {
      const form = noteForm({
        label: "Comment on this finding",
        button: "Add comment",
        required: true,
        onSubmit: (text) => ctx.actions.review({ action: "comment", finding_id: finding.id, text }, { findingId: finding.id }),
        restore: () => {
          form.remove();
          buttons.hidden = false;
        },
        returnTo: () => comment,
      });
      buttons.hidden = true;
      buttons.after(form);
      form.querySelector("textarea").focus();
    });
    if (finding.status === "open") {
      buttons.append(
        h("button", { type: "button", class: "small", onclick: () => reasonForm(finding, { verb: "Dismiss finding", required: true, action: "dismiss" }, ctx, item) },
          "Dismiss…", hidden(` ${finding.message}`)),
        h("button", { type: "button", class: "small", onclick: () => reasonForm(finding, { verb: "Mark resolved", required: false, action: "resolve" }, ctx, item) },
          "Resolve…", hidden(` ${finding.message}`)),
      );
    } else {
      buttons.append(
        h("button", { type: "button", class: "small", onclick: () => ctx.actions.review({ action: "reopen", finding_id: finding.id }, { findingId: finding.id }) },
          "Reopen", hidden(` ${finding.message}`)),
      );
    }
    buttons.append(comment);
  }
  item.append(
    h("div", { class: "finding-head" }, chip(finding.status, `f-${finding.status}`), h("code", { class: "rule" }, finding.rule)),
    h("p", { class: "finding-message" }, finding.message),
    finding.suggestion ? h("p", { class: "suggestion" }, h("span", { class: "muted" }, "Suggestion: "), finding.suggestion) : "",
    subjects(finding, ctx) || "",
    finding.reason ? h("p", { class: "reason" }, h("span", { class: "muted" }, finding.status === "dismissed" ? "Dismissed: " : "Note: "), finding.reason) : "",
    comments.length ? h("div", { class: "finding-comments" }, h("h4", {}, `Comments (${comments.length})`), commentList(comments)) : "",
    buttons,
  );
  return item;
}

/**
 * Render the findings into `root`. ctx: {findings, index, canWrite, actions: {review, showEntry, showPanel}}.
 * @param {HTMLElement} root
 * @param {import("./state.js").BoardContext} ctx
 */
export function renderFindings(root, ctx) {
  const findings = ctx.findings || [];
  const open = findings.filter((f) => f.status === "open");
  const summary = GROUPS.map(([sev]) => counted(open.filter((f) => f.severity === sev).length, sev)).join(", ");
  /** @type {HTMLElement[]} */
  const parts = [h("p", { class: "findings-summary" }, findings.length ? `Open: ${summary}.` : "The rules found no gaps.")];
  for (const [severity, label] of GROUPS) {
    const group = findings.filter((f) => f.severity === severity);
    if (!group.length) continue;
    // Open ones first: they are the work left to do.
    group.sort((a, b) => (a.status === "open" ? 0 : 1) - (b.status === "open" ? 0 : 1));
    const openCount = group.filter((f) => f.status === "open").length;
    const headingId = `findings-${severity}`;
    parts.push(
      h(
        "section",
        { class: `sev-group sev-${severity}`, "aria-labelledby": headingId, dataset: { severity } },
        h(
          "h3",
          { id: headingId },
          chip(label, `sev-${severity}`),
          h("span", { class: "count" }, `${openCount} open`, group.length > openCount ? ` of ${group.length}` : ""),
        ),
        h("ul", { class: "findings-list" }, group.map((f) => findingItem(f, ctx))),
      ),
    );
  }
  root.replaceChildren(...parts);
}
