// @ts-check
// Draft acceptance on the history tab: what review made of the drafted entries, for this canvas per
// section and for the whole workspace per backend, model and prompt version (GET .../acceptance).

import { getJSON } from "./api.js";
import { clear, h } from "./dom.js";
import { LISTS, words } from "./model.js";

const COLUMNS = ["Drafted", "Accepted", "Edited", "Rejected", "Not reviewed", "Added by hand"];

const percent = (share) => (share === null || share === undefined ? "—" : `${Math.round(share * 100)}%`);

/** One row's cells: the drafted count, the four shares of it, and the count added by hand. */
function cells(t) {
  return [t.drafted, percent(t.accepted_share), percent(t.edited_share), percent(t.rejected_share), percent(t.pending_share), t.added].map((v) =>
    h("td", { class: "num" }, String(v)),
  );
}

function table(caption, firstColumn, rows) {
  return h(
    "div",
    { class: "table-scroll", tabindex: "0", role: "region", "aria-label": caption },
    h(
      "table",
      { class: "acceptance-table" },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, [firstColumn, ...COLUMNS].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, rows.map(([label, tally, data]) => h("tr", { dataset: data }, h("th", { scope: "row" }, label), cells(tally)))),
    ),
  );
}

/** "offline · offline@1" or "llm · openai/gpt-4o-mini · canvas@3". */
function generatorLabel(gen) {
  return [gen.backend, gen.model && gen.model !== gen.backend ? gen.model : null, gen.prompt_version || null].filter(Boolean).join(" · ");
}

function summary(report) {
  const t = report.total;
  if (!t.drafted) return t.added ? `Nothing here was drafted; ${t.added} added by hand.` : "Nothing drafted yet.";
  return (
    `Of the ${t.drafted} entries drafted by ${generatorLabel(report.generator)}: ${percent(t.accepted_share)} accepted unchanged, ` +
    `${percent(t.edited_share)} edited, ${percent(t.rejected_share)} rejected, ${percent(t.pending_share)} not reviewed yet; ` +
    `${t.added} added by hand.`
  );
}

/**
 * Fill `root` with the canvas's acceptance (at ctx.version) and the workspace's, per generator.
 * @param {HTMLElement} root
 * @param {{canvasId: string, version: number}} ctx
 */
export async function renderAcceptance(root, ctx) {
  clear(root, h("p", { class: "muted" }, "Loading draft acceptance…"));
  let mine;
  let workspace;
  try {
    const version = ctx.version ? `?version=${encodeURIComponent(ctx.version)}` : "";
    [mine, workspace] = await Promise.all([
      getJSON(`/canvases/${encodeURIComponent(ctx.canvasId)}/acceptance${version}`),
      getJSON("/workspace/acceptance"),
    ]);
  } catch (err) {
    clear(root, h("p", { class: "form-error" }, `Could not load the draft acceptance: ${err.message}`));
    return;
  }
  const sections = Object.entries(mine.sections)
    .filter(([, t]) => t.drafted || t.added)
    .map(([name, t]) => [LISTS[name]?.label || words(name), t, { section: name }]);
  sections.push(["All sections", mine.total, { section: "all" }]);
  const generators = workspace.generators.map((g) => [`${generatorLabel(g.generator)} (${g.canvases} canvas${g.canvases === 1 ? "" : "es"})`, g.total, { generator: generatorLabel(g.generator) }]);
  clear(
    root,
    h("h3", { id: "acceptance-title" }, "Draft acceptance"),
    h("p", { class: "acceptance-summary" }, summary(mine)),
    table(`This canvas, version ${mine.version}, per section`, "Section", sections),
    generators.length ? table("Every canvas of the workspace, per backend, model and prompt version", "Drafted by", generators) : "",
  );
}
