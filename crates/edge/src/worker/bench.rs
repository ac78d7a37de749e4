//! CPU benchmark routes, inside workerd: `POST /admin/bench/{incoming|callback|callback-rust|callback-unverified}?n=N` runs
//! the CPU-side work of one IncomingCall→answer or one callback event N times in a single
//! request, so the workerd process's CPU time (read from /proc by `tests/edge/bench.mjs`)
//! divided by N is the cost of our code, without the local runtime's per-request overhead
//! (its proxy worker, simulated KV and Durable Objects), which production does not bill.
//!
//! `POST /admin/bench/panic` panics on purpose (the panic test).
//!
//! Compiled only into the benchmark build (cargo feature `bench`: `BENCH_BUILD=1
//! scripts/build-worker` → build-bench/); the production build has `bench_off.rs` instead, which
//! answers 404. Behind the admin token like all of `/admin` (in `Authorization`; a `callback`
//! run's callback token comes in `X-Bench-Callback-Authorization`).

use super::acs::now_ms;
use super::config::{parse_rules, rules_text, CallbackAuth, Config};
use super::keys::key_set;
use super::respond::{json, EdgeError, EdgeResult};
use crate::routing::call::wire::{command_request, decision_request};
use crate::routing::call::{CallEvent, CallSession, CallSetup};
use crate::routing::incoming::IncomingCall;
use crate::routing::rules::Action;
use callsteer::webhook::JwtVerifier;
use worker::{Env, Request, Response};

/// Runs benchmark `kind` `n` times on the request body (an Event Grid batch for
/// `incoming`, a CloudEvents batch for `callback` with its token in `Authorization`).
///
/// # Errors
/// 404 for an unknown benchmark; errors of the benchmarked code.
pub(crate) async fn handle(mut req: Request, env: &Env, kind: &str) -> EdgeResult<Response> {
    let n: u32 = req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "n")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(100);
    let n = n.clamp(1, 10_000);
    let cfg = Config::from_env(env)?;
    let body = req.text().await?;
    let rules = rules_text(env).await?.text;
    match kind {
        "incoming" => {
            for i in 0..n {
                incoming_once(&cfg, &rules, &body, i)?;
            }
        }
        "callback" | "callback-rust" => {
            let CallbackAuth::Jwt {
                issuer,
                audience,
                jwks_url,
            } = &cfg.callback_auth
            else {
                return Err(EdgeError::bad_request(
                    "callback benchmark needs CALLBACK_AUTH = jwt",
                ));
            };
            // `callback`: the worker's path (WebCrypto for the RSA step, keys/`verify_bearer`);
            // `callback-rust`: the same with the RSA step in wasm, as before — one run
            // measures both (BENCHMARKS.md, "Callback verification").
            let keys = key_set(jwks_url, now_ms(), false).await?;
            let verifier = JwtVerifier::new(audience.clone()).issuer(issuer.clone());
            // The admin token is this request's `Authorization`; the callback token to verify
            // comes in a header of its own.
            let header = req.headers().get("x-bench-callback-authorization")?;
            let token = callsteer::webhook::bearer_token(header.as_deref())
                .map_err(|e| EdgeError::unauthorized(e.to_string()))?;
            for i in 0..n {
                let verified = if kind == "callback" {
                    keys.verify(&verifier, token, now_ms()).await
                } else {
                    verifier.verify(token, keys.jwks(), (now_ms() / 1000) as u64)
                };
                verified.map_err(|e| EdgeError::unauthorized(e.to_string()))?;
                callback_once(&cfg, &rules, &body, i)?;
            }
        }
        // The same event work without the token check: what verification adds is the difference.
        "callback-unverified" => {
            for i in 0..n {
                callback_once(&cfg, &rules, &body, i)?;
            }
        }
        // One flow step decision: a session of the menus scenario waiting in its main menu
        // handles the caller's tone and queues the next menu's command (on a clone of the
        // waiting session; the clone is in the figure, an upper bound).
        "flow-step" => {
            let (waiting, tone) = crate::routing::bench_fixtures::waiting_in_menu()?;
            for i in 0..n {
                let mut s = waiting.clone();
                let mut ev = tone.clone();
                ev.key = format!("{}-{i}", ev.key);
                s.handle_event(&ev);
                if s.outbox().len() != 1 {
                    return Err(EdgeError::new(
                        500,
                        "BenchError",
                        "the step queued no command",
                    ));
                }
            }
        }
        "panic" => panic_now(),
        _ => return Err(EdgeError::not_found("benchmark")),
    }
    Ok(json(&serde_json::json!({ "kind": kind, "n": n }), 200)?)
}

/// Parse the batch, read the IncomingCall, route it, build and sign the answer.
fn incoming_once(cfg: &Config, rules: &str, body: &str, i: u32) -> EdgeResult<()> {
    let batch = callsteer::events::decode_event_grid_events(body.as_bytes())?;
    let data = batch.iter().find_map(|e| match &e.data {
        callsteer::events::EventGridData::IncomingCall(c) => Some(c),
        _ => None,
    });
    let data = data.ok_or_else(|| EdgeError::bad_request("no IncomingCall in the batch"))?;
    let call = IncomingCall::from_event(data, now_ms() / 1000)?;
    let decision = parse_rules(rules)?.route(&call.info);
    let mut req = decision_request(
        &decision.action,
        &call,
        "https://w.example/api/callbacks",
        &format!("e{i}"),
        1,
        &cfg.api_version,
    )?;
    sign(cfg, &mut req);
    Ok(())
}

/// What the worker and the call object do for one event, minus storage and fetch: decode,
/// hand over (serialize + parse), load the session, apply, persist (serialize), build and
/// sign the resulting command.
fn callback_once(cfg: &Config, rules: &str, body: &str, i: u32) -> EdgeResult<()> {
    let batch = callsteer::events::decode_callback_events(body.as_bytes())?;
    let mut events = Vec::with_capacity(batch.len());
    for item in &batch {
        let mut ev = CallEvent::from_callback(item)?;
        ev.key = format!("{}-{i}", ev.key);
        events.push(ev);
    }
    let handed: Vec<CallEvent> = serde_json::from_str(&serde_json::to_string(&events)?)?;
    let flow = match parse_rules(rules)?.rule("ivr").map(|r| r.action.clone()) {
        Some(Action::Answer { flow }) => flow,
        _ => Default::default(),
    };
    let mut session = CallSession::new("bench");
    session.handle_setup(CallSetup {
        rule: Some("ivr".into()),
        revision: None,
        flow,
        caller: "4:+14255550111".into(),
        callee: "4:+18005550100".into(),
        caller_display_name: None,
        incoming_event_id: format!("incoming-{i}"),
        answered_at_ms: 0,
    });
    let stored = serde_json::to_string(&session)?;
    let mut session: CallSession = serde_json::from_str(&stored)?;
    for ev in &handed {
        session.handle_event(ev);
    }
    let _persisted = serde_json::to_string(&session)?;
    for cmd in session.outbox() {
        let mut req = command_request(cmd, "bench", Some("+18005550100"), &cfg.api_version)?;
        sign(cfg, &mut req);
    }
    Ok(())
}

/// Proves that a panic cannot hang a request (tests/edge/security.test.mjs): the wasm traps,
/// worker-build's shim marks the instance for reset, the runtime answers 500.
#[allow(clippy::panic)]
fn panic_now() -> ! {
    panic!("deliberate panic from the benchmark route")
}

/// Signs as the worker does (the core's `sign_for_endpoint`: the endpoint's authority and base
/// path, what is sent).
fn sign(cfg: &Config, req: &mut callsteer::http::Request) {
    if let Some(key) = &cfg.access_key {
        callsteer::auth::sign_for_endpoint(req, key, &cfg.acs, (now_ms() / 1000) as u64);
    }
}
