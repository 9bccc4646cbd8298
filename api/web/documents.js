// @ts-check
// The workspace's documents: list, upload (drop zone or file picker) with per-file outcome, view text, delete.

import { ApiError, getJSON, request } from "./api.js";
import { announce, chip, clear, h, hidden, showError } from "./dom.js";
import { showDocument } from "./drawer.js";

/** @type {(documents: object[]) => void} */
let onChange = (_documents) => {};
let canWrite = true;

const number = (n) => (typeof n === "number" ? n.toLocaleString() : "?");

function confirmDelete(item, doc, buttons) {
  const yes = h("button", { type: "button", class: "danger small" }, "Yes, delete", hidden(` ${doc.name}`));
  const no = h("button", { type: "button", class: "small" }, "Keep it");
  const ask = h("div", { class: "confirm", role: "group", "aria-label": `Delete ${doc.name}?` }, h("span", {}, "Delete this document and its passages?"), yes, no);
  no.addEventListener("click", () => {
    ask.replaceWith(buttons);
    buttons.querySelector(".delete")?.focus();
  });
  yes.addEventListener("click", async () => {
    yes.disabled = true;
    try {
      await request(`/documents/${encodeURIComponent(doc.id)}`, { method: "DELETE" });
      announce(`Deleted ${doc.name}.`);
      await loadDocuments();
    } catch (err) {
      yes.disabled = false;
      showError(`Could not delete ${doc.name}: ${err.message}`);
    }
  });
  buttons.replaceWith(ask);
  no.focus();
}

function documentItem(doc) {
  const buttons = h(
    "span",
    { class: "doc-actions" },
    h("button", { type: "button", class: "small", onclick: () => showDocument(doc) }, "View text", hidden(` of ${doc.name}`)),
  );
  const item = h(
    "li",
    { class: "doc", dataset: { documentId: doc.id } },
    h("span", { class: "doc-name" }, doc.name),
    h("span", { class: "muted small-text" }, `${number(doc.chars)} characters · ${number(doc.chunks)} passages${doc.date ? ` · ${doc.date}` : ""}`),
    buttons,
  );
  if (canWrite) {
    const del = h("button", { type: "button", class: "small delete" }, "Delete", hidden(` ${doc.name}`));
    del.addEventListener("click", () => confirmDelete(item, doc, buttons));
    buttons.append(del);
  }
  return item;
}

/** Fetch and show the document list; tells the app how many there are. */
export async function loadDocuments() {
  const list = document.getElementById("document-list");
  const docs = await getJSON("/documents");
  docs.sort((a, b) => a.name.localeCompare(b.name));
  if (!docs.length) clear(list, h("li", { class: "muted" }, "No documents yet: add some to start."));
  else clear(list, docs.map(documentItem));
  document.getElementById("document-count").textContent = docs.length ? `(${docs.length})` : "";
  onChange(docs);
  return docs;
}

function statusRow(file) {
  const text = h("span", { class: "upload-msg" }, "uploading…");
  const state = chip("uploading", "draft");
  const row = h("li", { class: "upload", dataset: { name: file.name } }, h("span", { class: "doc-name" }, file.name), state, text);
  return {
    row,
    set(kind, message) {
      row.dataset.state = kind;
      state.replaceWith(chip(kind === "ok" ? "added" : "not added", kind === "ok" ? "accepted" : "rejected"));
      text.textContent = message;
    },
  };
}

/**
 * Upload files in one request and show each file's own outcome.
 * @param {FileList | File[]} files
 */
export async function upload(files) {
  files = [...files];
  if (!files.length) return;
  const box = document.getElementById("upload-status");
  const rows = files.map(statusRow);
  clear(box, rows.map((r) => r.row));
  const form = new FormData();
  for (const file of files) form.append("files", file, file.name);
  announce(`Uploading ${files.length} file${files.length === 1 ? "" : "s"}…`);
  let result;
  try {
    result = await (await request("/documents", { method: "POST", body: form })).json();
  } catch (err) {
    if (!(err instanceof ApiError) || err.status === 401) throw err;
    rows.forEach((r, i) => r.set("error", i === 0 ? err.message : "Every file of this upload failed; upload this one alone to see why."));
    announce(`No file was added: ${err.message}`);
    return;
  }
  const docs = [...(result.documents || [])];
  const errors = [...(result.errors || [])];
  files.forEach((file, i) => {
    const e = errors.findIndex((x) => x.name === file.name);
    if (e >= 0) {
      const [error] = errors.splice(e, 1);
      rows[i].set("error", `${error.error}`);
      return;
    }
    const d = docs.findIndex((x) => x.name === file.name);
    const doc = d >= 0 ? docs.splice(d, 1)[0] : docs.shift();
    rows[i].set("ok", doc ? `${number(doc.chars)} characters, ${number(doc.chunks)} passages` : "added");
  });
  const failed = (result.errors || []).length;
  announce(`${files.length - failed} of ${files.length} files added${failed ? `; ${failed} not added (see the list)` : ""}.`);
  await loadDocuments();
}

/**
 * Wire the picker and the drop zone once.
 * @param {{changed: (documents: object[]) => void, writable: boolean}} hooks
 */
export function installDocuments({ changed, writable }) {
  onChange = changed;
  canWrite = writable;
  const input = /** @type {HTMLInputElement} */ (document.getElementById("file-input"));
  const zone = document.getElementById("dropzone");
  const run = (files) => upload(files).catch((err) => showError(`Upload failed: ${err.message}`));
  input.addEventListener("change", () => {
    run(input.files);
    input.value = "";
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    if (event.dataTransfer?.files?.length) run(event.dataTransfer.files);
  });
  // A file dropped beside the zone would otherwise make the browser leave the page to open it.
  for (const type of ["dragover", "drop"]) window.addEventListener(type, (event) => event.preventDefault());
}

/**
 * @param {boolean} writable
 */
export function setWritable(writable) {
  canWrite = writable;
  document.getElementById("upload-controls").hidden = !writable;
}
