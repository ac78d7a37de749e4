// A flow as a graph, and where to draw it (no DOM here; flowgraph.mjs draws): its steps as nodes
// ("menu · collect"), its outcome paths as labelled edges (`next`, `on 1`, `noMatch`, `case 1`,
// `else`, `limit`, …), placed by a small layered layout of our own. The page reads the steps as
// written (docs/flows.schema.json); it decides no outcome: which path a call took comes from the
// worker (`path`, `flow.step`).
//
// Layout, deterministic for a given flow: a depth-first walk from the start step in path order
// finds the back edges (to a step still on the walk: loops such as "0 goes back"); the other
// edges form a DAG, layered by longest path from the start, so sinks such as a goodbye sit at
// the bottom. An edge that spans layers passes through a point in each layer between (so it
// goes around the steps there, not through them). Within a layer, steps are ordered by the mean
// position of their predecessors, down then up, and placed under them. (Back edges and loops
// are routed when drawn: they go around the layers, not through them.)

export const STEP_KINDS = ["play", "collect", "branch", "set", "webhook", "transfer", "ring", "park", "hangUp"];
const NAMED_PATHS = ["next", "noInput", "noMatch", "failure", "busy", "noAnswer", "timeout", "limit"];

export const NODE_H = 36;
export const LAYER_GAP = 68; // between two layers: the edges' labels and the back edges' runs live here
const GAP = 34; // between two steps of a layer: room for two back edges' lanes
const DUMMY_W = 14; // the slot an edge takes when it passes a layer
export const MARGIN = 14;
const TOP = 26; // room for the start marker

/** The step key of a step (`collect`), or `?` for none. */
export function kindOf(step) {
  return STEP_KINDS.find((k) => step && Object.hasOwn(step, k)) ?? "?";
}

/** A step's outcome paths, in reading order: `{label, to}` (a step id each). */
export function pathsOf(step) {
  const out = [];
  const add = (label, to) => typeof to === "string" && out.push({ label, to });
  add("next", step.next);
  for (const [value, to] of Object.entries(step.on ?? {})) add(`on ${value}`, to);
  const kind = kindOf(step);
  if (kind === "branch") {
    (step.branch?.cases ?? []).forEach((c, i) => add(`case ${i + 1}`, c?.goto));
    add("else", step.branch?.else);
  }
  if (kind === "webhook") for (const g of step.webhook?.goto ?? []) add("app goto", g);
  for (const name of NAMED_PATHS.slice(1)) add(name, step[name]);
  return out;
}

/**
 * The graph of `flow` (`{start?, steps}`): nodes (one per step; a path to a step that does not
 * exist gets a `missing` node) and edges, one per pair of steps with every label on it.
 */
export function graphOf(flow) {
  const steps = Array.isArray(flow?.steps) ? flow.steps.filter((s) => s && typeof s.id === "string") : [];
  const nodes = new Map(steps.map((s) => [s.id, { id: s.id, kind: kindOf(s), step: s }]));
  const edges = new Map(); // "from\u0000to" → edge
  for (const s of steps) {
    for (const { label, to } of pathsOf(s)) {
      if (!nodes.has(to)) nodes.set(to, { id: to, kind: "missing" });
      const key = `${s.id}\u0000${to}`;
      if (!edges.has(key)) edges.set(key, { from: s.id, to, labels: [] });
      if (!edges.get(key).labels.includes(label)) edges.get(key).labels.push(label);
    }
  }
  const start = typeof flow?.start === "string" ? flow.start : steps[0]?.id;
  return { nodes, edges: [...edges.values()], start: nodes.has(start) ? start : steps[0]?.id };
}

/** Back edges (a loop to a step still on the walk), found by a depth-first walk from the start. */
function backEdges(g) {
  const out = new Map();
  for (const e of g.edges) (out.get(e.from) ?? out.set(e.from, []).get(e.from)).push(e);
  const back = new Set();
  const state = new Map(); // id → 1 on the walk, 2 done
  const roots = [g.start, ...g.nodes.keys()].filter((id) => id !== undefined);
  for (const root of roots) {
    if (state.has(root)) continue;
    const stack = [[root, 0]];
    state.set(root, 1);
    while (stack.length) {
      const top = stack.at(-1);
      const e = (out.get(top[0]) ?? [])[top[1]++];
      if (!e) {
        state.set(top[0], 2);
        stack.pop();
      } else if (state.get(e.to) === 1) back.add(e);
      else if (!state.has(e.to)) {
        state.set(e.to, 1);
        stack.push([e.to, 0]);
      }
    }
  }
  return back;
}

/** Longest-path layers over the forward edges (the walk's order breaks no tie: layers are exact). */
function layers(g, back) {
  const forward = g.edges.filter((e) => !back.has(e));
  const layer = new Map([...g.nodes.keys()].map((id) => [id, 0]));
  // A DAG: relax until nothing moves (at most one round per node).
  for (let round = 0; round <= g.nodes.size; round++) {
    let moved = false;
    for (const e of forward) {
      if (e.from !== e.to && layer.get(e.to) < layer.get(e.from) + 1) {
        layer.set(e.to, layer.get(e.from) + 1);
        moved = true;
      }
    }
    if (!moved) break;
  }
  return layer;
}

/** About how wide `text` is at `px` (system sans-serif). */
export const textWidth = (text, px = 12) => text.length * px * 0.56;
/** A step's label: `menu · collect`. */
export const nodeText = (n) => `${n.id} · ${n.kind}`;

/**
 * Positions: `nodes` (id → {x, y, w, h, layer}), `routes` (each forward edge's slots, through
 * the layers it spans), `back` (the set of back edges), `right` (each layer's right end), `yOf`
 * (a layer's top), and the drawing's size.
 */
export function layout(g) {
  const back = backEdges(g);
  const layer = layers(g, back);
  const depth = Math.max(0, ...layer.values());
  // Slots per layer: the steps, then a point for each layer an edge passes.
  const rows = Array.from({ length: depth + 1 }, () => []);
  const slot = new Map(); // node id or dummy key → slot
  for (const id of g.nodes.keys()) {
    const n = g.nodes.get(id);
    const s = { key: id, node: n, w: Math.min(210, Math.max(92, textWidth(nodeText(n)) + 22)), preds: [], succs: [] };
    slot.set(id, s);
    rows[layer.get(id)].push(s);
  }
  const chains = new Map(); // forward edge → its slots, source to target
  for (const e of g.edges) {
    if (back.has(e) || e.from === e.to) continue;
    const chain = [slot.get(e.from)];
    for (let l = layer.get(e.from) + 1; l < layer.get(e.to); l++) {
      const d = { key: `${e.from}\u0000${e.to}\u0000${l}`, w: DUMMY_W, preds: [], succs: [] };
      rows[l].push(d);
      chain.push(d);
    }
    chain.push(slot.get(e.to));
    for (let i = 1; i < chain.length; i++) {
      chain[i].preds.push(chain[i - 1]);
      chain[i - 1].succs.push(chain[i]);
    }
    chains.set(e, chain);
  }
  order(rows);
  place(rows);
  const nodes = new Map();
  const yOf = (l) => TOP + l * (NODE_H + LAYER_GAP);
  rows.forEach((row, l) => row.forEach((s) => (s.y = yOf(l))));
  for (const [id, s] of slot) nodes.set(id, { x: s.x, y: s.y, w: s.w, h: NODE_H, layer: layer.get(id) });
  const routes = new Map([...chains].map(([e, chain]) => [e, chain]));
  const width = Math.max(...rows.flat().map((s) => s.x + s.w / 2), 0) + MARGIN;
  const right = rows.map((row) => Math.max(...row.map((s) => s.x + s.w / 2), MARGIN));
  return { nodes, routes, back, layer, right, yOf, width, height: yOf(depth) + NODE_H + MARGIN };
}

/** Orders each layer by the mean position of its neighbours: a sweep down, then up, twice. */
function order(rows) {
  const index = (row) => row.forEach((s, i) => (s.i = i));
  rows.forEach(index);
  const mean = (list, fallback) => (list.length ? list.reduce((a, s) => a + s.i, 0) / list.length : fallback);
  for (let pass = 0; pass < 2; pass++) {
    for (let l = 1; l < rows.length; l++) {
      rows[l] = rows[l].map((s) => [mean(s.preds, s.i), s]).sort((a, b) => a[0] - b[0]).map(([, s]) => s);
      index(rows[l]);
    }
    for (let l = rows.length - 2; l >= 0; l--) {
      rows[l] = rows[l].map((s) => [mean(s.succs, s.i), s]).sort((a, b) => a[0] - b[0]).map(([, s]) => s);
      index(rows[l]);
    }
  }
}

/** x of each slot: under its predecessors where there is room, else pushed right; then from MARGIN. */
function place(rows) {
  for (const row of rows) {
    const want = row.map((s) => (s.preds.length ? s.preds.reduce((a, p) => a + p.x, 0) / s.preds.length : undefined));
    let right = -Infinity;
    row.forEach((s, i) => {
      const x = want[i] ?? (Number.isFinite(right) ? right + GAP + s.w / 2 : s.w / 2);
      s.x = Math.max(x, right + GAP + s.w / 2);
      right = s.x + s.w / 2;
    });
    // Pushing right drifts a layer: centre it on where its steps wanted to be.
    const wanted = row.map((s, i) => want[i]).filter((x) => x !== undefined);
    if (wanted.length === row.length && row.length > 1) {
      const shift = wanted.reduce((a, x) => a + x, 0) / wanted.length - row.reduce((a, s) => a + s.x, 0) / row.length;
      for (const s of row) s.x += shift;
    }
  }
  const left = Math.min(...rows.flat().map((s) => s.x - s.w / 2));
  for (const s of rows.flat()) s.x += MARGIN - left;
}

/**
 * The path a call took: `visits` (step id → its numbers in the path, 1-based) and `hops` (one
 * per move: `{n, from, to, limit}`), from the worker's `path` (notes `! …` dropped; `id:limit`
 * is a visit over the step's limit, which moved on by its `limit` path).
 */
export function walk(path = []) {
  const steps = path.filter((p) => typeof p === "string" && !p.startsWith("!")).map((p) => {
    const limit = p.endsWith(":limit");
    return { id: limit ? p.slice(0, -":limit".length) : p, limit };
  });
  const visits = new Map();
  steps.forEach((s, i) => (visits.get(s.id) ?? visits.set(s.id, []).get(s.id)).push(i + 1));
  const hops = steps.slice(1).map((s, i) => ({ n: i + 1, from: steps[i].id, to: s.id, limit: steps[i].limit }));
  return { steps, visits, hops };
}
