// Generation jobs: start one (idempotently), show live per-section progress, hand the finished job back.

import { ApiError, request, watchJob } from "./api.js";
import { announce, chip, clear, h, showError } from "./dom.js";

// Phases order the steps: when a later phase starts, what was still running before it is done.
const STEPS = [
  ["ingest", "Reading the documents", 0],
  ["embed", "Embedding the documents for search", 0],
  ["scope", "1 · Scope and objectives", 1],
  ["actors", "2 · Actors and roles", 1],
  ["value_exchanges", "3 · Value exchanges", 1],
  ["activities", "4 · Execution responsibilities", 1],
  ["governance", "5 · Governance and coordination", 1],
  ["metrics", "6 · Metrics and feedback loops", 1],
  ["review", "7 · Review and iteration", 1],
  ["ground", "Checking every quote against its document", 2],
  ["resolve", "Merging the names of actors", 3],
];
// The generator drafts sections in calls named after their first section; a call's event moves all of its sections.
const CALL_SECTIONS = {
  actors: ["scope", "actors", "review"],
  responsibilities: ["activities", "value_exchanges"],
  governance: ["governance", "metrics"],
  extract: ["scope", "actors", "value_exchanges", "activities", "governance", "metrics", "review"],
};
const STATE_WORDS = { pending: "waiting", running: "working…", done: "done", ok: "done", cached: "from cache", skipped: "skipped", failed: "failed" };
const STATE_CHIPS = { pending: "draft", running: "edited", done: "accepted", ok: "accepted", cached: "accepted", skipped: "draft", failed: "rejected" };
const FINAL = new Set(["ok", "failed", "skipped", "cached"]);

let steps = new Map();
let controller = null;
let current = null;

function phaseOf(stage) {
  if (stage in CALL_SECTIONS) return 1;
  return STEPS.find(([key]) => key === stage)?.[2] ?? null;
}

function draw() {
  clear(
    document.getElementById("progress-list"),
    STEPS.map(([key, label]) => {
      const step = steps.get(key);
      return h(
        "li",
        { dataset: { step: key, state: step.state } },
        h("span", { class: "step-label" }, label),
        chip(STATE_WORDS[step.state] || step.state, STATE_CHIPS[step.state] || "draft"),
        step.message && step.message !== step.state ? h("span", { class: "muted small-text step-msg" }, step.message) : "",
      );
    }),
  );
}

function set(key, state, message) {
  const step = steps.get(key);
  if (!step || (FINAL.has(step.state) && state === "running")) return;
  step.state = state;
  if (message !== undefined) step.message = message;
}

function finishBefore(phase) {
  for (const [key, , p] of STEPS) if (p < phase && steps.get(key).state === "running") set(key, "done");
}

function onProgress(event) {
  const phase = phaseOf(event.stage);
  const word = String(event.message || "").split(":", 1)[0].trim();
  const state = FINAL.has(word) ? word : "running";
  if (phase !== null) finishBefore(phase);
  const targets = CALL_SECTIONS[event.stage] || (phase !== null ? [event.stage] : []);
  for (const key of targets) set(key, state, event.message);
  document.getElementById("progress-message").textContent = `${event.stage}: ${event.message}`;
  announce(`Generating: ${event.stage}, ${event.message}`);
  draw();
}

function onJob(job) {
  for (const [key, section] of Object.entries(job.sections || {})) {
    if (steps.has(key) && section.status !== "pending") set(key, section.status, section.message || undefined);
  }
  if (job.stage) {
    const phase = phaseOf(job.stage);
    if (phase !== null) finishBefore(phase);
  }
  if (job.status === "succeeded") for (const [key] of STEPS) if (!FINAL.has(steps.get(key).state)) set(key, "done");
  draw();
}

function busy(on) {
  for (const id of ["generate-button", "regenerate-button"]) document.getElementById(id).disabled = on;
  document.getElementById("cancel-job").hidden = !on;
  document.getElementById("progress").setAttribute("aria-busy", on ? "true" : "false");
}

/** Follow a job (new or resumed) to its end; resolves to the finished job, or null when the watch was stopped. */
export async function follow(job) {
  stopWatching();
  current = job;
  controller = new AbortController();
  steps = new Map(STEPS.map(([key]) => [key, { state: "pending", message: "" }]));
  document.getElementById("progress").hidden = false;
  document.getElementById("progress-message").textContent = job.status === "queued" ? "Waiting for a free worker…" : "";
  busy(true);
  onJob(job);
  try {
    const done = await watchJob(job.id, { onProgress, onJob, signal: controller.signal });
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
    busy(false);
    current = null;
  }
}

/** Start a generation; `canvasId` regenerates that canvas keeping its review. Resolves to the finished job. */
export async function generate({ canvasId = null, title = null } = {}) {
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
  return follow(job);
}

export async function cancelCurrent() {
  if (!current) return;
  try {
    await request(`/jobs/${encodeURIComponent(current.id)}/cancel`, { method: "POST" });
    announce("Cancelling…");
  } catch (err) {
    showError(`Could not cancel: ${err.message}`);
  }
}

export function stopWatching() {
  controller?.abort();
  controller = null;
}
