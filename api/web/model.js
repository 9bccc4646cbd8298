// What the page knows about the canvas contract: panels, entry lists, editable fields, labels.

export const PANELS = [
  { key: "scope", n: 1, title: "Scope and objectives", lists: ["objectives", "in_scope", "out_of_scope"] },
  { key: "actors", n: 2, title: "Actors and roles", lists: ["actors"] },
  { key: "value_exchanges", n: 3, title: "Value exchanges", lists: ["value_exchanges"] },
  { key: "activities", n: 4, title: "Execution responsibilities", lists: ["activities"] },
  { key: "governance", n: 5, title: "Governance and coordination", lists: ["governance"] },
  { key: "metrics", n: 6, title: "Metrics and feedback loops", lists: ["metrics"] },
  { key: "review", n: 7, title: "Review and iteration", lists: ["open_questions"] },
];

// Each review `section` of the API: where its entries live and what kind of entry it holds.
export const LISTS = {
  objectives: { panel: "scope", type: "item", label: "Objectives", one: "objective", get: (c) => c.scope.objectives },
  in_scope: { panel: "scope", type: "item", label: "In scope", one: "in-scope item", get: (c) => c.scope.in_scope },
  out_of_scope: {
    panel: "scope",
    type: "item",
    label: "Out of scope",
    one: "out-of-scope item",
    get: (c) => c.scope.out_of_scope,
  },
  actors: { panel: "actors", type: "actor", label: "Actors", one: "actor", get: (c) => c.actors },
  value_exchanges: {
    panel: "value_exchanges",
    type: "exchange",
    label: "Value exchanges",
    one: "value exchange",
    get: (c) => c.value_exchanges,
  },
  activities: { panel: "activities", type: "activity", label: "Activities", one: "activity", get: (c) => c.activities },
  governance: { panel: "governance", type: "mechanism", label: "Mechanisms", one: "mechanism", get: (c) => c.governance },
  metrics: { panel: "metrics", type: "metric", label: "Metrics", one: "metric", get: (c) => c.metrics },
  open_questions: {
    panel: "review",
    type: "item",
    label: "Open questions",
    one: "open question",
    get: (c) => c.review.open_questions,
  },
};

export const ACTOR_KINDS = ["partner", "internal_team", "platform", "supplier", "customer", "regulator", "third_party"];
export const EXCHANGE_KINDS = ["revenue", "data", "capability", "customer_access", "service", "product", "other"];
export const MECHANISM_KINDS = [
  "decision_right",
  "escalation_path",
  "forum",
  "conflict_resolution",
  "change_management",
  "policy",
];

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
