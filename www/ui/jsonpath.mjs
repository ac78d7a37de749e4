// JSON text and the paths in it, for the rules editor's JSON mode: where the cursor is (the
// path of the object it is in, and whether a key goes there), where a path's value starts (to
// show the worker's error at its place), and which keys the document's JSON Schema allows at a
// path (walking `properties`, `items`, `additionalProperties`, `$ref` into `$defs`, and every
// alternative of `anyOf`/`oneOf`/`allOf`). The scanner is tolerant: it reads text that is still
// being typed. It checks nothing — the worker's validation does.

/** `["rules", 0, "action"]` → `rules[0].action`. */
export function pathText(path) {
  return path.map((seg, i) => (typeof seg === "number" ? `[${seg}]` : i ? `.${seg}` : seg)).join("");
}

/** `rules[0](ivr).action.answer.flow.steps[2](menu).next` → `rules[0].action.answer.flow.steps[2].next`. */
export function withoutNames(field) {
  return field.replace(/\]\((?:[^()]|\([^()]*\))*\)/g, "]");
}

/**
 * Reads `text` up to `end`. Returns `{path, keyPlace, keys, partial}` for that point: the path
 * of the innermost container, whether a key is expected there (`partial`: the key typed so far
 * when the point is inside a key's quotes; `partialStart` where its text starts), and the keys
 * that object already has before the point. `onValue(path, start)` is called for each key (at
 * the key's quote) and each array element, in order.
 */
export function scan(text, end = text.length, onValue = () => {}) {
  const root = { type: "root", path: [], state: "value" };
  const stack = [root];
  const top = () => stack.at(-1);
  const valuePath = (f) => (f.type === "{" ? [...f.path, f.key] : f.type === "[" ? [...f.path, f.index] : f.path);
  const valueDone = () => (top().state = "comma");
  let i = 0;
  while (i < end) {
    const c = text[i];
    const f = top();
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (j >= end) {
        // The point is inside this string.
        const keyPlace = f.type === "{" && f.state === "key";
        return { path: f.path, keyPlace, keys: f.keys ?? [], partial: keyPlace ? text.slice(i + 1, end) : undefined, partialStart: i + 1 };
      }
      let str;
      try {
        str = JSON.parse(text.slice(i, j + 1));
      } catch {
        str = text.slice(i + 1, j);
      }
      if (f.type === "{" && f.state === "key") {
        f.key = str;
        f.keys.push(str);
        f.state = "colon";
        onValue(valuePath(f), i);
      } else {
        if (f.type === "[" && f.state === "value") onValue(valuePath(f), i);
        valueDone();
      }
      i = j + 1;
      continue;
    }
    if (c === "{" || c === "[") {
      if (f.type === "[" && f.state === "value") onValue(valuePath(f), i);
      const frame = { type: c, path: valuePath(f), state: c === "{" ? "key" : "value", key: undefined, index: 0, keys: [] };
      stack.push(frame);
    } else if (c === "}" || c === "]") {
      if (stack.length > 1) stack.pop();
      valueDone();
    } else if (c === ":") {
      if (f.type === "{") f.state = "value";
    } else if (c === ",") {
      if (f.type === "{") {
        f.state = "key";
        f.key = undefined;
      } else if (f.type === "[") {
        f.index += 1;
        f.state = "value";
      }
    } else if (!/\s/.test(c)) {
      // A number, true, false, null (or a typo): up to the next delimiter.
      if (f.type === "[" && f.state === "value") onValue(valuePath(f), i);
      while (i + 1 < end && !/[\s,\]}:"]/.test(text[i + 1])) i += 1;
      valueDone();
    }
    i += 1;
  }
  const f = top();
  return { path: f.path, keyPlace: f.type === "{" && f.state === "key", keys: f.keys ?? [], partial: undefined };
}

/**
 * The keys of the object that goes on after `start` (the rest of the one the cursor is in), up
 * to its closing brace: with `scan`'s `keys`, every key the object has.
 */
export function keysAfter(text, start) {
  const keys = [];
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (depth === 0 && /^\s*:/.test(text.slice(j + 1, j + 64))) keys.push(text.slice(i + 1, j));
      i = j;
    } else if (c === "{" || c === "[") depth += 1;
    else if (c === "}" || c === "]") {
      depth -= 1;
      if (depth < 0) break;
    }
  }
  return keys;
}

/** Where each path's key (or array element) starts in `text`: `pathText` → offset. */
export function offsets(text) {
  const at = new Map();
  scan(text, text.length, (path, start) => {
    const key = pathText(path);
    if (!at.has(key)) at.set(key, start);
  });
  return at;
}

/** The offset of the worker's `field` in `text`: the field's own place, else its nearest parent's. */
export function offsetOf(text, field) {
  const at = offsets(text);
  let path = withoutNames(field);
  while (path) {
    if (at.has(path)) return at.get(path);
    const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
    path = cut > 0 ? path.slice(0, cut) : "";
  }
  return 0;
}

// ---- the schema ----

function deref(root, ref) {
  if (typeof ref !== "string" || !ref.startsWith("#/")) return undefined;
  return ref.slice(2).split("/").reduce((node, part) => node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")], root);
}

/** A schema node and every node it stands for: its `$ref`'s target and its alternatives. */
function expand(root, node, depth = 0) {
  if (!node || typeof node !== "object" || depth > 16) return [];
  const out = [node];
  if (node.$ref) out.push(...expand(root, deref(root, node.$ref), depth + 1));
  for (const alt of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) out.push(...expand(root, alt, depth + 1));
  return out;
}

function child(node, seg) {
  if (typeof seg === "number") return node.items && typeof node.items === "object" ? [node.items] : [];
  if (node.properties && Object.hasOwn(node.properties, seg)) return [node.properties[seg]];
  if (node.additionalProperties && typeof node.additionalProperties === "object") return [node.additionalProperties];
  return [];
}

/** The first description found for a property's schema (its own, else its `$ref`'s). */
function describe(root, node) {
  return expand(root, node).find((n) => typeof n.description === "string")?.description ?? "";
}

/**
 * The keys the schema allows in the object at `path` (as `scan` gives it): `[{name,
 * description}]`, in the schema's order. Objects whose keys are free (`additionalProperties`
 * only: the names of `flows`, an `on` map) have none to suggest.
 */
export function keysAt(schema, path) {
  let nodes = [schema];
  for (const seg of path) nodes = nodes.flatMap((n) => expand(schema, n)).flatMap((n) => child(n, seg));
  const keys = new Map();
  for (const n of nodes.flatMap((x) => expand(schema, x))) {
    for (const [name, prop] of Object.entries(n.properties ?? {})) {
      if (!keys.has(name)) keys.set(name, describe(schema, prop));
    }
  }
  return [...keys].map(([name, description]) => ({ name, description }));
}
