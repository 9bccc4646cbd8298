// What the page knows about the canvas contract: panels, entry lists, editable fields, labels.

// The contract's sections, lists and enums come from the server's registry (`GET /v1/contract`,
// canvas/registry.py), read once before any module that imports these runs (top-level await), so the
// page never keeps a copy of its own to drift from the Python side. It needs no key.
const contractResponse = await fetch("/v1/contract");
if (!contractResponse.ok) throw new Error(`Could not read the canvas contract (HTTP ${contractResponse.status})`);
export const CONTRACT = await contractResponse.json();

// The seven panels: `key` is the section id, `lists` the review sections (entry lists) it shows.
export const PANELS = CONTRACT.sections.map((s) => ({ key: s.id, n: s.number, title: s.title, lists: s.lists.map((l) => l.id) }));

// Each review `section` of the API: where its entries live and what kind of entry it holds.
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

export const words = (value) => String(value ?? "").replaceAll("_", " ");

/** What a person calls an entry: its name, text, description or value. */
export function entryLabel(entry) {
  for (const field of ["name", "text", "description", "value"]) {
    if (typeof entry?.[field] === "string" && entry[field].trim()) return entry[field];
  }
  return entry?.id ?? "";
}

/** Lookups over one canvas version: entries by id, actor names, activity names. */
export class CanvasLookup {
  constructor(canvas) {
    this.canvas = canvas;
    this.entries = new Map();
    for (const [list, spec] of Object.entries(LISTS)) {
      for (const entry of spec.get(canvas) || []) {
        if (!this.entries.has(entry.id)) this.entries.set(entry.id, { entry, list, type: spec.type, panel: spec.panel });
      }
    }
    this.actorNames = new Map((canvas.actors || []).map((a) => [a.id, a.name]));
    this.activityNames = new Map((canvas.activities || []).map((a) => [a.id, a.name]));
  }

  actor(id) {
    return this.actorNames.get(id) ?? `${id} (unknown actor)`;
  }

  actors(ids) {
    return (ids || []).filter(Boolean).map((id) => this.actor(id));
  }

  activity(id) {
    return this.activityNames.get(id) ?? `${id} (unknown activity)`;
  }

  label(id) {
    const found = this.entries.get(id);
    return found ? entryLabel(found.entry) : id;
  }

  /** Actors a person may pick: not rejected (the server refuses those), plus any already chosen. */
  actorChoices(keep = []) {
    return (this.canvas.actors || []).filter((a) => a.status !== "rejected" || keep.includes(a.id));
  }

  /**
   * The rows shown for an entry: [label, text, flag]. `flag` marks a gap worth seeing (nobody leads).
   * Empty optional values are left out so cards stay short.
   */
  rows(type, e) {
    const join = (names) => names.join(", ");
    const rows = [];
    const put = (label, value, flag = false) => {
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

  /** The card's headline: exchanges read as "A → B: value", the rest by their label. */
  title(type, e) {
    if (type === "exchange") return `${this.actor(e.provider)} → ${this.actor(e.receiver)}: ${e.value}`;
    return entryLabel(e);
  }
}
