// A call's sequence diagram, drawn from the timeline the worker streams. Every fact comes from
// the worker's entries — which participant an entry is about (`party`), which command an event
// settles (`settles`/`settledBy`), the `outcome`, `retries`, who `joined`/`left` — so nothing
// here knows a wire rule: it only lays the entries out.
//
// model(entries) → { lanes, rows }; svg(model) draws it; mermaid(model) writes the same arrows
// as a Mermaid sequenceDiagram.

const SVG = "http://www.w3.org/2000/svg";
const APP = { id: "app", label: "worker (app)" };
const ACS = { id: "acs", label: "Call Automation" };

// Layouts, in px: the full one (times in a left column), and a compact one for a phone-wide
// container (times in each arrow's tooltip only).
const LAYOUT = {
  full: { gutter: 78, first: 140, main: 240, gap: 146, box: 138 },
  compact: { gutter: 0, first: 56, main: 196, gap: 124, box: 112 },
};
const HEAD = 44; // lane headers
const ROW = 30;
const NOTE_ROW = 22;

/** The layout for a container `width` px wide. */
export function layoutFor(width) {
  return width && width < 640 ? "compact" : "full";
}

const COLOR = {
  command: "#136c3a",
  event: "#1d4f91",
  setup: "#8a4b00",
  effect: "#5b6470",
  failed: "#b3261e",
  waiting: "#8a6d00",
  lane: "#9aa3ad",
  text: "#1f2328",
  muted: "#5b6470",
};

/** Orders entries like the worker's timeline: event time, then arrival. */
export function ordered(entries) {
  return [...entries].sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
}

/** Consecutive ParticipantsUpdated entries as one group (their joins and leaves together). */
function grouped(entries, collapse) {
  const out = [];
  for (const e of entries) {
    const last = out.at(-1);
    if (collapse && last && last.kind === "ParticipantsUpdated" && e.kind === "ParticipantsUpdated") {
      last.seqs.push(e.seq);
      last.count += 1;
      last.joined = [...last.joined, ...(e.joined ?? [])];
      last.left = [...last.left, ...(e.left ?? [])];
      last.detail = e.detail;
      continue;
    }
    out.push({ ...e, seqs: [e.seq], count: 1, joined: [...(e.joined ?? [])], left: [...(e.left ?? [])] });
  }
  return out;
}

function contextOf(e) {
  return e.operationContext ? ` (${e.operationContext})` : "";
}

/**
 * The diagram's lanes and rows. `rows` are arrows (numbered in order, like Mermaid's
 * autonumber) and notes; an arrow that settles a command names that command's number.
 */
export function model(entries, { collapse = true } = {}) {
  const lanes = [
    { ...APP, role: "app" },
    { ...ACS, role: "service" },
  ];
  const laneOf = new Map();
  const participant = (rawId, role) => {
    if (!laneOf.has(rawId)) {
      const lane = { id: `p${laneOf.size + 1}`, label: rawId, rawId, role: role ?? "participant" };
      laneOf.set(rawId, lane);
      lanes.push(lane);
    }
    return laneOf.get(rawId).id;
  };
  const rows = [];
  const numberOfSeq = new Map(); // command seq → its arrow number
  let n = 0;
  const arrow = (a) => {
    n += 1;
    rows.push({ type: "arrow", n, ...a });
    return n;
  };
  for (const e of grouped(ordered(entries), collapse)) {
    const base = { seq: e.seq, seqs: e.seqs, atMs: e.atMs, entry: e };
    const party = e.party ? participant(e.party, e.source === "setup" ? "caller" : undefined) : undefined;
    if (e.source === "command") {
      const marks = `${e.retries ? ` ↻${e.retries}` : ""}${e.outcome === "failed" ? " ✗" : ""}`;
      const num = arrow({ ...base, kind: "command", from: APP.id, to: ACS.id, label: `${e.kind}${contextOf(e)}${marks}`, outcome: e.outcome ?? "waiting", step: e.step });
      numberOfSeq.set(e.seq, num);
      if (party) arrow({ ...base, kind: "effect", from: ACS.id, to: party, label: e.kind, main: num });
      continue;
    }
    if (party && e.kind !== "ParticipantsUpdated") {
      arrow({ ...base, kind: "effect", from: party, to: ACS.id, label: e.source === "setup" ? "call" : e.detail || e.kind });
    }
    const settled = e.settles !== undefined ? numberOfSeq.get(e.settles) : undefined;
    const mark = settled !== undefined ? ` ${e.outcome === "failed" ? "✗" : "✓"} #${settled}` : e.outcome === "failed" ? " ✗" : "";
    const times = e.count > 1 ? ` ×${e.count}` : "";
    arrow({
      ...base,
      kind: e.source === "setup" ? "setup" : "event",
      from: ACS.id,
      to: APP.id,
      label: `${e.kind}${times}${contextOf(e)}${mark}`,
      outcome: e.outcome,
      settles: settled,
    });
    for (const id of e.joined) rows.push({ type: "note", lane: participant(id), text: "joined", seq: e.seq });
    for (const id of e.left) rows.push({ type: "note", lane: participant(id), text: "left", seq: e.seq });
  }
  // Where each command's pairing ends: the arrow that settled it, or nothing yet.
  for (const r of rows) {
    if (r.type === "arrow" && r.kind === "command") {
      r.settledBy = rows.find((x) => x.type === "arrow" && x.settles === r.n)?.n;
    }
  }
  return { lanes, rows, arrows: n };
}

function laneX(model, L) {
  return new Map(model.lanes.map((l, i) => [l.id, L.first + (i > 0 ? L.main : 0) + Math.max(0, i - 1) * L.gap]));
}

function widthOf(model, L) {
  return Math.max(...laneX(model, L).values()) + L.box / 2 + 16;
}

function rowYs(model) {
  const ys = [];
  let y = ROW * 0.4;
  for (const r of model.rows) {
    y += r.type === "note" ? NOTE_ROW : ROW;
    ys.push(y);
  }
  return { ys, height: y + ROW };
}

function node(name, attrs = {}, text) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function titled(el, text) {
  el.append(node("title", {}, text));
  return el;
}

/** `text` cut to about `px` wide at 12 px (full text in the element's title). */
function fit(text, px) {
  const max = Math.max(4, Math.floor(px / 6.6));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const clock = (ms) => new Date(ms).toISOString().slice(11, 23);

function describe(r) {
  const e = r.entry;
  const parts = [`${r.n}. ${r.label}`, clock(e.atMs)];
  if (r.step) parts.push(`sent by step ${r.step}`);
  if (e.detail) parts.push(e.detail);
  if (e.status) parts.push(`status: ${e.status}`);
  if (r.kind === "command") parts.push(r.settledBy ? `settled by #${r.settledBy}` : e.outcome ? `outcome: ${e.outcome}` : "waiting for its event");
  if (e.id) parts.push(`id ${e.id}`);
  return parts.join("\n");
}

function defs(prefix) {
  const d = node("defs");
  for (const [id, color, open] of [["head", COLOR.text, false], ["head-failed", COLOR.failed, false], ["head-open", COLOR.effect, true]]) {
    const m = node("marker", { id: `${prefix}-${id}`, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: "auto-start-reverse" });
    m.append(node("path", open ? { d: "M0,0 L10,5 L0,10", fill: "none", stroke: color, "stroke-width": 1.5 } : { d: "M0,0 L10,5 L0,10 z", fill: color }));
    d.append(m);
  }
  return d;
}

/** The lane headers (the page keeps them in view while the body scrolls). */
export function head(m, layout = "full") {
  const L = LAYOUT[layout];
  const xs = laneX(m, L);
  const width = widthOf(m, L);
  const svg = node("svg", { xmlns: SVG, width, height: HEAD, viewBox: `0 0 ${width} ${HEAD}`, class: "diagram-head", "font-family": "system-ui, sans-serif" });
  for (const lane of m.lanes) {
    const x = xs.get(lane.id);
    const g = titled(node("g", { class: "lane-head", "data-lane": lane.id }), `${lane.label}${lane.role === "caller" ? " (caller)" : ""}`);
    const w = L.box;
    g.append(
      node("rect", { x: x - w / 2, y: 6, width: w, height: 30, rx: 6, fill: lane.role === "app" || lane.role === "service" ? "#eef2f7" : "#f5f0e6", stroke: COLOR.lane }),
      node("text", { x, y: 25, "text-anchor": "middle", "font-size": 12, fill: COLOR.text, "font-weight": 600 }, fit(lane.label + (lane.role === "caller" ? " · caller" : ""), w - 8)),
    );
    svg.append(g);
  }
  return svg;
}

/**
 * The diagram's body: lifelines, arrows (numbered), notes, and the pairing of each command with
 * its settling event. `prefix` names its arrowheads (one per diagram on the page).
 */
export function body(m, layout = "full", prefix = "cs") {
  const L = LAYOUT[layout];
  const xs = laneX(m, L);
  const { ys, height } = rowYs(m);
  const width = widthOf(m, L);
  const svg = node("svg", {
    xmlns: SVG, width, height, viewBox: `0 0 ${width} ${height}`, class: "diagram-body", role: "img",
    "aria-label": `Sequence diagram: ${m.arrows} arrows between ${m.lanes.map((l) => l.label).join(", ")}`,
    "font-family": "system-ui, sans-serif", "data-arrows": m.arrows,
  });
  svg.append(defs(prefix));
  const lifelines = node("g", { class: "lifelines" });
  for (const lane of m.lanes) {
    const first = lane.rawId ? m.rows.findIndex((r) => (r.type === "arrow" && (r.from === lane.id || r.to === lane.id)) || r.lane === lane.id) : -1;
    const lastLeft = lane.rawId ? m.rows.findLastIndex((r) => r.type === "note" && r.lane === lane.id && r.text === "left") : -1;
    const rejoined = lastLeft >= 0 && m.rows.slice(lastLeft + 1).some((r) => r.type === "note" && r.lane === lane.id && r.text === "joined");
    const y1 = first >= 0 ? ys[first] - ROW / 2 : 0;
    const y2 = lastLeft >= 0 && !rejoined ? ys[lastLeft] : height;
    const x = xs.get(lane.id);
    const g = node("g", { class: "lane", "data-lane": lane.id, "data-label": lane.label, "data-role": lane.role });
    g.append(node("line", { x1: x, y1, x2: x, y2, stroke: COLOR.lane, "stroke-width": lane.rawId ? 1.5 : 2, "stroke-dasharray": lane.rawId ? "2 3" : null }));
    if (y2 < height) g.append(node("path", { d: `M${x - 5},${y2 - 5} l10,10 m0,-10 l-10,10`, stroke: COLOR.lane, "stroke-width": 2 }));
    lifelines.append(g);
  }
  svg.append(lifelines, pairings(m, xs, ys, height));
  m.rows.forEach((r, i) => svg.append(r.type === "note" ? note(r, xs, ys[i]) : arrowNode(r, xs, ys[i], L.gutter > 0, prefix)));
  return svg;
}

/** A bracket left of the app's lifeline from each command to the event that settled it (dashed while waiting). */
function pairings(m, xs, ys, height) {
  const g = node("g", { class: "pairings" });
  const index = new Map(m.rows.map((r, i) => [r.n, i]));
  const open = []; // end y of the bracket in each column
  for (const r of m.rows) {
    if (r.type !== "arrow" || r.kind !== "command") continue;
    if (!r.settledBy && r.outcome !== "waiting") continue;
    const y1 = ys[index.get(r.n)];
    const y2 = r.settledBy ? ys[index.get(r.settledBy)] : height - 6;
    let col = open.findIndex((end) => end < y1);
    if (col < 0) col = open.push(0) - 1;
    open[col] = y2;
    const x = xs.get(APP.id) - 12 - col * 7;
    const color = r.settledBy ? (r.outcome === "failed" ? COLOR.failed : COLOR.command) : COLOR.waiting;
    const b = titled(node("path", {
      d: `M${x + 5},${y1} H${x} V${y2} H${x + 5}`, fill: "none", stroke: color, "stroke-width": 2,
      "stroke-dasharray": r.settledBy ? null : "4 3", class: "pairing", "data-command": r.n, "data-settled-by": r.settledBy ?? "",
    }), r.settledBy ? `#${r.n} settled by #${r.settledBy}` : `#${r.n} waiting for its event`);
    g.append(b);
  }
  return g;
}

function arrowNode(r, xs, y, times, prefix) {
  const x1 = xs.get(r.from);
  const x2 = xs.get(r.to);
  const failed = r.outcome === "failed";
  const color = failed ? COLOR.failed : COLOR[r.kind];
  const g = node("g", {
    class: `arrow ${r.kind}${failed ? " failed" : ""}`, tabindex: 0, "data-n": r.n, "data-seq": r.seq, "data-from": r.from, "data-to": r.to,
    "data-kind": r.entry.kind, "data-source": r.kind, "data-label": r.label, "data-outcome": r.outcome ?? "", "data-settles": r.settles ?? "",
    "data-step": r.step ?? null,
  });
  titled(g, describe(r));
  const dir = x2 > x1 ? 1 : -1;
  g.append(node("line", {
    x1: x1 + dir * 9, y1: y, x2: x2 - dir * 2, y2: y, stroke: color, "stroke-width": r.kind === "effect" ? 1.25 : 1.75,
    "stroke-dasharray": r.kind === "effect" ? "5 4" : null, "marker-end": `url(#${prefix}-${r.kind === "effect" ? "head-open" : failed ? "head-failed" : "head"})`,
  }));
  g.append(
    node("circle", { cx: x1, cy: y, r: 8.5, fill: "#fff", stroke: color, "stroke-width": 1.25 }),
    node("text", { x: x1, y: y + 3.5, "text-anchor": "middle", "font-size": 9.5, fill: color, "font-weight": 600 }, String(r.n)),
    label(r, (x1 + x2) / 2, y - 6, Math.abs(x2 - x1) - 24, failed ? COLOR.failed : r.kind === "effect" ? COLOR.muted : COLOR.text),
  );
  if (times && r.kind !== "effect") g.append(node("text", { x: 6, y: y + 4, "font-size": 10.5, fill: COLOR.muted, class: "time" }, clock(r.atMs)));
  return g;
}

/** An arrow's label; a command a flow step sent starts with the step (`menu ▸ recognize (menu-1)`). */
function label(r, x, y, px, fill) {
  const text = node("text", { x, y, "text-anchor": "middle", "font-size": 12, fill });
  const prefix = r.step ? `${r.step} ▸ ` : "";
  const shown = fit(prefix + r.label, px);
  if (prefix && shown.startsWith(prefix)) {
    text.append(node("tspan", { class: "step", fill: COLOR.setup, "font-weight": 600 }, prefix), document.createTextNode(shown.slice(prefix.length)));
  } else text.textContent = shown;
  return text;
}

function note(r, xs, y) {
  const x = xs.get(r.lane);
  const joined = r.text === "joined";
  const g = node("g", { class: `note ${r.text}`, "data-lane": r.lane, "data-text": r.text });
  g.append(
    node("rect", { x: x - 34, y: y - 9, width: 68, height: 17, rx: 8, fill: joined ? "#e3f3e8" : "#f1f1f1", stroke: joined ? COLOR.command : COLOR.lane }),
    node("text", { x, y: y + 4, "text-anchor": "middle", "font-size": 11, fill: joined ? COLOR.command : COLOR.muted }, joined ? "+ joined" : "− left"),
  );
  return g;
}

/** One standalone SVG document (headers and body), for a file or a ticket. */
export function standalone(m) {
  const h = head(m);
  const b = body(m);
  const width = Number(b.getAttribute("width"));
  const height = HEAD + Number(b.getAttribute("height"));
  const svg = node("svg", { xmlns: SVG, width, height, viewBox: `0 0 ${width} ${height}`, "font-family": "system-ui, sans-serif" });
  svg.append(node("rect", { width, height, fill: "#fff" }));
  const top = node("g", { class: "head" });
  top.append(...h.childNodes);
  const rest = node("g", { class: "body", transform: `translate(0 ${HEAD})` });
  rest.append(...b.childNodes);
  svg.append(top, rest);
  return new XMLSerializer().serializeToString(svg);
}

// Mermaid reads `#…;` as an entity and `;` may end a statement: both escaped as entity codes.
const escape = (text) => text.replace(/[#;<>]/g, (c) => `#${c.charCodeAt(0)};`);

/** The same lanes and arrows as Mermaid `sequenceDiagram` text (autonumber matches the numbers). */
export function mermaid(m) {
  const lines = ["sequenceDiagram", "    autonumber"];
  for (const l of m.lanes) lines.push(`    participant ${l.id} as ${escape(l.label + (l.role === "caller" ? " (caller)" : ""))}`);
  for (const r of m.rows) {
    if (r.type === "note") lines.push(`    Note over ${r.lane}: ${r.text}`);
    else lines.push(`    ${r.from}${r.kind === "effect" ? "-->>" : "->>"}${r.to}: ${escape(r.label)}`);
  }
  return `${lines.join("\n")}\n`;
}
