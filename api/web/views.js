// The other ways to look at a canvas: the value-flow diagram (the server's SVG, inlined) and the RACI matrix.

import { request } from "./api.js";
import { chip, clear, h } from "./dom.js";
import { words } from "./model.js";

const svgCache = new Map();

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

/** Inline the value-flow SVG in `root`; its actors and exchanges open their sources. */
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
  clear(
    root,
    h("figure", { class: "diagram" }, h("div", { class: "diagram-scroll" }, node), h("figcaption", { class: "muted small-text" }, "Actors are boxes, coloured by kind; an arrow runs from the actor who provides value to the one who receives it. Rejected entries are left out.")),
    h("h3", {}, "Value flows as a list"),
    flowList(index),
  );
}

/** The RACI matrix built from the canvas: activities by actors, cells lead / support / approve. */
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
