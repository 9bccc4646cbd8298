// @ts-check
// The review page: sign-in, the open canvas and its views, and every review write (with If-Match).

import { ApiError, clearKey, download, getJSON, getKey, getVersioned, onUnauthorized, request, setKey } from "./api.js";
import { applyFilters, clearSelection, renderBoard, revealEntry } from "./board.js";
import { installDocuments, loadDocuments, setWritable } from "./documents.js";
import { $, $button, $details, $input, $select, announce, clear, clearError, formatDate, h, showError } from "./dom.js";
import { closeDrawer, drawerOpen, forgetTexts, installDrawer, showSources } from "./drawer.js";
import { entryReview } from "./entrypanel.js";
import { renderFindings } from "./findings.js";
import { fieldForm } from "./forms.js";
import { bare, describeAction, renderHistory } from "./history.js";
import { cancelCurrent, follow, generate, stopWatching } from "./jobs.js";
import { PANELS } from "./model.js";
import { renderHealth } from "./health.js";
import { renderPartners } from "./partners.js";
import { createAppState, setupTouched, showing, signedIn, signedOut, viewing, withCanvases, withDocuments } from "./state.js";
import { filters, renderJump, renderToolbar, updateBulk } from "./toolbar.js";
import { renderDiagram, renderRaci } from "./views.js";

const CANVAS_STORAGE = "ecocanvas.canvas";
const VIEWS = ["board", "diagram", "raci", "history"];

/**
 * The page's behaviour over one state object (state.js), which every function here reads and the
 * state.js transitions change.
 * @param {import("./state.js").AppState} state
 */
function createApp(state) {
  // -- sign-in ---------------------------------------------------------------------------------------

  function showSignIn(message) {
    stopWatching(state.job);
    closeDrawer();
    $("#app-view").hidden = true;
    $("#sign-out").hidden = true;
    $("#workspace-name").hidden = true;
    $("#signin-view").hidden = false;
    const error = $("#signin-error");
    error.textContent = message || "";
    error.hidden = !message;
    $input("#key-input").value = "";
    $input("#key-input").focus();
  }

  function signOut(message) {
    clearKey();
    sessionStorage.removeItem(CANVAS_STORAGE);
    signedOut(state);
    forgetTexts();
    clearError();
    delete document.body.dataset.loaded;
    for (const id of ["view-board", "view-diagram", "view-raci", "view-history", "findings-body", "document-list", "upload-status", "board-tools", "jump"]) {
      document.getElementById(id).replaceChildren();
    }
    $("#canvas-area").hidden = true;
    $("#progress").hidden = true;
    showSignIn(message);
    if (!message) announce("Signed out.");
  }

  async function enter() {
    let workspace;
    try {
      workspace = await getJSON("/workspace", { quiet401: true });
    } catch (err) {
      clearKey();
      const why = err instanceof ApiError && (err.status === 401 || err.status === 403)
        ? "That key was not accepted. Check it and try again."
        : `Could not sign in: ${err.message}`;
      showSignIn(why);
      return;
    }
    signedIn(state, workspace);
    $("#signin-view").hidden = true;
    $("#app-view").hidden = false;
    $("#sign-out").hidden = false;
    const name = $("#workspace-name");
    name.textContent = `Workspace: ${workspace.name}${state.canWrite ? "" : " (read only)"}`;
    name.hidden = false;
    $("#readonly-note").hidden = state.canWrite;
    setWritable(state.canWrite);
    for (const el of document.querySelectorAll("[data-writes]")) /** @type {HTMLElement} */ (el).hidden = !state.canWrite;
    announce(`Signed in to ${workspace.name}.`);
    try {
      await Promise.all([loadDocuments(), loadCanvases()]);
      const wanted = sessionStorage.getItem(CANVAS_STORAGE);
      const pick = state.canvases.find((c) => c.id === wanted) || state.canvases[0];
      if (pick) {
        await openCanvas(pick.id);
        // With a canvas to review, the board matters more than the upload form: fold it away,
        // unless the person already opened or closed it themselves while the page was loading.
        if (!state.setupTouched) $details("#setup").open = false;
      }
      document.body.dataset.loaded = "true";
      // Focus goes where the work is: the canvas, or the documents when there is none yet.
      if (state.current) $("#canvas-title").focus();
      else {
        if (!state.setupTouched) $details("#setup").open = true;
        const heading = $("#documents-title");
        heading.tabIndex = -1;
        heading.focus();
      }
      await resumeJob();
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) showError(err.message);
    }
  }

  // -- canvases --------------------------------------------------------------------------------------

  async function loadCanvases() {
    const list = await getJSON("/canvases");
    list.sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
    withCanvases(state, list);
    const select = $select("#canvas-select");
    const chosen = state.current?.canvas_id;
    if (!list.length) clear(select, h("option", { value: "" }, "No canvases yet"));
    else clear(select, list.map((c) => h("option", { value: c.id, selected: c.id === chosen }, `${c.title || "Untitled canvas"} · version ${c.version}`)));
    select.disabled = !list.length;
    updateCounts();
    $button("#open-button").disabled = !list.length;
    $button("#regenerate-button").disabled = !list.length;
  }

  function setCurrent(version, etag) {
    showing(state, version, etag);
  }

  async function openCanvas(id) {
    const { data, etag } = await getVersioned(`/canvases/${encodeURIComponent(id)}`);
    setCurrent(data, etag);
    sessionStorage.setItem(CANVAS_STORAGE, id);
    $select("#canvas-select").value = id;
    $("#canvas-area").hidden = false;
    renderAll();
  }

  function findingLabel(id) {
    const found = state.current?.findings.find((f) => f.id === id);
    if (!found) return id;
    return found.message.length > 90 ? `${found.message.slice(0, 89)}…` : found.message;
  }

  const context = () => ({
    canvasId: state.current.canvas_id,
    canvas: state.current.canvas,
    findings: state.current.findings,
    index: state.index,
    canWrite: state.canWrite,
    // The server's caps per canvas field (GET /workspace): the forms' maxlength is the API's own limit.
    textLimits: state.workspace?.text_limits || {},
    filters,
    actions: { open: openEntry, review, showEntry, showPanel, openCadence, decide, selectionChanged },
  });

  function renderAll() {
    const { canvas, version, created_at: created } = state.current;
    $("#canvas-title").textContent = canvas.title || "Untitled canvas";
    const gen = canvas.generator || {};
    $("#canvas-meta").textContent = `Version ${version} · ${formatDate(created)} · drafted by ${gen.backend || "?"} (${gen.model || "?"}), ${gen.status || "complete"}`;
    updateUndo();
    const ctx = context();
    renderBoard($("#view-board"), ctx);
    renderToolbar($("#board-tools"), ctx, { filtersChanged, decide, selectionChanged, showBoard: () => selectView("board") });
    renderJump($("#jump"), ctx);
    renderFindings($("#findings-body"), ctx);
    const reload = () => openCanvas(ctx.canvasId);
    renderPartners($("#partners-panel"), { canvasId: ctx.canvasId, version, index: ctx.index, canWrite: state.canWrite, reload });
    renderHealth($("#health-panel"), { canvasId: ctx.canvasId, version });
    if (state.view !== "board") renderView(state.view);
  }

  function filtersChanged() {
    const ctx = context();
    const shown = applyFilters($("#view-board"), ctx);
    updateBulk($("#board-tools"), ctx);
    announce(`${shown} ${shown === 1 ? "entry" : "entries"} shown.`);
  }

  function selectionChanged(rerender = false) {
    if (rerender) renderBoard($("#view-board"), context());
    updateBulk($("#board-tools"), context());
  }

  function renderView(view) {
    const ctx = {
      canvasId: state.current.canvas_id,
      version: state.current.version,
      index: state.index,
      open: openEntry,
      findingLabel,
      canWrite: state.canWrite,
      restore: (n) => review({ action: "restore", version: n }, { restored: n }),
    };
    if (view === "diagram") renderDiagram($("#view-diagram"), ctx);
    else if (view === "raci") renderRaci($("#view-raci"), ctx);
    else if (view === "history") renderHistory($("#view-history"), ctx);
  }

  function updateUndo() {
    const button = $("#undo");
    const action = state.current.action || {};
    const can = state.canWrite && (action.action === "undo" || (Number.isInteger(action.based_on) && action.based_on >= 1));
    button.hidden = !can;
    if (!can) return;
    const what = action.action === "undo" ? "the change before that" : describeAction(action, state.index, findingLabel);
    clear(button, "Undo", h("span", { class: "undo-what" }, `: ${bare(what)}`));
  }

  // -- review ----------------------------------------------------------------------------------------

  function restoreFocus(opts, before) {
    if (opts.findingId) {
      const item = document.querySelector(`[data-finding-id="${CSS.escape(opts.findingId)}"]`);
      /** @type {HTMLElement | null} */ (item?.querySelector(".finding-actions button") || item?.querySelector("button"))?.focus();
      return;
    }
    if (opts.field) {
      $(opts.field === "title" ? "#edit-title" : `[data-edit-field="${CSS.escape(opts.field)}"]`)?.focus();
      return;
    }
    if (opts.restored || opts.undo) {
      (opts.undo ? $("#undo:not([hidden])") || $("#canvas-title") : $("#canvas-title")).focus();
      return;
    }
    const board = $("#view-board");
    if (opts.added) {
      const id = [...state.index.entries.keys()].find((k) => !before.has(k));
      if (id) revealEntry(board, id);
      return;
    }
    const id = opts.focus || opts.entryId;
    if (id && !revealEntry(board, id, { flash: false }) && opts.entryId) revealEntry(board, opts.entryId, { flash: false });
  }

  /**
   * Send one review action based on the version on screen. opts says where focus goes afterwards:
   * {entryId, focus (the next entry), findingId, field, added, drawer, restored, undo}.
   * Resolves to an error message, or null when it worked.
   */
  async function review(action, opts = {}) {
    const id = state.current.canvas_id;
    const before = new Set(state.index.entries.keys());
    const was = state.index;
    try {
      const res = await request(`/canvases/${encodeURIComponent(id)}/review`, {
        method: "POST",
        json: action,
        headers: { "If-Match": state.etag },
      });
      const data = await res.json();
      const what = describeAction(data.action || action, was, findingLabel);
      setCurrent(data, res.headers.get("ETag"));
      clearError();
      renderAll();
      if (opts.drawer && drawerOpen() && state.index.entries.has(opts.entryId)) openEntry(opts.entryId);
      else {
        if (opts.drawer) closeDrawer();
        restoreFocus(opts, before);
      }
      announce(`${bare(what)}. Saved as version ${data.version}.`);
      loadCanvases().catch(() => {});
      return null;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        await openCanvas(id).catch(() => {});
        showError("Your change was not applied: someone else changed the canvas first. It has been reloaded with their change; check it and make yours again if it is still needed.");
        return null;
      }
      if (err instanceof ApiError && err.status === 401) return null;
      const message = err instanceof ApiError && err.status === 403 ? "This key may only read: it cannot change the canvas." : bare(err.message);
      if (["accept", "reject", "reopen", "batch", "undo", "restore", "merge"].includes(action.action) && !opts.drawer) showError(`Not saved: ${message}.`);
      return `Not saved: ${message}.`;
    }
  }

  /** Accept or reject many entries as one version (one undo brings them all back). */
  async function decide(verb, ids, where) {
    if (!ids.length) {
      announce(`Nothing to ${verb} ${where === "selected" ? "in the selection" : "here"}.`);
      return null;
    }
    const action = ids.length === 1 ? { action: verb, entry_id: ids[0] } : { action: "batch", actions: ids.map((entry_id) => ({ action: verb, entry_id })) };
    const problem = await review(action, ids.length === 1 ? { entryId: ids[0] } : {});
    if (!problem && where === "selected") {
      clearSelection();
      selectionChanged(true);
    }
    return problem;
  }

  async function undo() {
    if (!state.current || $("#undo").hidden) return;
    await review({ action: "undo" }, { undo: true });
  }

  function editTitle() {
    const row = $("#title-row");
    // The row stays in the page (hidden): a save re-renders the title inside it.
    const restore = () => {
      form.remove();
      row.hidden = false;
    };
    const form = fieldForm({
      label: "Canvas title",
      kind: "text",
      value: state.current.canvas.title,
      index: state.index,
      maxLength: state.workspace?.text_limits?.title,
      restore,
      returnTo: () => $("#edit-title"),
      onSubmit: async (value) => {
        const problem = await review({ action: "set", field: "title", value }, { field: "title" });
        if (!problem) {
          restore();
          $("#edit-title").focus();
        }
        return problem;
      },
    });
    row.hidden = true;
    row.after(form);
    form.querySelector("input").focus();
  }

  // -- navigation ------------------------------------------------------------------------------------

  function selectView(view, focusTab = false) {
    viewing(state, view);
    $("#board-tools").hidden = view !== "board";
    for (const name of VIEWS) {
      const tab = document.getElementById(`tab-${name}`);
      const on = name === view;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      document.getElementById(`view-${name}`).hidden = !on;
      if (on && focusTab) tab.focus();
    }
    if (state.current && view !== "board") renderView(view);
  }

  function showEntry(id) {
    closeDrawer();
    selectView("board");
    if (!revealEntry($("#view-board"), id)) announce("That entry is no longer on the canvas.");
  }

  function showPanel(key) {
    closeDrawer();
    selectView("board");
    const heading = document.getElementById(`panel-${key}-title`);
    if (!heading) return;
    heading.tabIndex = -1;
    heading.scrollIntoView({ block: "start", behavior: "smooth" });
    heading.focus({ preventScroll: true });
  }

  function openEntry(id) {
    const found = state.index.entries.get(id);
    if (!found) return;
    const { entry, type } = found;
    const open = state.current.findings.filter((f) => f.status === "open" && (f.subjects || []).includes(id));
    const panel = PANELS.find((p) => p.key === found.panel);
    const actions = h("p", {}, h("button", { type: "button", class: "small", onclick: () => showEntry(id) }, `Show on the board (panel ${panel?.n ?? "?"})`));
    showSources({
      title: state.index.title(type, entry),
      status: entry.status,
      rows: state.index.rows(type, entry),
      sources: entry.sources || [],
      findings: open,
      actions: state.view === "board" ? null : actions,
      review: state.canWrite ? entryReview({ found, index: state.index, review }) : null,
    });
  }

  function openCadence() {
    const review = state.current.canvas.review || {};
    showSources({ title: `Review cadence: ${review.cadence || "not stated"}`, sources: review.cadence_sources || [] });
  }

  // -- jobs ------------------------------------------------------------------------------------------

  async function afterJob(job) {
    updateGenerate();
    if (!job || job.status !== "succeeded" || !job.canvas_id) return;
    await loadCanvases();
    await openCanvas(job.canvas_id);
    $details("#setup").open = false;
    const title = $("#canvas-title");
    title.tabIndex = -1;
    title.focus();
    title.scrollIntoView({ block: "start" });
  }

  async function resumeJob() {
    const jobs = await getJSON("/jobs");
    const running = jobs.find((j) => j.status === "queued" || j.status === "running");
    if (!running) return;
    // The progress list lives in "Documents and generation": unfold it, or a reload mid-job hides the job.
    $details("#setup").open = true;
    afterJob(await follow(state.job, running)).catch((err) => showError(err.message));
  }

  function updateCounts() {
    const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;
    const docs = count(state.documents.length, "document", "documents");
    $("#setup-counts").textContent = `(${docs}, ${count(state.canvases.length, "canvas", "canvases")})`;
  }

  function updateGenerate() {
    updateCounts();
    const none = !state.documents.length;
    $button("#generate-button").disabled = none;
    $("#generate-hint").textContent = none
      ? "Add documents first: a canvas is drafted from them."
      : "A new canvas is drafted from every document above. Regenerate keeps what you reviewed.";
  }

  // -- wiring ----------------------------------------------------------------------------------------

  function installTabs() {
    const tabs = VIEWS.map((v) => document.getElementById(`tab-${v}`));
    tabs.forEach((tab, i) => {
      tab.addEventListener("click", () => selectView(VIEWS[i]));
      tab.addEventListener("keydown", (event) => {
        const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: VIEWS.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        selectView(VIEWS[(next + VIEWS.length) % VIEWS.length], true);
      });
    });
  }

  function installExports() {
    for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll("[data-export]"))) {
      button.addEventListener("click", async () => {
        if (!state.current) return;
        const fmt = button.dataset.export;
        const { canvas_id: id, version } = state.current;
        button.disabled = true;
        try {
          const query = new URLSearchParams({ version: String(version) });
          if ($input("#export-rejected").checked) query.set("rejected", "true");
          if (!$input("#export-drafts").checked) query.set("drafts", "false");
          if ($input("#export-final").checked) query.set("final", "true");
          const name = await download(`/canvases/${encodeURIComponent(id)}/export/${fmt}?${query}`, `canvas-v${version}.${fmt}`);
          announce(`Downloaded ${name}.`);
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 401)) showError(`Could not export: ${err.message}`);
        } finally {
          button.disabled = false;
        }
      });
    }
  }

  function install() {
    installDrawer();
    installTabs();
    installExports();
    installDocuments({
      writable: true,
      changed: (docs) => {
        withDocuments(state, docs);
        updateGenerate();
      },
    });
    onUnauthorized(() => signOut("The server no longer accepts your key (it may have been revoked). Sign in again."));
    $("#signin-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const key = $input("#key-input").value.trim();
      if (!key) {
        showSignIn("Enter your workspace key.");
        return;
      }
      setKey(key);
      enter();
    });
    $("#sign-out").addEventListener("click", () => signOut());
    $("#setup summary").addEventListener("click", () => {
      setupTouched(state);
    });
    $("#open-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const id = $select("#canvas-select").value;
      if (id) openCanvas(id).then(() => announce(`Opened ${state.current.canvas.title || "the canvas"}.`)).catch((err) => showError(err.message));
    });
    $("#regenerate-button").addEventListener("click", () => {
      const id = $select("#canvas-select").value;
      if (id) generate(state.job, { canvasId: id }).then(afterJob).catch((err) => showError(err.message));
    });
    $("#generate-form").addEventListener("submit", (event) => {
      event.preventDefault();
      generate(state.job, { title: $input("#new-title").value.trim() }).then(afterJob).catch((err) => showError(err.message));
    });
    $("#cancel-job").addEventListener("click", () => cancelCurrent(state.job));
    $("#undo").addEventListener("click", undo);
    $("#edit-title").addEventListener("click", editTitle);
    document.addEventListener("keydown", (event) => {
      const typing = /** @type {Element} */ (event.target).closest?.("input, textarea, select, [contenteditable]");
      if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === "z" && !typing && state.canWrite) {
        event.preventDefault();
        undo();
      }
    });
  }

  return { install, enter, showSignIn };
}

const app = createApp(createAppState());
app.install();
if (getKey()) app.enter();
else app.showSignIn();
