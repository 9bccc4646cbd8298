// @ts-check
// The HTTP edge of the page: the workspace key, JSON requests, downloads and the job event stream.
// Every request carries the key in a header, so nothing here may use a plain link or EventSource.

const KEY_STORAGE = "ecocanvas.key";

/** @typedef {import("./state.js").Job} Job */

/**
 * @typedef {object} RequestOptions
 * @property {string} [method]
 * @property {unknown} [json] a body sent as JSON
 * @property {BodyInit} [body]
 * @property {HeadersInit} [headers]
 * @property {AbortSignal} [signal]
 * @property {boolean} [quiet401] a 401 does not sign the page out (the sign-in itself)
 */

/**
 * @typedef {object} ProgressEvent One `progress` event of `GET /v1/jobs/{id}/events`.
 * @property {string} stage
 * @property {string} message
 * @property {string} [at]
 * @property {string | null} [status]
 * @property {string[]} [sections]
 * @property {number | null} [seconds]
 */

/** @type {(message: string) => void} */
let unauthorized = (_message) => {};

export class ApiError extends Error {
  /** @param {number} status @param {string} message @param {object | null} [problem] */
  constructor(status, message, problem = null) {
    super(message);
    this.status = status;
    this.problem = problem;
  }
}

export function getKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function setKey(key) {
  sessionStorage.setItem(KEY_STORAGE, key);
}

export function clearKey() {
  sessionStorage.removeItem(KEY_STORAGE);
}

/** Called once by the app: what to do when the server stops accepting the key. @param {(message: string) => void} handler */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

async function problemOf(res) {
  const type = res.headers.get("Content-Type") || "";
  try {
    if (type.includes("json")) {
      const body = await res.json();
      const detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail ?? body);
      return { message: detail || body.title || res.statusText, problem: body };
    }
    const text = (await res.text()).trim();
    return { message: text.slice(0, 300) || res.statusText || `HTTP ${res.status}`, problem: null };
  } catch {
    return { message: res.statusText || `HTTP ${res.status}`, problem: null };
  }
}

/**
 * A request under /v1 with the key; resolves to the Response when it is 2xx, else throws ApiError.
 * @param {string} path
 * @param {RequestOptions} options
 * @returns {Promise<Response>}
 */
export async function request(path, { method = "GET", json, body, headers = {}, signal, quiet401 = false } = {}) {
  const h = new Headers(headers);
  const key = getKey();
  if (key) h.set("Authorization", `Bearer ${key}`);
  if (json !== undefined) {
    h.set("Content-Type", "application/json");
    body = JSON.stringify(json);
  }
  let res;
  try {
    res = await fetch(`/v1${path}`, { method, headers: h, body, signal });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, "The server could not be reached. Check your connection and try again.");
  }
  if (res.ok) return res;
  const { message, problem } = await problemOf(res);
  if (res.status === 401 && !quiet401) unauthorized(message);
  throw new ApiError(res.status, message, problem);
}

/** @param {string} path @param {RequestOptions} [options] @returns {Promise<any>} */
export async function getJSON(path, options) {
  const res = await request(path, options);
  return res.json();
}

/** JSON plus the ETag header: what the review writes must send back as If-Match. @param {string} path */
export async function getVersioned(path) {
  const res = await request(path);
  return { data: await res.json(), etag: res.headers.get("ETag") };
}

function filenameOf(res, fallback) {
  const disposition = res.headers.get("Content-Disposition") || "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : fallback;
}

/** Fetch with the key and hand the bytes to the browser as a file download. @param {string} path @param {string} fallbackName */
export async function download(path, fallbackName) {
  const res = await request(path);
  const blob = await res.blob();
  const name = filenameOf(res, fallbackName);
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The click starts the download synchronously; the URL can go once the event loop has moved on.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return name;
}

/** Incremental Server-Sent Events parser: push text as it arrives, get the complete events back. */
export class SSEParser {
  constructor() {
    this.buffer = "";
    this.event = "";
    /** @type {string[]} */
    this.data = [];
    /** @type {string | null} */
    this.lastId = null;
  }

  /** @param {string} text @returns {{event: string, data: string, id: string | null}[]} */
  push(text) {
    this.buffer += text;
    const events = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      if (!m) break;
      // A lone CR at the end may be the first half of a CRLF split across two chunks.
      if (m[0] === "\r" && m.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  /** @param {string} line */
  line(line) {
    if (line === "") {
      const event = this.data.length ? { event: this.event || "message", data: this.data.join("\n"), id: this.lastId } : null;
      this.event = "";
      this.data = [];
      return event;
    }
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id" && !value.includes("\0")) this.lastId = value;
    return null;
  }
}

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);
/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {string} jobId @param {(job: Job) => void} onJob @param {AbortSignal} [signal] @returns {Promise<Job>} */
async function pollJob(jobId, onJob, signal) {
  for (;;) {
    const job = await getJSON(`/jobs/${encodeURIComponent(jobId)}`, { signal });
    onJob(job);
    if (TERMINAL.has(job.status)) return job;
    await sleep(1000);
    if (signal?.aborted) throw new DOMException("aborted", "AbortError");
  }
}

/**
 * Follow a job to its end: progress events from the stream, or polled job states when the stream breaks.
 * Resolves to the finished job.
 * @param {string} jobId
 * @param {{onProgress: (event: ProgressEvent) => void, onJob: (job: Job) => void, signal?: AbortSignal}} handlers
 * @returns {Promise<Job>}
 */
export async function watchJob(jobId, { onProgress, onJob, signal }) {
  try {
    const res = await request(`/jobs/${encodeURIComponent(jobId)}/events`, {
      headers: { Accept: "text/event-stream" },
      signal,
    });
    if (!res.body) throw new Error("no stream");
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SSEParser();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const event of parser.push(decoder.decode(value, { stream: true }))) {
        let data;
        try {
          data = JSON.parse(event.data);
        } catch {
          continue;
        }
        if (event.event === "end") {
          onJob(data);
          return data;
        }
        if (event.event === "progress") onProgress(data);
      }
    }
  } catch (err) {
    if (err.name === "AbortError" || (err instanceof ApiError && [401, 403, 404].includes(err.status))) throw err;
  }
  return pollJob(jobId, onJob, signal);
}
