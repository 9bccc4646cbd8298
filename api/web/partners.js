// @ts-check
// Partner data on the canvas: import a CSV (with a column mapping), review the rows no actor matched,
// and the imported figures on the actor cards. The server matches rows and checks the figures; this
// module only shows what it says and sends a person's answers.

import { ApiError, getJSON, request } from "./api.js";
import { $, announce, clear, h, hidden, uid } from "./dom.js";

const FIELDS = [
  ["", "automatic"],
  ["name", "actor name"],
  ["aliases", "aliases"],
  ["tier", "tier"],
  ["overlapping_accounts", "overlapping accounts"],
  ["pipeline", "pipeline"],
  ["revenue", "revenue"],
  ["contract_end", "contract end date"],
  ["-", "leave out"],
];

let shown = null; // {canvasId, version, data}: what the panel and the cards show now

function money(m) {
  if (!m) return "";
  const signs = { EUR: "€", USD: "$", GBP: "£" };
  let figure = m.amount;
  let suffix = "";
  for (const [scale, s] of /** @type {[number, string][]} */ ([[1e9, "B"], [1e6, "M"], [1e3, "k"]])) {
    if (figure >= scale) {
      figure /= scale;
      suffix = s;
      break;
    }
  }
  const text = `${Number(figure.toFixed(1))}${suffix}`;
  return signs[m.currency] ? `${signs[m.currency]}${text}` : m.currency ? `${m.currency} ${text}` : text;
}

/**
 * One line of a record's figures, as the exports write it.
 * @param {Record<string, any>} record
 */
export function figures(record) {
  const parts = [];
  if (record.pipeline) parts.push(`pipeline ${money(record.pipeline)}`);
  if (record.revenue) parts.push(`revenue ${money(record.revenue)}`);
  if (record.overlapping_accounts !== null && record.overlapping_accounts !== undefined) parts.push(`${record.overlapping_accounts} shared accounts`);
  if (record.contract_end) parts.push(`contract to ${record.contract_end}`);
  return parts.join(" · ");
}

/** The imported figures on the board's actor cards: a tier badge and a line of figures. */
function decorateCards(match) {
  for (const old of document.querySelectorAll("#view-board .partner-figures")) old.remove();
  for (const m of match.matched) {
    const card = document.querySelector(`#view-board .entry[data-entry-id="${CSS.escape(m.actor_id)}"]`);
    if (!card) continue;
    const line = h(
      "p",
      { class: "partner-figures small-text", dataset: { actorId: m.actor_id } },
      m.record.tier ? h("span", { class: "chip chip-tier" }, m.record.tier) : null,
      " ",
      figures(m.record) || "no figures",
      hidden(" (imported partner data)"),
    );
    card.append(line);
  }
}

function problemList(err) {
  const rows = err instanceof ApiError ? err.problem?.errors || [] : [];
  if (!rows.length) return null;
  return h("ul", { class: "partner-errors form-error" }, rows.slice(0, 50).map((e) => h("li", {}, e.msg)), rows.length > 50 ? h("li", {}, `and ${rows.length - 50} more`) : null);
}

/** The header of a CSV file, split the way the server will split it (a first guess at the delimiter). */
function headerOf(text) {
  const first = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0];
  const delimiter = [";", "\t", "|", ","].map((d) => [d, first.split(d).length]).sort((a, b) => b[1] - a[1])[0][0];
  return first.split(delimiter).map((c) => c.trim().replace(/^"|"$/g, ""));
}

function importForm(ctx, refresh) {
  const fileId = uid("partner-file");
  const status = h("div", { class: "partner-status", role: "status" });
  const mapping = h("div", { class: "partner-mapping" });
  let text = null;
  let fileName = "";
  const input = h("input", {
    id: fileId,
    type: "file",
    accept: ".csv,text/csv",
    onchange: async () => {
      const file = input.files[0];
      if (!file) return;
      text = await file.text();
      fileName = file.name;
      const columns = headerOf(text);
      clear(
        mapping,
        h("p", { class: "small-text muted" }, "Each column is read by its header (Partner, Tier, Pipeline, ARR, Contract end…); choose a field to override."),
        columns.map((column) => {
          const id = uid("partner-col");
          return h(
            "span",
            { class: "partner-column" },
            h("label", { for: id }, column),
            h("select", { id, dataset: { column } }, FIELDS.map(([value, label]) => h("option", { value }, label))),
          );
        }),
      );
      submit.disabled = false;
    },
  });
  const submit = h("button", { type: "submit", class: "primary small", disabled: true }, "Import partners");
  const form = h(
    "form",
    {
      class: "partner-import",
      "data-writes": true,
      onsubmit: async (event) => {
        event.preventDefault();
        if (text === null) return;
        const chosen = {};
        for (const select of mapping.querySelectorAll("select")) if (select.value) chosen[select.dataset.column] = select.value;
        submit.disabled = true;
        clear(status, "Importing…");
        try {
          const res = await request("/partners", { method: "POST", json: { csv: text, source: fileName, mapping: chosen, canvas_id: ctx.canvasId } });
          const body = await res.json();
          const replaced = body.previous ? `; it replaces import ${body.previous.version}` : "";
          const left = body.match ? body.match.unmatched.length : 0;
          const message = `Imported ${body.imported.rows} partner rows as import ${body.imported.version}${replaced}. ${left ? `${left} left to review.` : "Every row matched an actor."}`;
          announce(message);
          await refresh(message);
        } catch (err) {
          clear(status, h("p", { class: "form-error" }, `Nothing was imported: ${err.message}`), problemList(err));
          submit.disabled = false;
        }
      },
    },
    h("label", { for: fileId }, "Partner CSV (PRM export, account overlap…)"),
    input,
    mapping,
    submit,
  );
  return [form, status];
}

function reviewList(ctx, match, refresh) {
  if (!match.unmatched.length && !match.skipped.length) return null;
  const actors = (ctx.index.canvas.actors || []).filter((a) => a.status !== "rejected");
  const decide = async (json, what) => {
    try {
      await request("/partners/decisions", { method: "POST", json: { ...json, canvas_id: ctx.canvasId } });
      announce(what);
      await refresh(what);
    } catch (err) {
      announce(`Not saved: ${err.message}`);
    }
  };
  const rows = match.unmatched.map((u) => {
    const id = uid("partner-map");
    const picks = [...u.candidates.map((c) => [c.actor_id, `${c.name} (close match)`]), ...actors.filter((a) => !u.candidates.some((c) => c.actor_id === a.id)).map((a) => [a.id, a.name])];
    const select = h("select", { id }, picks.map(([value, label]) => h("option", { value }, label)));
    return h(
      "li",
      { class: "partner-row", dataset: { row: u.record.row } },
      h("strong", {}, u.record.name),
      ` (row ${u.record.row}): ${u.reason}. `,
      ctx.canWrite
        ? h(
            "span",
            { class: "partner-actions" },
            h("label", { for: id }, "This is", hidden(` (${u.record.name})`)),
            " ",
            select,
            " ",
            h("button", { type: "button", class: "small", onclick: () => decide({ row: u.record.row, action: "map", actor_id: select.value }, `Row ${u.record.row} mapped.`) }, "Map", hidden(` ${u.record.name}`)),
            " ",
            h("button", { type: "button", class: "small", onclick: () => decide({ row: u.record.row, action: "skip" }, `Row ${u.record.row} skipped.`) }, "Skip", hidden(` ${u.record.name}`)),
          )
        : null,
    );
  });
  const skipped = match.skipped.map((r) =>
    h(
      "li",
      { class: "partner-row skipped", dataset: { row: r.row } },
      `${r.name} (row ${r.row}) is skipped. `,
      ctx.canWrite ? h("button", { type: "button", class: "link", onclick: () => decide({ row: r.row, action: "clear" }, `Row ${r.row} back to review.`) }, "Undo", hidden(` skipping ${r.name}`)) : null,
    ),
  );
  return h("div", { class: "partner-review" }, h("h4", {}, "Rows to review"), h("ul", { class: "plain" }, rows, skipped));
}

function matchedList(match, ctx) {
  if (!match.matched.length) return null;
  return h(
    "table",
    { class: "partner-table" },
    h("thead", {}, h("tr", {}, ["Actor", "Tier", "Figures", "Matched by"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, match.matched.map((m) => h("tr", {}, h("td", {}, ctx.index.actor(m.actor_id)), h("td", {}, m.record.tier || "—"), h("td", {}, figures(m.record) || "—"), h("td", {}, m.how)))),
  );
}

/**
 * Render the partner panel for the open canvas, and the figures on its actor cards.
 * @param {HTMLElement} root
 * @param {{canvasId: string, version: number, index: import("./model.js").CanvasLookup, canWrite: boolean, reload: () => Promise<void>}} ctx
 */
export async function renderPartners(root, ctx) {
  const key = `${ctx.canvasId}:${ctx.version}`;
  let data = shown?.key === key ? shown.data : null;
  if (!data) {
    try {
      data = await getJSON(`/canvases/${encodeURIComponent(ctx.canvasId)}/partners`);
    } catch (err) {
      clear(root, h("h3", {}, "Partner data"), h("p", { class: "form-error" }, `Could not load the partner data: ${err.message}`));
      return;
    }
    shown = { key, data };
  }
  const refresh = async (message) => {
    shown = null;
    await ctx.reload();
    if (message) $("#partners-panel .partner-status")?.replaceChildren(h("p", {}, message));
  };
  const summary = data.partner_import
    ? `Import ${data.partner_import.version}${data.partner_import.source ? ` (${data.partner_import.source})` : ""}: ${data.partner_import.rows} rows, ${data.match.matched.length} matched to actors.`
    : "No partner data yet: import a CSV of partner tiers, pipeline, revenue or shared accounts to see it on the cards, the diagram and the checks.";
  const details = h(
    "details",
    { class: "partner-details", open: data.match.unmatched.length > 0 },
    h("summary", {}, "Partner data ", h("span", { class: "muted small-text" }, data.partner_import ? `import ${data.partner_import.version}, ${data.match.unmatched.length} to review` : "none")),
    h("p", { class: "small-text" }, summary),
    matchedList(data.match, ctx),
    reviewList(ctx, data.match, refresh),
    ctx.canWrite ? importForm(ctx, refresh) : null,
  );
  clear(root, details);
  decorateCards(data.match);
}
