// @ts-check
// What the page knows about the canvas contract: panels, entry lists, editable fields, labels.

// The contract's types, written once here (the shapes of `GET /v1/contract` and of a canvas version,
// docs/canvas-contract.md); the other modules import them with `import("./model.js").Name`. The enums'
// values are data from the server's registry, so they stay `string` here rather than a copy.

/**
 * @typedef {object} ContractList One entry list of a section (`canvas.registry.EntryList`).
 * @property {string} id the list's name, also a review action's `section`
 * @property {"scope" | "review" | null} parent the canvas field holding the list, or null: the canvas
 * @property {string} kind the entry type: item, actor, exchange, activity, mechanism or metric
 * @property {string} label a heading: "Objectives"
 * @property {string} one one entry, in a sentence: "objective"
 */

/**
 * @typedef {object} ContractSection One of the seven sections (`canvas.registry.Section`).
 * @property {string} id
 * @property {number} number
 * @property {string} title
 * @property {ContractList[]} lists
 */

/**
 * @typedef {object} Contract What `GET /v1/contract` serves (`api.contract.ContractOut`).
 * @property {string} schema_version
 * @property {ContractSection[]} sections
 * @property {Record<string, string[]>} enums status, actor_kind, exchange_kind, mechanism_kind, severity, finding_status, section_status, canvas_field
 * @property {{name: string, sections: string[]}[]} calls
 * @property {string} single_call
 */

/**
 * @typedef {object} Citation
 * @property {string} document
 * @property {string} document_id
 * @property {number} start
 * @property {number} end
 * @property {string} quote
 * @property {number | null} [page]
 */

/**
 * @typedef {object} EntryBase What every entry of a list has.
 * @property {string} id
 * @property {string} status draft, accepted, edited or rejected
 * @property {Citation[]} [sources]
 * @property {string | null} [reason]
 * @property {{text: string, at?: string | null}[]} [comments]
 * @property {string} [name]
 * @property {string} [text]
 * @property {string} [description]
 * @property {string} [value]
 */

/**
 * @typedef {object} Finding
 * @property {string} id
 * @property {string} rule
 * @property {string} severity
 * @property {string} section
 * @property {string[]} subjects
 * @property {string} message
 * @property {string} suggestion
 * @property {string} status open, resolved or dismissed
 */

/** @typedef {EntryBase & Record<string, any>} Entry An entry; the fields beyond the common ones depend on its kind. */

/** @typedef {Record<string, any> & {actors: Entry[], activities: Entry[]}} Canvas A canvas (docs/canvas-contract.md). */

/**
 * @typedef {object} CanvasVersion One stored version (`GET /v1/canvases/{id}`).
 * @property {string} canvas_id
 * @property {number} version
 * @property {string} created_at
 * @property {Record<string, any> | null} [action] the review action that made it
 * @property {Canvas} canvas
 * @property {Finding[]} findings
 */

/**
 * @typedef {object} Panel A section as the board shows it.
 * @property {string} key the section id
 * @property {number} n
 * @property {string} title
 * @property {string[]} lists its entry lists' ids
 */

/**
 * @typedef {object} ListSpec An entry list as the page reads it.
 * @property {string} panel the section it belongs to
 * @property {string} type its entry kind
 * @property {string} label
 * @property {string} one
 * @property {(canvas: Canvas) => Entry[]} get its entries in a canvas
 */

// The contract's sections, lists and enums come from the server's registry (`GET /v1/contract`,
// canvas/registry.py), read once before any module that imports these runs (top-level await), so the
// page never keeps a copy of its own to drift from the Python side. It needs no key.
const contractResponse = await fetch("/v1/contract");
if (!contractResponse.ok) throw new Error(`Could not read the canvas contract (HTTP ${contractResponse.status})`);
/** @type {Contract} */
export const CONTRACT = await contractResponse.json();

// The seven panels: `key` is the section id, `lists` the review sections (entry lists) it shows.
/** @type {Panel[]} */
export const PANELS = CONTRACT.sections.map((s) => ({ key: s.id, n: s.number, title: s.title, lists: s.lists.map((l) => l.id) }));

// Each review `section` of the API: where its entries live and what kind of entry it holds.
/** @type {Record<string, ListSpec>} */
export const LISTS = Object.fromEntries(
  CONTRACT.sections.flatMap((s) =>
    s.lists.map((l) => [l.id, { panel: s.id, type: l.kind, label: l.label, one: l.one, get: (c) => (l.parent ? c[l.parent] : c)[l.id] }]),
  ),
);

export const ACTOR_KINDS = CONTRACT.enums.actor_kind;
export const EXCHANGE_KINDS = CONTRACT.enums.exchange_kind;
export const MECHANISM_KINDS = CONTRACT.enums.mechanism_kind;

// Editable fields per entry type; `kind` picks the form control, `optional` text becomes null when empty.
export const FIELDS = {
  item: [{ name: "text", label: "Text", kind: "textarea", required: true }],
  actor: [
    { name: "name", label: "Name", kind: "text", required: true },
    { name: "kind", label: "Kind", kind: "select", options: ACTOR_KINDS },
    { name: "role", label: "Role", kind: "textarea" },
    { name: "aliases", label: "Also called (comma-separated)", kind: "list" },
  ],
  exchange: [
    { name: "provider", label: "From (provider)", kind: "actor", required: true },
    { name: "receiver", label: "To (receiver)", kind: "actor", required: true },
    { name: "value", label: "What flows", kind: "textarea", required: true },
    { name: "kind", label: "Kind", kind: "select", options: EXCHANGE_KINDS },
  ],
  activity: [
    { name: "name", label: "Activity", kind: "text", required: true },
    { name: "owner", label: "Leads (accountable)", kind: "actor" },
    { name: "supporters", label: "Supports", kind: "actors" },
    { name: "approvers", label: "Approves", kind: "actors" },
    { name: "depends_on", label: "Depends on", kind: "activities" },
  ],
  mechanism: [
    { name: "kind", label: "Kind", kind: "select", options: MECHANISM_KINDS, required: true },
    { name: "description", label: "Description", kind: "textarea", required: true },
    { name: "owner", label: "Owner", kind: "actor" },
    { name: "participants", label: "Participants", kind: "actors" },
    { name: "cadence", label: "Cadence", kind: "text", optional: true },
  ],
  metric: [
    { name: "name", label: "Metric", kind: "text", required: true },
    { name: "owner", label: "Owner", kind: "actor" },
    { name: "target", label: "Target", kind: "text", optional: true },
    { name: "cadence", label: "Cadence", kind: "text", optional: true },
    { name: "data_source", label: "Data source", kind: "text", optional: true },
    { name: "actors", label: "Measures the contribution of", kind: "actors" },
  ],
};

export const words = (/** @type {unknown} */ value) => String(value ?? "").replaceAll("_", " ");

/** What a person calls an entry: its name, text, description or value. @param {Entry | null | undefined} entry */
export function entryLabel(entry) {
  for (const field of ["name", "text", "description", "value"]) {
    if (typeof entry?.[field] === "string" && entry[field].trim()) return entry[field];
  }
  return entry?.id ?? "";
}

/** Lookups over one canvas version: entries by id, actor names, activity names. */
export class CanvasLookup {
  /** @param {Canvas} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    /** @type {Map<string, {entry: Entry, list: string, type: string, panel: string}>} */
    this.entries = new Map();
    for (const [list, spec] of Object.entries(LISTS)) {
      for (const entry of spec.get(canvas) || []) {
        if (!this.entries.has(entry.id)) this.entries.set(entry.id, { entry, list, type: spec.type, panel: spec.panel });
      }
    }
    this.actorNames = new Map((canvas.actors || []).map((a) => [a.id, a.name]));
    this.activityNames = new Map((canvas.activities || []).map((a) => [a.id, a.name]));
  }

  /** @param {string} id */
  actor(id) {
    return this.actorNames.get(id) ?? `${id} (unknown actor)`;
  }

  /** @param {string[] | null | undefined} ids */
  actors(ids) {
    return (ids || []).filter(Boolean).map((id) => this.actor(id));
  }

  /** @param {string} id */
  activity(id) {
    return this.activityNames.get(id) ?? `${id} (unknown activity)`;
  }

  /** @param {string} id */
  label(id) {
    const found = this.entries.get(id);
    return found ? entryLabel(found.entry) : id;
  }

  /** Actors a person may pick: not rejected (the server refuses those), plus any already chosen. @param {string[]} [keep] */
  actorChoices(keep = []) {
    return (this.canvas.actors || []).filter((a) => a.status !== "rejected" || keep.includes(a.id));
  }

  /**
   * The rows shown for an entry: [label, text, flag]. `flag` marks a gap worth seeing (nobody leads).
   * Empty optional values are left out so cards stay short.
   * @param {string} type
   * @param {Record<string, any>} e
   * @returns {[string, string, boolean][]}
   */
  rows(type, e) {
    const join = (/** @type {string[]} */ names) => names.join(", ");
    /** @type {[string, string, boolean][]} */
    const rows = [];
    const put = (/** @type {string} */ label, /** @type {string | null | undefined} */ value, flag = false) => {
      if (value !== null && value !== undefined && value !== "") rows.push([label, value, flag]);
    };
    if (type === "actor") {
      put("Kind", words(e.kind));
      put("Role", e.role);
      put("Also called", join(e.aliases || []));
    } else if (type === "exchange") {
      put("From", this.actor(e.provider));
      put("To", this.actor(e.receiver));
      put("Kind", words(e.kind));
    } else if (type === "activity") {
      put("Leads", e.owner ? this.actor(e.owner) : "nobody named", !e.owner);
      put("Supports", join(this.actors(e.supporters)));
      put("Approves", join(this.actors(e.approvers)));
      put("Depends on", join((e.depends_on || []).map((id) => this.activity(id))));
    } else if (type === "mechanism") {
      put("Kind", words(e.kind));
      put("Owner", e.owner ? this.actor(e.owner) : "");
      put("Participants", join(this.actors(e.participants)));
      put("Cadence", e.cadence);
    } else if (type === "metric") {
      put("Owner", e.owner ? this.actor(e.owner) : "nobody named", !e.owner);
      put("Target", e.target || "not set", !e.target);
      put("Cadence", e.cadence);
      put("Data source", e.data_source);
      put("Measures", join(this.actors(e.actors)));
    }
    return rows;
  }

  /** The card's headline: exchanges read as "A → B: value", the rest by their label. @param {string} type @param {Entry & Record<string, any>} e */
  title(type, e) {
    if (type === "exchange") return `${this.actor(e.provider)} → ${this.actor(e.receiver)}: ${e.value}`;
    return entryLabel(e);
  }
}
