//! The sans-IO simulation of the Call Automation service.
//!
//! [`Simulation`] holds every call, participant, invitation, media operation and
//! recording. It reads no clock and touches no socket: each input carries `now_ms`
//! (Unix milliseconds), and its effects come out as [`Output`]s (events to deliver)
//! drained with [`Simulation::poll_output`]. Work that happens later (a phone that
//! answers after 2 s, a prompt that ends, a silence timeout) is a timer: ask
//! [`Simulation::poll_timeout`] for the next deadline and call
//! [`Simulation::handle_timeout`] when it has passed.
//!
//! ```text
//! loop { sim.handle_*(input, now) → Reply; while let Some(o) = sim.poll_output() { deliver(o) }
//!        sleep_until(sim.poll_timeout()); sim.handle_timeout(now) }
//! ```

mod calls;
pub mod control;
mod dtmf;
mod legs;
mod media;
mod model;
mod participants;
mod recording;
mod requests;
mod streams;

pub use model::{CallState, Request};

use super::error::ApiError;
use super::events::{self, CallRef, ResultInfo};
use model::{Call, Incoming, Leg, Recording, Room, ServerCall, Timer};
use rand::{rngs::StdRng, RngCore, SeedableRng};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, VecDeque};

/// What the simulation wants sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// A Call Automation CloudEvent for `uri` (one event per POST, in a JSON array).
    Callback { uri: String, event: Value },
    /// An `IncomingCall` Event Grid event for every validated subscription.
    IncomingCall { event: Value },
}

/// A successful answer to an API request: status and optional JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Option<Value>,
}

impl Reply {
    fn json(status: u16, mut body: Value) -> Self {
        events::strip_nulls(&mut body);
        Reply {
            status,
            body: Some(body),
        }
    }
    fn empty(status: u16) -> Self {
        Reply { status, body: None }
    }
}

/// The emulated service state. `Debug` shows counts only: incoming call contexts are secrets.
pub struct Simulation {
    rng: StdRng,
    resource_id: String,
    calls: BTreeMap<String, Call>,
    servers: BTreeMap<String, ServerCall>,
    incoming: BTreeMap<String, Incoming>,
    legs: BTreeMap<String, Leg>,
    rooms: BTreeMap<String, Room>,
    recordings: BTreeMap<String, Recording>,
    /// `group:<id>` / `room:<id>` → server call id.
    locators: BTreeMap<String, String>,
    timers: BTreeMap<(u64, u64), Timer>,
    timer_seq: u64,
    outbox: VecDeque<Output>,
}

impl core::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Simulation")
            .field("calls", &self.calls.len())
            .field("incoming", &self.incoming.len())
            .field("pending_invitations", &self.legs.len())
            .field("recordings", &self.recordings.len())
            .field("timers", &self.timers.len())
            .finish_non_exhaustive()
    }
}

impl Simulation {
    /// A fresh service for `resource_id`; `seed` makes every generated id reproducible.
    pub fn new(resource_id: &str, seed: u64) -> Self {
        Simulation {
            rng: StdRng::seed_from_u64(seed),
            resource_id: resource_id.to_owned(),
            calls: BTreeMap::new(),
            servers: BTreeMap::new(),
            incoming: BTreeMap::new(),
            legs: BTreeMap::new(),
            rooms: BTreeMap::new(),
            recordings: BTreeMap::new(),
            locators: BTreeMap::new(),
            timers: BTreeMap::new(),
            timer_seq: 0,
            outbox: VecDeque::new(),
        }
    }

    /// The next event to deliver, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outbox.pop_front()
    }

    /// The earliest pending timer deadline (Unix ms).
    pub fn poll_timeout(&self) -> Option<u64> {
        self.timers.keys().next().map(|(at, _)| *at)
    }

    /// Fires every timer due at or before `now_ms`, in deadline order.
    pub fn handle_timeout(&mut self, now_ms: u64) {
        while let Some((&key, _)) = self.timers.iter().next() {
            if key.0 > now_ms {
                break;
            }
            if let Some(timer) = self.timers.remove(&key) {
                // A timer runs at its own deadline so event times stay exact.
                self.fire(timer, key.0);
            }
        }
    }

    fn fire(&mut self, timer: Timer, now: u64) {
        match timer {
            Timer::Leg { leg_id } => self.leg_outcome(&leg_id, now),
            Timer::Connect { call_id } => self.connect_now(&call_id, now),
            Timer::LegTimeout { leg_id } => self.leg_timed_out(&leg_id, now),
            Timer::Media {
                call_id,
                op_id,
                what,
            } => self.media_timer(&call_id, op_id, what, now),
            Timer::SendDtmfDone {
                call_id,
                context,
                uri,
            } => self.send_dtmf_done(&call_id, context, uri, now),
        }
    }

    fn schedule(&mut self, at: u64, timer: Timer) {
        self.timer_seq += 1;
        self.timers.insert((at, self.timer_seq), timer);
    }

    fn new_uuid(&mut self) -> String {
        let mut b = [0u8; 16];
        self.rng.fill_bytes(&mut b);
        callsteer::http::uuid_v4_from_bytes(b)
    }

    fn random_token(&mut self, len: usize) -> String {
        use base64::Engine as _;
        let mut b = vec![0u8; len];
        self.rng.fill_bytes(&mut b);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    }

    fn call(&self, id: &str) -> Result<&Call, ApiError> {
        self.calls
            .get(id)
            .ok_or_else(|| ApiError::not_found(format!("Call connection {id} was not found.")))
    }

    /// A live (not disconnected) call connection, else 404 like the service.
    fn live_call(&self, id: &str) -> Result<&Call, ApiError> {
        let call = self.call(id)?;
        if call.state == CallState::Disconnected {
            return Err(ApiError::not_found(format!(
                "Call connection {id} has ended."
            )));
        }
        Ok(call)
    }

    /// Emits event `kind` about call `call_id` to `uri` (or the call's callback URI).
    fn emit(
        &mut self,
        call_id: &str,
        to: To<'_>,
        kind: &str,
        result: Option<&ResultInfo>,
        fields: Map<String, Value>,
        now: u64,
    ) {
        let (uri, ctx) = (to.uri, to.ctx);
        let id = self.new_uuid();
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        let call_ref = CallRef {
            call_connection_id: &call.id,
            server_call_id: &call.server_call_id,
            correlation_id: &call.correlation_id,
        };
        let event = events::cloud_event(
            kind,
            call_ref,
            ctx,
            result,
            fields,
            &id,
            &events::event_time(now),
        );
        call.event_log.push(event.clone());
        let uri = uri.unwrap_or(&call.callback_uri).to_owned();
        self.outbox.push_back(Output::Callback { uri, event });
    }
}

/// Where an event goes and the `operationContext` it echoes.
#[derive(Debug, Clone, Copy, Default)]
struct To<'a> {
    /// `operationCallbackUri` override; `None` → the call's callback URI.
    uri: Option<&'a str>,
    ctx: Option<&'a str>,
}

impl<'a> To<'a> {
    fn new(uri: Option<&'a str>, ctx: Option<&'a str>) -> Self {
        To { uri, ctx }
    }
}

/// Builds a `Map` from `(key, value)` pairs.
fn fields<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

#[cfg(test)]
mod tests;
