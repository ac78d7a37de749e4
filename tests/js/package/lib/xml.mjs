// A strict little XML reader for the suites' JUnit checks (no XML package in the test deps):
// the prolog, elements with double-quoted attributes, text and the five predefined entities.
// Anything else — a mismatched or unclosed tag, a stray `<` or `&`, text outside the root —
// throws, so a malformed report fails the test.
const entities = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const decode = (s) => {
  if (/[<]|&(?!(amp|lt|gt|quot|apos);)/.test(s)) throw new Error(`unescaped text: ${s.slice(0, 40)}`);
  return s.replace(/&(\w+);/g, (_, e) => entities[e]);
};

/** `{name, attrs, children, text}` of the document's root element. */
export function parseXml(source) {
  const tokens = source.replace(/^<\?xml[^?]*\?>\s*/, "").split(/(<[^>]*>)/);
  const root = { children: [] };
  const stack = [root];
  for (const token of tokens) {
    const top = stack[stack.length - 1];
    if (!token.startsWith("<")) {
      if (stack.length === 1 && token.trim()) throw new Error(`text outside the root: ${token.slice(0, 40)}`);
      if (stack.length > 1) top.text = (top.text ?? "") + decode(token);
      continue;
    }
    const close = /^<\/([\w:-]+)\s*>$/.exec(token);
    if (close) {
      if (close[1] !== top.name) throw new Error(`</${close[1]}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const open = /^<([\w:-]+)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>$/.exec(token);
    if (!open) throw new Error(`not a tag: ${token}`);
    const attrs = Object.fromEntries([...open[2].matchAll(/([\w:-]+)="([^"]*)"/g)].map(([, k, v]) => [k, decode(v)]));
    const element = { name: open[1], attrs, children: [] };
    top.children.push(element);
    if (!open[3]) stack.push(element);
  }
  if (stack.length !== 1 || root.children.length !== 1) throw new Error("not one closed root element");
  return root.children[0];
}
