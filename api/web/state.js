// @ts-check
// The page's state: one object, made here, passed to the code that reads it, changed only by the
// transitions below (app.js) and, for the progress of a job, by jobs.js on its own `JobWatch`.
// No module keeps state of its own, so a sign-out is one reset, not a hunt through module globals.

import { CanvasLookup } from "./model.js";

/** @typedef {import("./model.js").CanvasVersion} CanvasVersion */

/**
 * @typedef {object} Workspace What `GET /v1/workspace` says about the key's workspace.
 * @property {string} name
 * @property {boolean} can_write
 * @property {Record<string, number>} [text_limits] the most characters a `set` action takes per canvas field
 */

/**
 * @typedef {object} CanvasSummary One line of `GET /v1/canvases`.
 * @property {string} id
 * @property {string} title
 * @property {number} version
 * @property {string} updated_at
 */

/**
 * @typedef {object} Step One line of the progress list.
 * @property {string} state pending, running, cancelling, done, ok, cached, skipped, failed, cancelled or unrun
 * @property {string} message
 * @property {number | null} started when it started (ms since the epoch), once known
 * @property {number | null} seconds how long it took, once it ended
 */

/**
 * @typedef {object} Job A generation job as the API returns it (`GET /v1/jobs/{id}`).
 * @property {string} id
 * @property {string} status queued, running, succeeded, failed or cancelled
 * @property {string | null} [stage]
 * @property {string | null} [error]
 * @property {string | null} [canvas_id]
 * @property {Record<string, {status: string, message?: string, seconds?: number | null}>} [sections]
 */

/**
 * @typedef {object} JobWatch The job the page follows, and its progress list.
 * @property {Map<string, Step>} steps
 * @property {AbortController | null} controller stops the event stream
 * @property {Job | null} current
 * @property {ReturnType<typeof setInterval> | null} ticker redraws the running steps' times
 */

/**
 * @typedef {object} AppState
 * @property {Workspace | null} workspace
 * @property {boolean} canWrite
 * @property {object[]} documents
 * @property {CanvasSummary[]} canvases
 * @property {CanvasVersion | null} current the version on screen
 * @property {string | null} etag its ETag, sent as If-Match with every review write
 * @property {CanvasLookup | null} index lookups over `current.canvas`
 * @property {string} view board, diagram, raci or history
 * @property {boolean} setupTouched whether the person opened or closed "Documents and generation"
 * @property {JobWatch} job
 */

/**
 * @typedef {object} BoardContext What the board, toolbar, findings and entry panel render from (app.js `context()`).
 * @property {string} canvasId
 * @property {import("./model.js").Canvas} canvas
 * @property {import("./model.js").Finding[]} findings
 * @property {CanvasLookup} index
 * @property {boolean} canWrite
 * @property {Record<string, number>} textLimits the server's caps per canvas field, the forms' maxlength
 * @property {Record<string, string>} filters
 * @property {Record<string, Function>} actions open, review, showEntry, showPanel, openCadence, decide, selectionChanged
 */

/**
 * @typedef {object} ViewContext What the diagram, RACI and history tabs render from (app.js `renderView`).
 * @property {string} canvasId
 * @property {number} version
 * @property {CanvasLookup} index
 * @property {(id: string) => void} open
 * @property {(id: string) => string} findingLabel
 * @property {boolean} canWrite
 * @property {(version: number) => Promise<string | null>} restore
 */

/** @returns {JobWatch} */
export function createJobWatch() {
  return { steps: new Map(), controller: null, current: null, ticker: null };
}

/** @returns {AppState} */
export function createAppState() {
  return {
    workspace: null,
    canWrite: false,
    documents: [],
    canvases: [],
    current: null,
    etag: null,
    index: null,
    view: "board",
    setupTouched: false,
    job: createJobWatch(),
  };
}

/**
 * @param {AppState} state
 * @param {Workspace} workspace
 */
export function signedIn(state, workspace) {
  state.workspace = workspace;
  state.canWrite = Boolean(workspace.can_write);
  return state;
}

/** Back to a signed-out page; the job watch stays (app.js stops it first). @param {AppState} state */
export function signedOut(state) {
  Object.assign(state, { workspace: null, current: null, etag: null, index: null, canvases: [], documents: [], setupTouched: false });
  return state;
}

/**
 * The version on screen; without an ETag (a version read from a list) the server's own form is used.
 * @param {AppState} state
 * @param {CanvasVersion} version
 * @param {string | null} [etag]
 */
export function showing(state, version, etag) {
  state.current = version;
  state.etag = etag || `"${version.canvas_id}:${version.version}"`;
  state.index = new CanvasLookup(version.canvas);
  return state;
}

/** @param {AppState} state @param {CanvasSummary[]} canvases */
export function withCanvases(state, canvases) {
  state.canvases = canvases;
  return state;
}

/** @param {AppState} state @param {object[]} documents */
export function withDocuments(state, documents) {
  state.documents = documents;
  return state;
}

/** @param {AppState} state @param {string} view */
export function viewing(state, view) {
  state.view = view;
  return state;
}

/** @param {AppState} state */
export function setupTouched(state) {
  state.setupTouched = true;
  return state;
}
