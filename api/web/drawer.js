// @ts-check
// The side panel: an entry's citations shown inside its document's text, or a whole document's text.

import { getJSON } from "./api.js";
import { chip, clear, h, hidden } from "./dom.js";

/** @type {Map<string, Promise<{id: string, name: string, text: string}>>} */
const texts = new Map();
/** @type {HTMLElement | null} */
let returnFocus = null;
// The card the panel was opened from: a review write re-renders the board, so the element itself may be gone.
let returnEntry = null;

/**
 * A document's extracted text, fetched once per page session.
 * @param {string} documentId
 */
export function documentText(documentId) {
  if (!texts.has(documentId)) {
    const pending = getJSON(`/documents/${encodeURIComponent(documentId)}/text`);
    pending.catch(() => texts.delete(documentId));
    texts.set(documentId, pending);
  }
  return texts.get(documentId);
}

export function forgetTexts() {
  texts.clear();
}

const drawer = () => document.getElementById("drawer");

export function closeDrawer() {
  const el = drawer();
  if (el.hidden) return;
  el.hidden = true;
  document.body.classList.remove("drawer-open");
  if (returnFocus?.isConnected) returnFocus.focus();
  else if (returnEntry) /** @type {HTMLElement | null} */ (document.querySelector(`#view-board [data-entry-id="${CSS.escape(returnEntry)}"] .entry-open`))?.focus();
  returnFocus = null;
  returnEntry = null;
}

export const drawerOpen = () => !drawer().hidden;

/**
 * Open the panel with `title`; `fill(body)` adds the content. Focus goes to the heading.
 * @param {string} title
 * @template T
 * @param {(body: HTMLElement) => T} fill
 * @returns {T}
 */
export function openDrawer(title, fill) {
  const el = drawer();
  if (el.hidden) {
    returnFocus = /** @type {HTMLElement | null} */ (document.activeElement);
    returnEntry = /** @type {HTMLElement | null} */ (returnFocus?.closest?.("[data-entry-id]"))?.dataset.entryId || null;
  }
  document.getElementById("drawer-title").textContent = title;
  const body = document.getElementById("drawer-body");
  body.replaceChildren();
  body.scrollTop = 0;
  el.hidden = false;
  document.body.classList.add("drawer-open");
  document.getElementById("drawer-title").focus();
  return fill(body);
}

/** Scroll a text box so its highlighted quote sits in the upper third. */
function centre(box, mark) {
  box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 3);
}

/** Where the quote stands in the text: at its offsets, else (a defect) wherever it first occurs. */
function locate(text, citation) {
  if (text.slice(citation.start, citation.end) === citation.quote) return [citation.start, citation.end, true];
  const at = citation.quote ? text.indexOf(citation.quote) : -1;
  return at >= 0 ? [at, at + citation.quote.length, false] : null;
}

function citationView(citation, n) {
  const figure = h(
    "figure",
    { class: "citation" },
    h(
      "figcaption",
      {},
      h("strong", {}, `${n}. ${citation.document}`),
      h("span", { class: "muted" }, ` · characters ${citation.start}–${citation.end}`),
    ),
  );
  const box = h("div", { class: "doc-text", tabindex: "0", role: "region", "aria-label": `Text of ${citation.document}` }, "Loading the document text…");
  figure.append(box);
  documentText(citation.document_id).then(
    (doc) => {
      const text = doc.text || "";
      const span = locate(text, citation);
      if (!span) {
        clear(
          box,
          h("p", { class: "form-error" }, "The quote was not found in the document text (the document may have been deleted or replaced)."),
          h("blockquote", {}, h("mark", {}, citation.quote)),
        );
        return;
      }
      const [start, end, exact] = span;
      const mark = h("mark", {}, text.slice(start, end));
      clear(box, text.slice(0, start), mark, text.slice(end));
      if (!exact) figure.append(h("p", { class: "form-error" }, "The quote is not at the cited offsets; shown where it first occurs."));
      // The figure may not be in the page yet when the text was cached: measure after layout.
      requestAnimationFrame(() => centre(box, mark));
    },
    (err) => clear(box, h("p", { class: "form-error" }, `Could not load the document text: ${err.message}`)),
  );
  return figure;
}

/** The side panel for one entry: what it says, how to review it, its open findings and each citation in context. */
/**
 * The side panel for one entry (or the review cadence): its rows, citations in their documents, open findings.
 * @param {{title: string, status?: string, rows?: [string, string, boolean][], sources: import("./model.js").Citation[],
 *   findings?: import("./model.js").Finding[], actions?: HTMLElement | null, review?: HTMLElement | null}} panel
 */
export async function showSources({ title, status, rows, sources, findings, actions, review }) {
  await openDrawer(title, async (body) => {
    if (status && !review) body.append(h("p", {}, chip(status, status)));
    if (rows?.length) {
      body.append(h("dl", { class: "entry-rows" }, rows.map(([label, value, flag]) => [h("dt", {}, label), h("dd", { class: flag ? "gap" : null }, value)])));
    }
    if (findings?.length) {
      body.append(
        h("h3", {}, "Open findings"),
        h("ul", { class: "plain" }, findings.map((f) => h("li", {}, chip(f.severity, `sev-${f.severity}`), " ", f.message))),
      );
    }
    if (actions) body.append(actions);
    if (review) body.append(review);
    body.append(h("h3", {}, sources.length ? `Sources (${sources.length})` : "Sources"));
    if (!sources.length) {
      body.append(h("p", { class: "muted" }, "None: a person added this by hand."));
      return;
    }
    const figures = sources.map((c, i) => citationView(c, i + 1));
    body.append(...figures);
  });
}

/**
 * The whole extracted text of one document.
 * @param {{id: string, name: string, chars?: number, chunks?: number}} doc
 */
export async function showDocument(doc) {
  await openDrawer(doc.name, async (body) => {
    const box = h("div", { class: "doc-text doc-full", tabindex: "0", role: "region", "aria-label": `Extracted text of ${doc.name}` }, "Loading…");
    body.append(h("p", { class: "muted" }, `${doc.chars ?? ""} characters, ${doc.chunks ?? ""} passages`, hidden(".")), box);
    try {
      const full = await documentText(doc.id);
      clear(box, full.text || "(no text)");
    } catch (err) {
      clear(box, h("p", { class: "form-error" }, `Could not load the text: ${err.message}`));
    }
  });
}

export function installDrawer() {
  document.getElementById("drawer-close").addEventListener("click", closeDrawer);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !drawer().hidden) closeDrawer();
  });
}
