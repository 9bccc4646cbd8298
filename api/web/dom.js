// Small DOM helpers. Text from the API only ever reaches the page as Text nodes or attribute values.

/** Build an element: attrs (class, text, dataset, on<event>, booleans, plain attributes) and children. */
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

export function add(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren();
  return add(el, children);
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Text only screen readers hear, e.g. which entry a repeated "Accept" button is about. */
export const hidden = (text) => h("span", { class: "vh" }, text);

export function chip(text, kind) {
  return h("span", { class: `chip chip-${kind}` }, text);
}

let liveTimer = null;

/** Tell screen-reader users (and everyone, in the status line) what just happened. */
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

/** A visible, announced error banner; cleared by the next success or its close button. */
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

export function formatDate(value) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

let idCounter = 0;
export const uid = (prefix) => `${prefix}-${++idCounter}`;
