// @ts-check
// Small DOM helpers. Text from the API only ever reaches the page as Text nodes or attribute values.

/** @typedef {Node | string | number | null | undefined | false | any[]} Child What `h` and `add` take as children (arrays nest). */

/**
 * Build an element: attrs (class, text, dataset, on<event>, booleans, plain attributes) and children.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  add(el, children);
  return el;
}

/**
 * @template {Element} E
 * @param {E} el
 * @param {Child} children
 * @returns {E}
 */
export function add(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/**
 * @template {Element} E
 * @param {E} el
 * @param {...Child} children
 * @returns {E}
 */
export function clear(el, ...children) {
  el.replaceChildren();
  return add(el, children);
}

/**
 * The page's own element for `selector` (its markup is ours: callers know what it is; a form control is cast).
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {HTMLElement}
 */
export const $ = (selector, root = document) => root.querySelector(selector);

// The same, for the form controls and folds of the page's markup, typed for what is read of them.
export const $input = (/** @type {string} */ selector, root = document) => /** @type {HTMLInputElement} */ ($(selector, root));
export const $select = (/** @type {string} */ selector, root = document) => /** @type {HTMLSelectElement} */ ($(selector, root));
export const $button = (/** @type {string} */ selector, root = document) => /** @type {HTMLButtonElement} */ ($(selector, root));
export const $details = (/** @type {string} */ selector, root = document) => /** @type {HTMLDetailsElement} */ ($(selector, root));

/** Text only screen readers hear, e.g. which entry a repeated "Accept" button is about. */
export const hidden = (/** @type {string} */ text) => h("span", { class: "vh" }, text);

/** @param {string} text @param {string} kind */
export function chip(text, kind) {
  return h("span", { class: `chip chip-${kind}` }, text);
}

let liveTimer = null;

/** Tell screen-reader users (and everyone, in the status line) what just happened. @param {string} message */
export function announce(message) {
  const live = document.getElementById("live");
  const line = document.getElementById("status-line");
  if (line) line.textContent = message;
  if (!live) return;
  clearTimeout(liveTimer);
  live.textContent = "";
  // Clearing first and writing a moment later makes a repeated message be read again.
  liveTimer = setTimeout(() => {
    live.textContent = message;
  }, 50);
}

/** A visible, announced error banner; cleared by the next success or its close button. @param {string} message */
export function showError(message) {
  const box = document.getElementById("alert");
  clear(
    box,
    h("p", { class: "alert-text" }, message),
    h("button", { type: "button", class: "link", onclick: () => clearError() }, "Dismiss", hidden(" error")),
  );
  box.hidden = false;
}

export function clearError() {
  const box = document.getElementById("alert");
  box.hidden = true;
  box.replaceChildren();
}

/** @param {string | null | undefined} value */
export function formatDate(value) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

let idCounter = 0;
export const uid = (/** @type {string} */ prefix) => `${prefix}-${++idCounter}`;
