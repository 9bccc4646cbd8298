// @ts-check
// Version history: every version of the canvas, what made it, and a readable diff between any two.

import { renderAcceptance } from "./acceptance.js";
import { getJSON } from "./api.js";
import { chip, clear, formatDate, h, hidden } from "./dom.js";
import { LISTS, words } from "./model.js";

const ACTOR_FIELDS = new Set(["owner", "supporters", "approvers", "provider", "receiver", "participants", "actors", "review.stakeholders"]);
const FIELD_LABELS = { "scope.summary": "Scope summary", "review.cadence": "Review cadence", "review.stakeholders": "Review stakeholders", data_source: "Data source", depends_on: "Depends on" };

const fieldLabel = (name) => FIELD_LABELS[name] || words(name).replace(/^./, (c) => c.toUpperCase());

function value(index, field, v) {
  if (v === null || v === undefined || v === "") return "—";
  if (Array.isArray(v)) {
    if (!v.length) return "none";
    if (ACTOR_FIELDS.has(field)) return v.map((id) => index.actor(id)).join(", ");
    if (field === "depends_on") return v.map((id) => index.activity(id)).join(", ");
    return v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join("; ");
  }
  if (ACTOR_FIELDS.has(field) && typeof v === "string") return index.actor(v);
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/**
 * Quote a label once: curly double quotes, or single ones when the label itself holds double quotes.
 * @param {string} text
 */
export function quoted(text) {
  const s = String(text ?? "").trim();
  return /["“”]/.test(s) ? `‘${s}’` : `“${s}”`;
}

/**
 * A sentence part without its own closing full stop, so "…" + ". Saved" never reads "..".
 * @param {unknown} text
 */
export const bare = (text) => String(text ?? "").trim().replace(/[.!?…]+$/u, "");

const VERBS = { accept: "Accepted", reject: "Rejected" };

function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * One line (no final full stop) saying what made a version.
 * @param {Record<string, any>} action
 * @param {import("./model.js").CanvasLookup} index
 * @param {(id: string) => string} findingLabel
 * @returns {string}
 */
export function describeAction(action, index, findingLabel) {
  const a = action || {};
  const entry = (id) => quoted(index.label(id));
  const finding = (id) => `a finding (${bare(findingLabel(id))})`;
  switch (a.action) {
    case "generate":
      return a.based_on ? "Regenerated from the documents, keeping the review" : `Generated from ${plural((a.documents || []).length, "document")}`;
    case "accept":
      return `Accepted ${entry(a.entry_id)}`;
    case "reject":
      return `Rejected ${entry(a.entry_id)}${a.reason ? ` (${bare(a.reason)})` : ""}`;
    case "edit":
      return `Edited ${entry(a.entry_id)}: ${Object.keys(a.changes || {}).map(fieldLabel).join(", ").toLowerCase()}`;
    case "add":
      return `Added to ${(LISTS[a.section]?.label || words(a.section)).toLowerCase()}: ${quoted(a.entry?.name || a.entry?.text || a.entry?.description || a.entry?.value || "")}`;
    case "set":
      if (a.field === "review.stakeholders") return `Set the review stakeholders to ${index.actors(a.value || []).join(", ") || "none"}`;
      return a.value ? `Set the ${fieldLabel(a.field).toLowerCase()} to ${quoted(a.value)}` : `Cleared the ${fieldLabel(a.field).toLowerCase()}`;
    case "merge":
      return `Merged ${entry(a.other_id)} into ${entry(a.entry_id)}`;
    case "partners":
      return `Checked against partner data (import ${a.partner_import})`;
    case "comment":
      return a.entry_id ? `Commented on ${entry(a.entry_id)}` : `Commented on ${finding(a.finding_id)}`;
    case "dismiss":
      return `Dismissed ${finding(a.finding_id)}: ${bare(a.reason)}`;
    case "resolve":
      return `Resolved ${finding(a.finding_id)}${a.reason ? `: ${bare(a.reason)}` : ""}`;
    case "reopen":
      return `Reopened ${finding(a.finding_id)}`;
    case "batch": {
      const steps = a.actions || [];
      const kinds = [...new Set(steps.map((s) => s.action))];
      if (kinds.length === 1 && VERBS[kinds[0]]) return `${VERBS[kinds[0]]} ${plural(steps.length, "entry", "entries")}`;
      const added = steps.filter((s) => s.action === "add" && s.section === "actors").map((s) => quoted(s.entry?.name));
      const rest = steps.filter((s) => !(s.action === "add" && s.ref));
      const main = rest.length === 1 ? describeAction(rest[0], index, findingLabel) : `${plural(rest.length, "change")}`;
      return added.length ? `${main}, with the new actor ${added.join(", ")}` : main;
    }
    case "restore":
      return `Restored version ${a.version}`;
    case "undo":
      return `Undid the last change (back to version ${a.version})`;
    default:
      return a.action ? words(a.action) : "Saved";
  }
}

function changeTable(index, change) {
  const fields = change.fields || [];
  if (!fields.length) return null;
  const cols = change.change === "changed" ? ["Field", "Before", "After"] : ["Field", change.change === "added" ? "Value" : "Was"];
  return h(
    "table",
    { class: "diff-fields" },
    h("thead", {}, h("tr", {}, cols.map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      fields.map((f) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, fieldLabel(f.field)),
          change.change !== "added" ? h("td", {}, h("del", {}, value(index, f.field, f.before))) : "",
          change.change !== "removed" ? h("td", {}, h("ins", {}, value(index, f.field, f.after))) : "",
        ),
      ),
    ),
  );
}

const CHANGE_TITLES = { added: "Added", changed: "Changed", removed: "Removed" };

/**
 * The diff as headed lists: entries added, changed, removed; canvas texts; findings opened and closed.
 * @param {HTMLElement} root
 * @param {Record<string, any>} diff
 * @param {import("./model.js").CanvasLookup} index
 * @param {number} from
 * @param {number} to
 */
export function renderDiff(root, diff, index, from, to) {
  /** @type {HTMLElement[]} */
  const parts = [h("h3", {}, `Changes from version ${from} to version ${to}`)];
  const entries = diff.entries || [];
  for (const kind of ["added", "changed", "removed"]) {
    const group = entries.filter((e) => e.change === kind);
    if (!group.length) continue;
    parts.push(
      h("h4", {}, `${CHANGE_TITLES[kind]} (${group.length})`),
      h(
        "ul",
        { class: `diff-list diff-${kind}` },
        group.map((e) =>
          h("li", { dataset: { entryId: e.id } }, chip(LISTS[e.section]?.one || words(e.section), "kind"), " ", h("strong", {}, e.label), changeTable(index, e) || ""),
        ),
      ),
    );
  }
  if ((diff.canvas_fields || []).length) {
    parts.push(h("h4", {}, "Canvas texts"), changeTable(index, { change: "changed", fields: diff.canvas_fields }));
  }
  for (const [key, title] of [["findings_opened", "Findings opened"], ["findings_closed", "Findings closed"]]) {
    const list = diff[key] || [];
    if (!list.length) continue;
    parts.push(
      h("h4", {}, `${title} (${list.length})`),
      h(
        "ul",
        { class: "diff-list" },
        list.map((f) =>
          h("li", {}, chip(f.severity, `sev-${f.severity}`), " ", f.message, key === "findings_closed" && f.status !== "open"
            ? h("span", { class: "muted" }, ` — ${f.status}${f.reason ? `: ${f.reason}` : ""}`)
            : ""),
        ),
      ),
    );
  }
  const comments = diff.comments || [];
  if (comments.length) {
    parts.push(
      h("h4", {}, `Comments (${comments.length})`),
      h(
        "ul",
        { class: "diff-list diff-comments" },
        comments.map((c) =>
          h("li", { dataset: { commentOn: c.id } }, chip(c.on === "entry" ? "entry" : "finding", "kind"), " ", h("strong", {}, c.label), h("blockquote", {}, c.comment.text), c.comment.at ? h("span", { class: "muted small-text" }, formatDate(c.comment.at)) : ""),
        ),
      ),
    );
  }
  if (parts.length === 1) parts.push(h("p", { class: "muted" }, "No differences."));
  clear(root, parts);
}

/**
 * The version list and the compare form; ctx: {canvasId, version, index, findingLabel, canWrite, restore}.
 * @param {HTMLElement} root
 * @param {import("./state.js").ViewContext} ctx
 */
export async function renderHistory(root, ctx) {
  clear(root, h("p", { class: "muted" }, "Loading versions…"));
  let versions;
  try {
    versions = await getJSON(`/canvases/${encodeURIComponent(ctx.canvasId)}/versions?limit=200`);
  } catch (err) {
    clear(root, h("p", { class: "form-error" }, `Could not load the versions: ${err.message}`));
    return;
  }
  versions = [...versions].sort((a, b) => b.version - a.version);
  const latest = versions[0]?.version ?? 1;
  const pick = (id, label, selected) =>
    h("div", { class: "field inline" }, h("label", { for: id }, label), h("select", { id }, versions.map((v) => h("option", { value: v.version, selected: v.version === selected }, `version ${v.version}`))));
  const out = h("div", { class: "diff-out", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "compare", "aria-label": "Compare two versions" },
    pick("diff-from", "From", Math.max(1, latest - 1)),
    pick("diff-to", "To", latest),
    h("button", { type: "submit", class: "primary small" }, "Show changes"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const from = Number(/** @type {HTMLSelectElement} */ (form.querySelector("#diff-from")).value);
    const to = Number(/** @type {HTMLSelectElement} */ (form.querySelector("#diff-to")).value);
    if (from === to) {
      clear(out, h("p", { class: "form-error" }, "Pick two different versions."));
      return;
    }
    clear(out, h("p", { class: "muted" }, "Comparing…"));
    try {
      const diff = await getJSON(`/canvases/${encodeURIComponent(ctx.canvasId)}/diff?from_version=${from}&to_version=${to}`);
      renderDiff(out, diff, ctx.index, from, to);
    } catch (err) {
      clear(out, h("p", { class: "form-error" }, `Could not compare: ${err.message}`));
    }
  });
  const table = h(
    "div",
    { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Versions" },
    h(
      "table",
      { class: "versions" },
      h("caption", {}, `${versions.length} version${versions.length === 1 ? "" : "s"}, newest first`),
      h("thead", {}, h("tr", {}, [...["Version", "When", "What changed"], ...(ctx.canWrite ? ["Restore"] : [])].map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        versions.map((v) =>
          h(
            "tr",
            { dataset: { version: v.version } },
            h("td", {}, String(v.version)),
            h("td", { class: "nowrap" }, formatDate(v.created_at)),
            h("td", {}, describeAction(v.action, ctx.index, ctx.findingLabel)),
            ctx.canWrite
              ? h("td", {}, v.version === latest ? h("span", { class: "muted small-text" }, "current")
                : h("button", { type: "button", class: "small", dataset: { restore: v.version }, onclick: () => ctx.restore(v.version) }, "Restore this version", hidden(` (${v.version})`)))
              : "",
          ),
        ),
      ),
    ),
  );
  const acceptance = h("section", { class: "acceptance", "aria-labelledby": "acceptance-title" });
  clear(root, form, out, table, acceptance);
  renderAcceptance(acceptance, ctx);
}
