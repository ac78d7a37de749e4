// The event processor of the official SDK family (.NET/Java CallAutomationEventProcessor; the
// JS beta line), for browsers, Workers and Node alike: plain Maps, setTimeout and AbortSignal,
// no node:events.
//
// Which event settles which operation is the core's operation table (src/api/routes.rs,
// OperationId::kinds), read through the engine's settlingKinds export: this file holds no list
// of event kinds per operation.
//
// Rules (pkg/README.md "Event processor"):
// * processEvents hands each event, in order, to the ongoing handler of its call and kind, then
//   to every pending wait whose predicate matches it. An event no wait took is kept in the
//   backlog for backlogTimeoutInMs (5 s by default), so a wait that starts later — e.g. after the
//   HTTP response of the request that caused the event — still finds it. Each backlog entry
//   expires on its own; clean-up removes only expired entries.
// * CallDisconnected removes that call's ongoing handlers (after delivering the event to them)
//   and rejects the pending per-operation waits of that call with a CallDisconnectedError
//   carrying the event; predicate waits see the CallDisconnected like any event and otherwise
//   keep waiting (they do not say which call they concern).
import { settlingKinds, callEndedKind } from "./engine.js";
import { parseCallAutomationEvents } from "./events.mjs";

const TIMEOUT = "Timeout: Matching event did not arrive within timeout.";
const DEFAULT_WAIT_MS = 240000;
const DEFAULT_BACKLOG_MS = 5000;

// The package's error shapes (crates/npm/src/error.rs), shared with client.mjs.
export function fail(name, code, message, extra) {
  const e = new Error(message);
  e.name = name;
  e.code = code;
  return Object.assign(e, extra);
}
export const invalid = (field, reason) => fail("InvalidInputError", "InvalidInput", `invalid ${field}: ${reason}`, { field });
export const aborted = () => fail("AbortError", "ABORT_ERR", "The operation was aborted.");

function checkWait(abortSignal, timeoutInMs) {
  if (abortSignal != null && (typeof abortSignal !== "object" || typeof abortSignal.addEventListener !== "function")) {
    throw invalid("abortSignal", "must be an AbortSignal");
  }
  const ms = timeoutInMs ?? DEFAULT_WAIT_MS;
  if (typeof ms !== "number" || !(ms >= 0) || ms === Infinity) throw invalid("timeoutInMs", "must be a finite number ≥ 0");
  return ms;
}
const callOf = (e) => e.callConnectionId ?? (e.data && e.data.callConnectionId);

/** One per client (`client.getEventProcessor()`). */
export class CallAutomationEventProcessor {
  #backlog = []; // { event, expires }
  #waits = new Set(); // { match, resolve, reject, callConnectionId?, done }
  #ongoing = new Map(); // callConnectionId -> Map(kind -> handler)
  #backlogMs;

  constructor(options = {}) {
    const ms = options.backlogTimeoutInMs ?? DEFAULT_BACKLOG_MS;
    if (typeof ms !== "number" || !(ms >= 0) || ms === Infinity) throw invalid("backlogTimeoutInMs", "must be a finite number ≥ 0");
    this.#backlogMs = ms;
  }

  /** How long an event nobody waited for stays in the backlog. */
  get backlogTimeoutInMs() {
    return this.#backlogMs;
  }

  /**
   * Feeds callback events: a CloudEvent batch as received (JSON string, parsed array or one
   * parsed CloudEvent) or an event already parsed by parseCallAutomationEvent(s).
   */
  processEvents(events) {
    let list;
    if (events && typeof events === "object" && !Array.isArray(events) && typeof events.kind === "string") list = [events];
    else if (typeof events === "string" || (events && typeof events === "object")) {
      try {
        list = parseCallAutomationEvents(events);
      } catch (e) {
        throw invalid("events", `not a CloudEvent batch (${e.message})`);
      }
    } else throw invalid("events", "must be a CloudEvent batch (string or parsed JSON) or a parsed event");
    this.#purge();
    let thrown;
    for (const event of list) {
      if (!event || typeof event !== "object") continue;
      try {
        this.#dispatch(event);
      } catch (e) {
        thrown ??= { e };
      }
    }
    // A throwing ongoing handler does not stop the batch; its error surfaces afterwards.
    if (thrown) throw thrown.e;
  }

  #dispatch(event) {
    const call = callOf(event);
    const handlers = call === undefined ? undefined : this.#ongoing.get(call);
    let thrown;
    const handler = handlers && handlers.get(event.kind);
    if (handler) {
      try {
        handler(event);
      } catch (e) {
        thrown = { e };
      }
    }
    let taken = false;
    for (const w of [...this.#waits]) {
      let hit;
      try {
        hit = w.match(event);
      } catch (e) {
        w.reject(e); // a throwing predicate ends its own wait only
        continue;
      }
      if (hit) {
        taken = true;
        w.resolve(event);
      }
    }
    if (event.kind === ended() && call !== undefined) {
      this.#ongoing.delete(call);
      for (const w of [...this.#waits]) if (w.callConnectionId === call) w.reject(disconnected(event));
    }
    if (!taken) this.#backlog.push({ event, expires: Date.now() + this.#backlogMs });
    if (thrown) throw thrown.e;
  }

  #purge() {
    const now = Date.now();
    if (this.#backlog.some((b) => b.expires <= now)) this.#backlog = this.#backlog.filter((b) => b.expires > now);
  }

  /**
   * The first event for which `predicate(event)` is true: from the backlog first (that event is
   * taken out of it), else the next one processEvents receives. Rejects with a TimeoutError
   * after `timeoutInMs` (default 240000) or an AbortError when `abortSignal` fires.
   */
  waitForEventProcessor(predicate, abortSignal, timeoutInMs) {
    if (typeof predicate !== "function") return Promise.reject(invalid("predicate", "must be a function (event) => boolean"));
    return this.#wait(predicate, abortSignal, timeoutInMs, {});
  }

  // `call`: a per-operation wait (rejected when that call disconnects). `quietMs`: resolve to
  // undefined when nothing matched for that long (operations whose only event is a failure).
  #wait(match, abortSignal, timeoutInMs, { call, quietMs }) {
    let ms;
    try {
      ms = checkWait(abortSignal, timeoutInMs);
    } catch (e) {
      return Promise.reject(e);
    }
    if (abortSignal && abortSignal.aborted) return Promise.reject(aborted());
    this.#purge();
    let i;
    try {
      i = this.#backlog.findIndex((b) => match(b.event));
    } catch (e) {
      return Promise.reject(e);
    }
    if (i >= 0) return Promise.resolve(this.#backlog.splice(i, 1)[0].event);
    const gone = call !== undefined && this.#backlog.find((b) => b.event.kind === ended() && callOf(b.event) === call);
    if (gone) return Promise.reject(disconnected(gone.event));
    return new Promise((resolve, reject) => {
      const w = { match, callConnectionId: call };
      const finish = (fn) => (v) => {
        this.#waits.delete(w);
        clearTimeout(timer);
        if (abortSignal) abortSignal.removeEventListener("abort", onAbort);
        fn(v);
      };
      w.resolve = finish(resolve);
      w.reject = finish(reject);
      const onAbort = () => w.reject(aborted());
      const quiet = quietMs !== undefined && quietMs <= ms;
      const timer = setTimeout(quiet ? () => w.resolve(undefined) : () => w.reject(fail("TimeoutError", "Timeout", TIMEOUT)), quiet ? quietMs : ms);
      if (abortSignal) abortSignal.addEventListener("abort", onAbort, { once: true });
      this.#waits.add(w);
    });
  }

  /** Calls `handler(event)` for every event of `kind` on call `callConnectionId` until detached or the call disconnects. */
  attachOngoingEventProcessor(callConnectionId, kind, handler) {
    if (typeof callConnectionId !== "string" || !callConnectionId) throw invalid("callConnectionId", "must be a non-empty string");
    if (typeof kind !== "string" || !kind) throw invalid("kind", "must be an event kind (the `kind` of a parsed event)");
    if (typeof handler !== "function") throw invalid("handler", "must be a function (event) => void");
    let handlers = this.#ongoing.get(callConnectionId);
    if (!handlers) this.#ongoing.set(callConnectionId, (handlers = new Map()));
    handlers.set(kind, handler);
  }

  /** Removes the ongoing handler of `kind` on `callConnectionId` (no-op when none). */
  detachOngoingEventProcessor(callConnectionId, kind) {
    const handlers = this.#ongoing.get(callConnectionId);
    if (!handlers) return;
    handlers.delete(kind);
    if (handlers.size === 0) this.#ongoing.delete(callConnectionId);
  }

  // The wait behind a result's waitForEventProcessor: the first event of `callConnectionId`
  // with `operationContext` (any, when the request carried none) that settles `operationId`
  // as Succeeded, Failed or Canceled in the core's table. Resolves to [outcome, event], or to
  // ["Succeeded", undefined] for an operation with no success event when no failure arrived
  // within the backlog window (hold).
  async settle(operationId, callConnectionId, operationContext, abortSignal, timeoutInMs) {
    const [succeeded, failed, canceled] = kindsOf(operationId);
    const outcome = (kind) => (succeeded.includes(kind) ? "Succeeded" : failed.includes(kind) ? "Failed" : canceled.includes(kind) ? "Canceled" : undefined);
    const match = (e) => callOf(e) === callConnectionId && (operationContext === undefined || e.operationContext === operationContext) && outcome(e.kind) !== undefined;
    const quietMs = succeeded.length === 0 ? this.#backlogMs : undefined;
    const event = await this.#wait(match, abortSignal, timeoutInMs, { call: callConnectionId, quietMs });
    return event === undefined ? ["Succeeded", undefined] : [outcome(event.kind), event];
  }

  // cancelAllOperations' wait: the first Canceled event of a play or a recognize on the call
  // (the core's Canceled kinds of CallMedia_Play and CallMedia_Recognize).
  async settleCancel(callConnectionId, abortSignal, timeoutInMs) {
    const play = kindsOf("CallMedia_Play")[2];
    const recognize = kindsOf("CallMedia_Recognize")[2];
    const match = (e) => callOf(e) === callConnectionId && (play.includes(e.kind) || recognize.includes(e.kind));
    const event = await this.#wait(match, abortSignal, timeoutInMs, { call: callConnectionId });
    return play.includes(event.kind) ? { isSuccess: true, playCanceledSuccessResult: event } : { isSuccess: true, recognizeCanceledSuccessResult: event };
  }
}

function disconnected(event) {
  return fail("CallDisconnectedError", ended(), `call ${callOf(event)} disconnected before the operation's event arrived`, { event });
}

// operationId → [succeeded, failed, canceled] kinds, from the engine (the core's table).
// The kind of the event that ends a call (the core's CallDisconnected), read once, lazily:
// the engine is instantiated after the modules are evaluated.
let endedKind;
const ended = () => (endedKind ??= callEndedKind());
const KINDS = new Map();
export function kindsOf(operationId) {
  let k = KINDS.get(operationId);
  if (!k) KINDS.set(operationId, (k = settlingKinds(operationId).split(";").map((f) => (f ? f.split(",") : []))));
  return k;
}

// Attaches the non-enumerable waitForEventProcessor of an operation result (JSON.stringify and
// deepEqual of the result are unchanged). `shape([outcome, event])` builds its answer.
export function withWait(result, processor, run, shape) {
  const target = result ?? {};
  Object.defineProperty(target, "waitForEventProcessor", {
    value: async (abortSignal, timeoutInMs) => shape(await run(processor(), abortSignal, timeoutInMs)),
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return target;
}

// {isSuccess, successResult?, failureResult?}; a Canceled event (PlayCanceled,
// RecognizeCanceled) is not a success: it is given as canceledResult.
export function eventResult([outcome, event]) {
  if (outcome === "Succeeded") return event === undefined ? { isSuccess: true } : { isSuccess: true, successResult: event };
  if (outcome === "Failed") return { isSuccess: false, failureResult: event };
  return { isSuccess: false, canceledResult: event };
}
