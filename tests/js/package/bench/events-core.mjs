// Shared by Node and Chromium runs: events/s of a parse function over recorded payloads.
export function measure(parse, payloads, ms) {
  let n = 0;
  let sink = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < payloads.length; i++) {
      const e = parse(payloads[i]);
      sink += e.kind ? e.kind.length : 1;
    }
    n += payloads.length;
  }
  if (sink < 0) throw new Error("unreachable");
  return n / (ms / 1000);
}

/** Median events/s per implementation over `rounds` interleaved rounds of `ms` each. */
export function compare(impls, payloads, { rounds = 5, ms = 400 } = {}) {
  const runs = Object.fromEntries(Object.keys(impls).map((k) => [k, []]));
  for (const f of Object.values(impls)) measure(f, payloads, 100); // warm-up
  for (let r = 0; r < rounds; r++) for (const [k, f] of Object.entries(impls)) runs[k].push(measure(f, payloads, ms));
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return Object.fromEntries(Object.entries(runs).map(([k, xs]) => [k, median(xs)]));
}
