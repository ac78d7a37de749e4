// A flow drawn as SVG (its layout: flowlayout.mjs), with a call's path on it: every visit of a
// step and every move along an edge numbered in order, the step the call is in outlined, and how
// it ended. A draft's graph also shows what it changes (steps new or changed, paths new: the
// worker's diff) and where a test parted from what it expected. Colours and highlights are the
// stylesheet's (classes only: the page's CSP allows no inline style).
//
// Edges: a forward edge leaves a step's bottom and reaches the next layer's top (through the
// layers it spans). A back edge (a loop to an earlier step) leaves its step's top, runs through
// the gap above it, and climbs a lane right of the layers it passes to enter its target from the
// right. A step's edge to itself is a loop on its left. Labels sit on a white ground; one that
// would cover another label or a step moves up or down in its gap.

import { LAYER_GAP, MARGIN, graphOf, layout, nodeText, textWidth, walk } from "./flowlayout.mjs";

export { kindOf, walk } from "./flowlayout.mjs";

const SVG = "http://www.w3.org/2000/svg";
let drawn = 0; // numbers each drawing's arrowheads (ids are page-wide)

function node(name, attrs = {}, text) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null && v !== false) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function fit(text, px, size = 12) {
  const max = Math.max(3, Math.floor(px / (size * 0.56)));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A smooth path down through `points` (each [x, y]): vertical tangents at every point. */
function through(points) {
  let d = `M${points[0][0]},${points[0][1]}`;
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1];
    const [x1, y1] = points[i];
    const k = (y1 - y0) / 2;
    d += ` C${x0},${y0 + k} ${x1},${y1 - k} ${x1},${y1}`;
  }
  return d;
}

/** Which moves of the path took each edge; moves along no drawn edge get one (an app's goto). */
function moves(g, hops) {
  const hopsOf = new Map();
  const extra = [];
  const add = (e, n) => (hopsOf.get(e) ?? hopsOf.set(e, []).get(e)).push(n);
  for (const h of hops) {
    let e = g.edges.find((x) => x.from === h.from && x.to === h.to) ?? extra.find((x) => x.from === h.from && x.to === h.to);
    if (!e && g.nodes.has(h.from) && g.nodes.has(h.to)) extra.push((e = { from: h.from, to: h.to, labels: ["(app)"], implicit: true }));
    if (e) add(e, h.n);
  }
  return { hopsOf, extra };
}

/** Routes every edge: `{e, kind, d, label: [x, y, anchor]}`. */
function route(g, L, edges) {
  const out = [];
  // Forward edges leave a step's bottom and reach a step's top spread apart, in the order of their other ends.
  const ports = new Map();
  const portList = (id, side) => ports.get(`${id}\u0000${side}`) ?? ports.set(`${id}\u0000${side}`, []).get(`${id}\u0000${side}`);
  const forward = edges.filter((e) => !e.implicit && e.from !== e.to && L.routes.has(e));
  for (const e of forward) {
    portList(e.from, "out").push({ e, x: L.routes.get(e)[1].x });
    portList(e.to, "in").push({ e, x: L.routes.get(e).at(-2).x });
  }
  const portX = (id, side, e) => {
    const sorted = [...portList(id, side)].sort((a, b) => a.x - b.x);
    const i = sorted.findIndex((p) => p.e === e);
    const n = L.nodes.get(id);
    return n.x + (i - (sorted.length - 1) / 2) * Math.min(18, (n.w - 24) / Math.max(1, sorted.length));
  };
  for (const e of forward) {
    const a = L.nodes.get(e.from);
    const b = L.nodes.get(e.to);
    const pts = [[portX(e.from, "out", e), a.y + a.h]];
    for (const s of L.routes.get(e).slice(1, -1)) pts.push([s.x, s.y], [s.x, s.y + a.h]);
    pts.push([portX(e.to, "in", e), b.y]);
    out.push({ e, kind: "forward", d: through(pts), label: [(pts[0][0] + pts[1][0]) / 2, (pts[0][1] + pts[1][1]) / 2, "middle"] });
  }
  // Back edges (and moves no edge stands for), counted per target (entry, lane) and per source (exit, run).
  const rest = edges.filter((e) => !forward.includes(e) && e.from !== e.to);
  const nth = (key, map) => map.set(key, (map.get(key) ?? -1) + 1).get(key);
  const [intoTarget, fromSource, inGap, intoCount] = [new Map(), new Map(), new Map(), new Map()];
  for (const e of rest) intoCount.set(e.to, (intoCount.get(e.to) ?? 0) + 1);
  // Sources in layer order, right to left: the runs of one gap nest instead of crossing.
  const bySource = [...rest].sort((p, q) => L.nodes.get(p.from).layer - L.nodes.get(q.from).layer || L.nodes.get(q.from).x - L.nodes.get(p.from).x);
  for (const e of bySource) {
    const a = L.nodes.get(e.from);
    const b = L.nodes.get(e.to);
    const k = nth(e.to, intoTarget);
    const j = nth(e.from, fromSource);
    const sx = a.x + a.w / 2 - 12 - 9 * j;
    const runY = a.y - 12 - 8 * (nth(a.layer, inGap) % 3);
    const passed = L.right.slice(Math.min(a.layer, b.layer) + 1, Math.max(a.layer, b.layer));
    const lane = Math.max(b.x + b.w / 2, ...passed) + 14 + 8 * k;
    const entryY = b.y + b.h / 2 + (k - ((intoCount.get(e.to) ?? 1) - 1) / 2) * 8;
    const r = Math.min(8, Math.abs(lane - sx) / 2, Math.abs(runY - entryY) / 2);
    const h = Math.sign(lane - sx) || 1;
    const v = Math.sign(entryY - runY) || -1;
    const d = `M${sx},${a.y} V${runY - v * r} Q${sx},${runY} ${sx + h * r},${runY} H${lane - h * r} Q${lane},${runY} ${lane},${runY + v * r} V${entryY - v * r} Q${lane},${entryY} ${lane - r},${entryY} H${b.x + b.w / 2 + 1}`;
    out.push({ e, kind: e.implicit ? "implicit" : "back", d, label: [(sx + lane) / 2, runY, "middle"] });
  }
  for (const e of edges.filter((x) => x.from === x.to)) {
    const a = L.nodes.get(e.from);
    const x = a.x - a.w / 2;
    const y = a.y + a.h / 2;
    out.push({ e, kind: "self", d: `M${x},${y - 9} C${x - 34},${y - 26} ${x - 34},${y + 26} ${x},${y + 9}`, label: [x - 30, y, "end"] });
  }
  return out;
}

/** The tags under steps (how the call ended, where a test parted): `id` → how many, each 17 px high. */
function tagRows({ current, end, failure }) {
  const rows = new Map();
  if (current && end) rows.set(current, 1);
  if (failure?.step) rows.set(failure.step, (rows.get(failure.step) ?? 0) + 1);
  return rows;
}

/** Puts each label where it covers no step, no tag under a step and no other label, moving it within its gap if needed. */
function placeLabels(routes, L, hopsOf, tags) {
  const taken = [...L.nodes].map(([id, n]) => ({ x0: n.x - n.w / 2 - 2, x1: n.x + n.w / 2 + 2, y0: n.y - 2, y1: n.y + n.h + 2 + 17 * (tags.get(id) ?? 0) }));
  const overlaps = (b) => taken.some((t) => b.x0 < t.x1 && t.x0 < b.x1 && b.y0 < t.y1 && t.y0 < b.y1);
  return routes.map((r) => {
    const text = fit(`${r.e.added ? "+ " : ""}${r.e.labels.join(", ")}`, 140, 11);
    const num = (hopsOf.get(r.e) ?? []).join(",");
    const numW = num ? textWidth(num, 10) + 10 : 0;
    const w = textWidth(text, 11) + 8 + (num ? numW + 3 : 0);
    const [ax, ay, anchor] = r.label;
    const x = anchor === "middle" ? ax - w / 2 : anchor === "end" ? ax - w : ax;
    const tries = [0, -15, 15, -30, 30, -22, 22].map((dy) => ({ x0: x, x1: x + w, y0: ay + dy - 8, y1: ay + dy + 8 }));
    const box = tries.find((b) => !overlaps(b) && Math.abs(b.y0 + 8 - ay) < LAYER_GAP / 2) ?? tries[0];
    taken.push(box);
    return { ...r, text, num, numW, box };
  });
}

function labelNode(l, isTaken) {
  const { x0, y0 } = l.box;
  const g = node("g", { class: `edge-label${isTaken ? " taken" : ""}${l.e.added ? " added" : ""}`, "data-from": l.e.from, "data-to": l.e.to });
  g.append(node("rect", { x: x0, y: y0, width: l.box.x1 - x0, height: 16, rx: 4, class: "label-ground" }));
  if (l.num) {
    g.append(node("rect", { x: x0 + 1, y: y0 + 1, width: l.numW, height: 14, rx: 7, class: "hop" }),
      node("text", { x: x0 + 1 + l.numW / 2, y: y0 + 11.5, "text-anchor": "middle", class: "hop-n" }, l.num));
  }
  g.append(node("text", { x: x0 + 4 + (l.num ? l.numW + 3 : 0), y: y0 + 12, class: "label" }, l.text));
  return g;
}

/** A rounded tag with `text` centred at (x, y) (its top edge), sized to the text. */
function tag(x, y, text, cls) {
  const w = textWidth(text, 10.5) + 12;
  return [node("rect", { x: x - w / 2, y, width: w, height: 15, rx: 7, class: `${cls}-tag` }),
    node("text", { x, y: y + 11, "text-anchor": "middle", class: `${cls}-text` }, text)];
}

/** What the draft did to step `id` (the worker's diff): `added`, `changed` or nothing. */
function changeOf(diff, id) {
  if (diff?.stepsAdded?.includes(id)) return "added";
  if (diff?.stepsChanged?.includes(id)) return "changed";
  return undefined;
}

function stepNode(g, L, id, { visits, current, end, diff, failure }) {
  const n = g.nodes.get(id);
  const p = L.nodes.get(id);
  const seen = visits.get(id) ?? [];
  const here = id === current;
  const change = changeOf(diff, id);
  const failed = failure?.step === id;
  const out = g.edges.filter((e) => e.from === id).map((e) => `${e.labels.join(", ")} → ${e.to}`);
  const title = [`${id} · ${n.kind}${n.kind === "missing" ? " (no such step)" : ""}`,
    change && `${change === "added" ? "new" : "changed"} in the draft`,
    out.length ? `paths: ${out.join("; ")}` : "no outcome paths",
    seen.length && `visited: ${seen.map((v) => `#${v}`).join(", ")}`,
    here && (end ? `the call ended here: ${end}` : "the call is in this step"),
    failed && `the test parted here: ${failure.text}`].filter(Boolean).join("\n");
  const classes = ["step", `kind-${n.kind}`, seen.length && "visited", here && "current", here && end && "ended", change, failed && "failed"].filter(Boolean);
  const gn = node("g", { class: classes.join(" "), tabindex: 0, "data-step": id, "data-kind": n.kind, "data-visits": seen.join(" "), "data-change": change, "aria-current": here ? "step" : null });
  gn.append(node("title", {}, title));
  gn.append(node("rect", { x: p.x - p.w / 2, y: p.y, width: p.w, height: p.h, rx: n.kind === "branch" ? 14 : 6, class: "box" }));
  const label = node("text", { x: p.x, y: p.y + p.h / 2 + 4, "text-anchor": "middle", class: "name" });
  const shown = fit(nodeText(n), p.w - 10);
  const cut = shown.indexOf(" · ");
  if (cut > 0) label.append(node("tspan", { class: "id" }, shown.slice(0, cut)), node("tspan", { class: "kind" }, shown.slice(cut)));
  else label.textContent = shown;
  gn.append(label);
  if (seen.length) {
    const num = seen.join(",");
    const w = textWidth(num, 10) + 10;
    gn.append(node("rect", { x: p.x - p.w / 2 - 6, y: p.y - 7, width: w, height: 14, rx: 7, class: "visit" }),
      node("text", { x: p.x - p.w / 2 - 6 + w / 2, y: p.y + 3.5, "text-anchor": "middle", class: "visit-n" }, num));
  }
  if (change) gn.append(...tag(p.x + p.w / 2 - 22, p.y - 8, change === "added" ? "new" : "changed", "change"));
  if (here && end) gn.append(...tag(p.x, p.y + p.h + 3, `ended: ${end}`, "end"));
  if (failed) gn.append(...tag(p.x, p.y + p.h + (here && end ? 20 : 3), "✗ the test parted here", "fail"));
  return gn;
}

/** The drawing's extent: every step, label and bend of a back edge or loop. */
function extent(L, labels) {
  const xs = [0, L.width];
  for (const l of labels) xs.push(l.box.x0 - 2, l.box.x1 + 2);
  for (const r of labels) for (const [, x] of r.d.matchAll(/[HMQC ]\s*(-?[\d.]+)(?=,|\s|$)/g)) xs.push(Number(x));
  return { x0: Math.floor(Math.min(...xs) - 4), x1: Math.ceil(Math.max(...xs) + MARGIN) };
}

/**
 * The SVG of `flow` (`{start?, steps}`). `path` (the worker's), `current` (a step id) and
 * `end` highlight a call: its numbered visits and moves, the step it is in, how it ended.
 * `diff` (a flow of the worker's draft diff: `{stepsAdded, stepsChanged, edgesAdded}`) marks
 * the steps and paths a draft adds or changes; `failure` (`{step, text}`) marks the step where a
 * test parted from what it expected.
 */
export function svg(flow, { path = [], current, end, label = "Flow", diff, failure } = {}) {
  const g = graphOf(flow);
  const newEdges = new Set((diff?.edgesAdded ?? []).map((e) => `${e.from}\u0000${e.to}`));
  for (const e of g.edges) e.added = newEdges.has(`${e.from}\u0000${e.to}`);
  const L = layout(g);
  const { steps, visits, hops } = walk(path);
  const { hopsOf, extra } = moves(g, hops);
  const prefix = `fg${++drawn}`;
  const labels = placeLabels(route(g, L, [...g.edges, ...extra]), L, hopsOf, tagRows({ current, end, failure }));
  const edgeLayer = node("g", { class: "edges" });
  const labelLayer = node("g", { class: "edge-labels" });
  const nodeLayer = node("g", { class: "nodes" });
  for (const r of labels) {
    const nums = hopsOf.get(r.e) ?? [];
    const ge = node("g", { class: `edge ${r.kind}${nums.length ? " taken" : ""}${r.e.added ? " added" : ""}`, "data-from": r.e.from, "data-to": r.e.to, "data-labels": r.e.labels.join("|"), "data-hops": nums.join(" ") });
    ge.append(node("title", {}, `${r.e.from} → ${r.e.to}: ${r.e.labels.join(", ")}${r.e.added ? " (new in the draft)" : ""}${nums.length ? ` (move ${nums.join(", ")} of the path)` : ""}`),
      node("path", { d: r.d, class: "line", "marker-end": `url(#${prefix}-${nums.length ? "taken" : r.e.added ? "added" : "head"})` }));
    edgeLayer.append(ge);
    labelLayer.append(labelNode(r, nums.length > 0));
  }
  const start = L.nodes.get(g.start);
  if (start) {
    nodeLayer.append(node("path", { d: `M${start.x},${start.y - 20} V${start.y - 1}`, class: "start-line", "marker-end": `url(#${prefix}-head)` }),
      node("text", { x: start.x + 6, y: start.y - 10, class: "start-label" }, "start"));
  }
  for (const id of g.nodes.keys()) nodeLayer.append(stepNode(g, L, id, { visits, current, end, diff, failure }));

  const { x0, x1 } = extent(L, labels);
  const width = x1 - x0;
  const height = Math.ceil(L.height + (end ? 14 : 0) + (failure?.step ? 18 + (end ? 17 : 0) : 0));
  const where = steps.length ? `; the call's path: ${steps.map((s) => s.id).join(" → ")}` : "";
  const count = (n, what) => `${n} ${what}${n === 1 ? "" : "s"}`;
  const changes = diff ? `; the draft adds ${count(diff.stepsAdded?.length ?? 0, "step")} and ${count(newEdges.size, "path")}, and changes ${count(diff.stepsChanged?.length ?? 0, "step")}` : "";
  const parted = failure?.step ? `; the test parted at step ${failure.step}` : "";
  const out = node("svg", {
    xmlns: SVG, width, height, viewBox: `${x0} 0 ${width} ${height}`, class: "flow-graph", role: "group",
    "aria-label": `${label}: ${g.nodes.size} steps, ${g.edges.length} paths${where}${current ? `; ${end ? "ended in" : "now in"} step ${current}` : ""}${changes}${parted}`,
    "data-steps": g.nodes.size, "data-edges": g.edges.length, "data-current": current ?? "", "data-end": end ?? "",
  });
  const defs = node("defs");
  for (const [id, cls] of [["head", "arrowhead"], ["taken", "arrowhead taken"], ["added", "arrowhead added"]]) {
    const m = node("marker", { id: `${prefix}-${id}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" });
    m.append(node("path", { d: "M0,0 L10,5 L0,10 z", class: cls }));
    defs.append(m);
  }
  out.append(defs, edgeLayer, nodeLayer, labelLayer);
  return out;
}

/** Scrolls `box` (a graph's scrolling container) so that step `id` is in view, if it is not. */
export function reveal(box, id) {
  const step = id && box.querySelector(`g.step[data-step="${CSS.escape(id)}"]`);
  if (!step) return;
  const b = step.getBoundingClientRect();
  const v = box.getBoundingClientRect();
  if (b.left < v.left || b.right > v.right) box.scrollLeft += b.left - v.left - (v.width - b.width) / 2;
  if (b.top < v.top || b.bottom > v.bottom) box.scrollTop += b.top - v.top - (v.height - b.height) / 2;
}
