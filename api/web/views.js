// @ts-check
// The other ways to look at a canvas: the value-flow diagram (the server's SVG, inlined) and the RACI matrix.

import { request } from "./api.js";
import { chip, clear, h } from "./dom.js";
import { words } from "./model.js";

const svgCache = new Map();
// Below this scale the diagram's 10 px labels stop being readable: a narrow window pans instead of shrinking.
const READABLE = 0.85;
const STEP = 1.25;
const MIN_ZOOM = 0.2;
const MAX_ZOOM = 3;
let zoomWanted = null; // the person's zoom, kept across versions of one page session

/** The server's SVG, fetched once per canvas version. */
function fetchSvg(canvasId, version) {
  const key = `${canvasId}:${version}`;
  if (!svgCache.has(key)) {
    const pending = request(`/canvases/${encodeURIComponent(canvasId)}/export/svg?version=${version}`).then((r) => r.text());
    pending.catch(() => svgCache.delete(key));
    svgCache.set(key, pending);
  }
  return svgCache.get(key);
}

/** Drop anything in the SVG that could run code or load from elsewhere, before it joins the page. */
function sanitise(svg) {
  for (const bad of svg.querySelectorAll("script, foreignObject, iframe, object, embed, image, use[href^='http'], a")) {
    bad.replaceWith(...(bad.localName === "a" ? bad.childNodes : []));
  }
  for (const el of [svg, ...svg.querySelectorAll("*")]) {
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      const value = attr.value.trim().toLowerCase();
      if (name.startsWith("on")) el.removeAttribute(attr.name);
      else if ((name === "href" || name === "xlink:href") && !value.startsWith("#")) el.removeAttribute(attr.name);
      else if (name === "style" && value.includes("url(")) el.removeAttribute(attr.name);
    }
  }
}

function interactive(g, label, open) {
  g.setAttribute("tabindex", "0");
  g.setAttribute("role", "button");
  g.setAttribute("aria-label", label);
  g.classList.add("diagram-target");
  g.addEventListener("click", open);
  g.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      open();
    }
  });
}

function flowList(index) {
  const live = (index.canvas.value_exchanges || []).filter((x) => x.status !== "rejected");
  if (!live.length) return h("p", { class: "muted" }, "No value exchanges on the canvas yet.");
  return h(
    "ul",
    { class: "flow-list" },
    live.map((x) => h("li", {}, h("strong", {}, index.actor(x.provider)), " → ", h("strong", {}, index.actor(x.receiver)), `: ${x.value} `, chip(words(x.kind), "kind"))),
  );
}

/**
 * Inline the value-flow SVG in `root`; its actors and exchanges open their sources.
 * @param {HTMLElement} root
 * @param {import("./state.js").ViewContext} ctx
 */
export async function renderDiagram(root, { canvasId, version, index, open }) {
  clear(root, h("p", { class: "muted" }, "Drawing the value-flow diagram…"));
  let text;
  try {
    text = await fetchSvg(canvasId, version);
  } catch (err) {
    clear(root, h("p", { class: "form-error" }, `Could not load the diagram: ${err.message}`));
    return;
  }
  const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = parsed.documentElement;
  if (parsed.querySelector("parsererror") || svg.localName !== "svg") {
    clear(root, h("p", { class: "form-error" }, "The server sent a diagram this browser cannot read."));
    return;
  }
  sanitise(svg);
  const node = document.importNode(svg, true);
  // The server marks the picture as one image; inline, its actors and arrows are things to press.
  const label = node.getAttribute("aria-label") || "Value-flow diagram";
  node.setAttribute("role", "group");
  node.setAttribute("aria-label", `${label}. Press an actor or an arrow to see its sources.`);
  node.classList.add("diagram-svg");
  for (const g of node.querySelectorAll("g[data-actor-id]")) {
    const id = g.getAttribute("data-actor-id");
    g.removeAttribute("role");
    interactive(g, `${index.actor(id)}: open sources`, () => open(id));
  }
  for (const g of node.querySelectorAll("g[data-exchange-id]")) {
    const id = g.getAttribute("data-exchange-id");
    const found = index.entries.get(id);
    const title = found ? index.title("exchange", found.entry) : g.querySelector("title")?.textContent || id;
    interactive(g, `${title}: open sources`, () => open(id));
  }
  const scroller = h("div", { class: "diagram-scroll", tabindex: "0", role: "region", "aria-label": "Value-flow diagram: drag or use the arrow keys to pan" }, node);
  const readout = h("span", { class: "zoom-level muted small-text", "aria-live": "polite" });
  const tools = h("div", { class: "zoom-tools", role: "group", "aria-label": "Zoom" });
  clear(
    root,
    h("figure", { class: "diagram" }, tools, scroller, h("figcaption", { class: "muted small-text" }, "Actors are boxes, coloured by kind; an arrow runs from the actor who provides value to the one who receives it. Rejected entries are left out. Drag to pan; Ctrl + wheel zooms.")),
    h("h3", {}, "Value flows as a list"),
    flowList(index),
  );
  zoomable(node, scroller, tools, readout);
}

/** Zoom buttons, Ctrl+wheel and drag-to-pan for the inlined diagram. */
function zoomable(svg, scroller, tools, readout) {
  const box = (svg.getAttribute("viewBox") || "").split(/[\s,]+/).map(Number);
  const natural = box.length === 4 && box[2] > 0 ? box[2] : Number(svg.getAttribute("width")) || 800;
  svg.removeAttribute("height");
  const fit = () => Math.max(MIN_ZOOM, Math.min(1, (scroller.clientWidth - 2) / natural));
  let zoom = 1;
  const apply = (next, keep = null) => {
    const before = zoom;
    zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, next));
    svg.style.width = `${Math.round(natural * zoom)}px`;
    readout.textContent = `${Math.round(zoom * 100)}%`;
    svg.dataset.zoom = String(zoom);
    if (keep) {
      // Keep the point under the pointer (or the centre) where it was.
      const ratio = zoom / before;
      scroller.scrollLeft = (scroller.scrollLeft + keep.x) * ratio - keep.x;
      scroller.scrollTop = (scroller.scrollTop + keep.y) * ratio - keep.y;
    }
  };
  const centre = () => ({ x: scroller.clientWidth / 2, y: scroller.clientHeight / 2 });
  const button = (label, text, onclick) => h("button", { type: "button", class: "small", "aria-label": label, onclick }, text);
  tools.append(
    button("Zoom out", "−", () => {
      zoomWanted = zoom / STEP;
      apply(zoomWanted, centre());
    }),
    button("Zoom in", "+", () => {
      zoomWanted = zoom * STEP;
      apply(zoomWanted, centre());
    }),
    button("Fit the width of the window", "Fit", () => {
      zoomWanted = fit();
      apply(zoomWanted);
    }),
    button("Actual size", "100%", () => {
      zoomWanted = 1;
      apply(1, centre());
    }),
    readout,
  );
  apply(zoomWanted ?? Math.max(fit(), Math.min(1, READABLE)));
  scroller.addEventListener("wheel", (event) => {
    if (!event.ctrlKey) return;
    event.preventDefault();
    const rect = scroller.getBoundingClientRect();
    zoomWanted = zoom * (event.deltaY < 0 ? STEP : 1 / STEP);
    apply(zoomWanted, { x: event.clientX - rect.left, y: event.clientY - rect.top });
  }, { passive: false });
  let drag = null;
  let dragged = false;
  // A drag that ends on an actor is a pan, not a press.
  scroller.addEventListener("click", (event) => {
    if (dragged) event.stopPropagation();
    dragged = false;
  }, { capture: true });
  scroller.addEventListener("pointerdown", (event) => {
    dragged = false;
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, left: scroller.scrollLeft, top: scroller.scrollTop, moved: false };
  });
  scroller.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved) {
      if (Math.hypot(dx, dy) < 4) return;
      drag.moved = true;
      scroller.setPointerCapture(event.pointerId);
      scroller.classList.add("panning");
    }
    scroller.scrollLeft = drag.left - dx;
    scroller.scrollTop = drag.top - dy;
  });
  const end = () => {
    scroller.classList.remove("panning");
    dragged = Boolean(drag?.moved);
    drag = null;
  };
  scroller.addEventListener("pointerup", end);
  scroller.addEventListener("pointercancel", end);
}

/**
 * The RACI matrix built from the canvas: activities by actors, cells lead / support / approve.
 * @param {HTMLElement} root
 * @param {import("./state.js").ViewContext} ctx
 */
export function renderRaci(root, { index, open }) {
  const canvas = index.canvas;
  const activities = (canvas.activities || []).filter((a) => a.status !== "rejected");
  const used = new Set(activities.flatMap((a) => [a.owner, ...(a.supporters || []), ...(a.approvers || [])]).filter(Boolean));
  const actors = (canvas.actors || []).filter((a) => a.status !== "rejected" || used.has(a.id));
  if (!activities.length) {
    clear(root, h("p", { class: "muted" }, "No activities on the canvas yet."));
    return;
  }
  const head = h("tr", {}, h("th", { scope: "col" }, "Activity"), actors.map((a) => h("th", { scope: "col" }, a.name)));
  const rows = activities.map((act) => {
    const cells = actors.map((actor) => {
      const roles = [];
      if (act.owner === actor.id) roles.push(["Lead", "lead"]);
      if ((act.supporters || []).includes(actor.id)) roles.push(["Support", "support"]);
      if ((act.approvers || []).includes(actor.id)) roles.push(["Approve", "approve"]);
      return h("td", {}, roles.map(([t, c]) => h("span", { class: `raci raci-${c}` }, t)));
    });
    const name = h("button", { type: "button", class: "link", onclick: () => open(act.id) }, act.name);
    return h(
      "tr",
      { dataset: { activityId: act.id } },
      h("th", { scope: "row" }, name, act.owner ? "" : [" ", chip("no lead", "sev-error")]),
      cells,
    );
  });
  const unnamed = (canvas.activities || []).filter((a) => a.status !== "rejected" && a.owner && !index.actorNames.has(a.owner));
  clear(
    root,
    h("p", { class: "muted small-text" }, "Lead: leads the activity and is accountable for it. Support: helps do it. Approve: signs it off. Rejected entries are left out."),
    h(
      "div",
      { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "RACI matrix, scrolls sideways" },
      h("table", { class: "raci-table" }, h("caption", {}, `Who does what: ${activities.length} activities, ${actors.length} actors`), h("thead", {}, head), h("tbody", {}, rows)),
    ),
    unnamed.length ? h("p", { class: "form-error" }, `${unnamed.length} activities name a lead that is not an actor on the canvas.`) : "",
  );
}
