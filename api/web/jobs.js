// @ts-check
// Generation jobs: start one (idempotently), show live per-section progress, hand the finished job back.

import { ApiError, request, watchJob } from "./api.js";
import { announce, chip, clear, h, showError } from "./dom.js";
import { PANELS } from "./model.js";

/** @typedef {import("./state.js").JobWatch} JobWatch */
/** @typedef {import("./state.js").Job} Job */
/** @typedef {import("./api.js").ProgressEvent} ProgressEvent */

// Phases order the steps: when a later phase starts, what was still running before it is done.
/** @type {[key: string, label: string, phase: number][]} */
const STEPS = [
  ["ingest", "Reading the documents", 0],
  ["embed", "Embedding the documents for search", 0],
  // The sections, drafted in phase 1, in the registry's order.
  ...PANELS.map((p) => /** @type {[string, string, number]} */ ([p.key, `${p.n} · ${p.title}`, 1])),
  ["ground", "Checking every quote against its document", 2],
  ["resolve", "Merging the names of actors", 3],
];
// Stages that are not a step of the list: planning the model calls and drafting (whose events name their sections).
const STAGE_PHASES = { plan: 1, extract: 1 };
const STATE_WORDS = {
  pending: "waiting",
  running: "working…",
  cancelling: "cancelling…",
  done: "done",
  ok: "done",
  cached: "from cache",
  skipped: "skipped",
  failed: "failed",
  cancelled: "cancelled",
  unrun: "not run",
};
const STATE_CHIPS = { pending: "draft", running: "edited", cancelling: "edited", done: "accepted", ok: "accepted", cached: "accepted", skipped: "draft", failed: "rejected", cancelled: "rejected", unrun: "draft" };
const FINAL = new Set(["done", "ok", "failed", "skipped", "cached", "cancelled", "unrun"]);
const ACTIVE = new Set(["running", "cancelling"]);

function phaseOf(stage) {
  if (stage in STAGE_PHASES) return STAGE_PHASES[stage];
  return STEPS.find(([key]) => key === stage)?.[2] ?? null;
}

/** "4 s", "2.5 s", "1 min 5 s": how long a step ran (rounded to whole seconds while it still runs). */
export function duration(seconds, running = false) {
  const s = Math.max(0, seconds);
  if (s < 60) return running || s >= 10 ? `${Math.floor(s)} s` : `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.floor(s % 60)} s`;
}

function timeOf(step) {
  if (step.seconds !== null) return duration(step.seconds);
  if (ACTIVE.has(step.state) && step.started !== null) return duration((Date.now() - step.started) / 1000, true);
  return "";
}

/** @param {JobWatch} watch */
function draw(watch) {
  clear(
    document.getElementById("progress-list"),
    STEPS.map(([key, label]) => {
      const step = watch.steps.get(key);
      const time = timeOf(step);
      return h(
        "li",
        { dataset: { step: key, state: step.state } },
        h("span", { class: "step-label" }, label),
        chip(STATE_WORDS[step.state] || step.state, STATE_CHIPS[step.state] || "draft"),
        time ? h("span", { class: "muted small-text step-time" }, time) : "",
        // "ok", "cancelled"...: the chip says it already.
        step.message && !(step.message in STATE_WORDS) ? h("span", { class: "muted small-text step-msg" }, step.message) : "",
      );
    }),
  );
}

/**
 * @param {JobWatch} watch
 * @param {string} key
 * @param {string} state
 * @param {{message?: string, at?: string, seconds?: number | null}} news
 */
function set(watch, key, state, { message, at, seconds } = {}) {
  const step = watch.steps.get(key);
  if (!step || FINAL.has(step.state)) return;
  // A cancel asked for on this page shows at once; the server's later "running" news does not undo it.
  if (step.state === "cancelling" && state === "running") return;
  if (ACTIVE.has(state) && step.started === null && at) step.started = Date.parse(at);
  if (FINAL.has(state)) {
    if (seconds !== undefined && seconds !== null) step.seconds = seconds;
    else if (step.started !== null) step.seconds = ((at ? Date.parse(at) : Date.now()) - step.started) / 1000;
  }
  step.state = state;
  if (message !== undefined) step.message = message;
}

/** @param {JobWatch} watch @param {number} phase @param {string} [at] */
function finishBefore(watch, phase, at) {
  for (const [key, , p] of STEPS) if (p < phase && ACTIVE.has(watch.steps.get(key).state)) set(watch, key, "done", { at });
}

/** @param {JobWatch} watch @param {ProgressEvent} event */
function onProgress(watch, event) {
  if (event.stage === "end" || event.stage === "queued") return; // the job's own news: `onJob` and the verdict
  const phase = phaseOf(event.stage);
  const state = event.status && event.status !== "running" ? event.status : "running";
  if (phase !== null) finishBefore(watch, phase, event.at);
  const targets = event.sections?.length ? event.sections : phase !== null && event.stage in STAGE_PHASES ? [] : [event.stage];
  for (const key of targets) set(watch, key, state, { message: event.message, at: event.at, seconds: event.seconds });
  // People read the step's own sentence, never the stage's code name.
  if (!cancelling(watch)) document.getElementById("progress-message").textContent = event.message;
  announce(`Generating: ${event.message}`);
  draw(watch);
}

/** @param {JobWatch} watch */
function cancelling(watch) {
  return [...watch.steps.values()].some((step) => step.state === "cancelling");
}

/** Each step's end once the job ended: a step it never reached was not run; one it was in, cancelled or failed. */
/** @param {JobWatch} watch @param {Job} job */
function settle(watch, job) {
  const ended = { succeeded: "done", cancelled: "cancelled", failed: "failed" }[job.status];
  for (const [key] of STEPS) {
    const step = watch.steps.get(key);
    if (FINAL.has(step.state)) continue;
    if (job.status === "succeeded" || ACTIVE.has(step.state)) set(watch, key, ended, { message: job.status === "failed" ? job.error || "" : undefined });
    else set(watch, key, "unrun");
  }
}

/** @param {JobWatch} watch @param {Job} job */
function onJob(watch, job) {
  for (const [key, section] of Object.entries(job.sections || {})) {
    if (watch.steps.has(key) && section.status !== "pending") set(watch, key, section.status, { message: section.message || undefined, seconds: section.seconds });
  }
  if (job.stage) {
    const phase = phaseOf(job.stage);
    if (phase !== null) finishBefore(watch, phase);
  }
  if (["succeeded", "failed", "cancelled"].includes(job.status)) settle(watch, job);
  draw(watch);
}

function busy(on) {
  for (const id of ["generate-button", "regenerate-button"]) /** @type {HTMLButtonElement} */ (document.getElementById(id)).disabled = on;
  const cancel = /** @type {HTMLButtonElement} */ (document.getElementById("cancel-job"));
  cancel.hidden = !on;
  cancel.disabled = false;
  document.getElementById("progress").setAttribute("aria-busy", on ? "true" : "false");
}

/**
 * Follow a job (new or resumed) to its end in `watch`; resolves to the finished job, or null when the watch was stopped.
 * @param {JobWatch} watch
 * @param {Job} job
 * @returns {Promise<Job | null>}
 */
export async function follow(watch, job) {
  stopWatching(watch);
  watch.current = job;
  const controller = new AbortController();
  watch.controller = controller;
  watch.steps = new Map(STEPS.map(([key]) => [key, { state: "pending", message: "", started: null, seconds: null }]));
  document.getElementById("progress").hidden = false;
  document.getElementById("progress-message").textContent = job.status === "queued" ? "Waiting for a free worker…" : "";
  busy(true);
  onJob(watch, job);
  // The running steps' times move on between events.
  watch.ticker = setInterval(() => draw(watch), 1000);
  try {
    const done = await watchJob(job.id, {
      onProgress: (event) => onProgress(watch, event),
      onJob: (news) => onJob(watch, news),
      signal: controller.signal,
    });
    const verdict = { succeeded: "The canvas is ready.", failed: `Generation failed: ${done.error || "no reason given"}`, cancelled: "Generation was cancelled." }[done.status];
    document.getElementById("progress-message").textContent = verdict;
    if (done.status === "failed") showError(verdict);
    else announce(verdict);
    return done;
  } catch (err) {
    if (err.name === "AbortError") return null;
    if (!(err instanceof ApiError && err.status === 401)) showError(`Lost track of the job: ${err.message}`);
    return null;
  } finally {
    clearInterval(watch.ticker);
    watch.ticker = null;
    busy(false);
    watch.current = null;
  }
}

/**
 * Start a generation; `canvasId` regenerates that canvas keeping its review. Resolves to the finished job.
 * @param {JobWatch} watch
 * @param {{canvasId?: string | null, title?: string | null}} what
 * @returns {Promise<Job | null>}
 */
export async function generate(watch, { canvasId = null, title = null } = {}) {
  busy(true);
  let job;
  try {
    const res = await request("/jobs", {
      method: "POST",
      json: { document_ids: null, canvas_id: canvasId, title: title || null },
      headers: { "Idempotency-Key": crypto.randomUUID() },
    });
    job = await res.json();
  } catch (err) {
    busy(false);
    if (!(err instanceof ApiError && err.status === 401)) showError(`Could not start the generation: ${err.message}`);
    return null;
  }
  announce(canvasId ? "Regenerating the canvas…" : "Generating a new canvas…");
  return follow(watch, job);
}

/** Cancel the job `watch` follows; its steps show "cancelling…" at once. @param {JobWatch} watch */
export async function cancelCurrent(watch) {
  const current = watch.current;
  if (!current) return;
  const button = /** @type {HTMLButtonElement} */ (document.getElementById("cancel-job"));
  const before = new Map([...watch.steps].map(([key, step]) => [key, { ...step }]));
  // Shown at once: the server stops the step in flight within a moment, and the end event confirms it.
  button.disabled = true;
  for (const [key, step] of watch.steps) if (step.state === "running") set(watch, key, "cancelling");
  document.getElementById("progress-message").textContent = "Cancelling…";
  announce("Cancelling the generation…");
  draw(watch);
  try {
    await request(`/jobs/${encodeURIComponent(current.id)}/cancel`, { method: "POST" });
  } catch (err) {
    // A job that ended first (409) ends the watch by itself; otherwise the steps go back to what they were.
    if (!(err instanceof ApiError && err.status === 409)) {
      watch.steps = before;
      draw(watch);
      button.disabled = false;
      showError(`Could not cancel: ${err.message}`);
    }
  }
}

/** Stop following the job (the job itself goes on). @param {JobWatch} watch */
export function stopWatching(watch) {
  watch.controller?.abort();
  watch.controller = null;
}
