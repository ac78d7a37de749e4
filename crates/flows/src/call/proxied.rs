//! Requests the admin page sent through the worker's `/acs/…` proxy, seen by the call.
//!
//! The page's Call control panel runs the npm package in the browser; its requests reach
//! Call Automation through the proxy, not through this session's outbox. The proxy reports
//! each one it forwarded for a call connection ([`Proxied`]), and the session puts it on the
//! timeline as a command, so the sequence diagram shows it and its callback event settles it
//! like one of the worker's own commands (`settles` / `settledBy` / `outcome`). Which events
//! settle it is the core's operation table (`callsteer::api::routes::OperationId::kinds`),
//! not a rule of this crate.

use super::timeline::{Outcome, Source, TimelineEntry};
use super::{CallSession, PendingOperation};
use callsteer::api::routes::{OperationId, Route};
use callsteer::events::Outcome as CoreOutcome;
use callsteer::http::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One request the proxy forwarded for a call connection, and the service's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Proxied {
    /// The spec's operationId (`CallConnection_AddParticipant`).
    pub operation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_context: Option<String>,
    /// The participant the request is about, as a raw id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// The service's HTTP status.
    pub status: u16,
    /// Unix ms when the proxy sent the request.
    pub at_ms: i64,
}

/// The body fields that name the participant a request is about, in the order looked at.
const PARTY_FIELDS: [&str; 5] = [
    "participantToAdd",
    "participantToRemove",
    "targetParticipant",
    "targetParticipants",
    "playTo",
];

impl Proxied {
    /// What the proxy reports to call `id`'s session about a request it forwarded: for an
    /// operation on one call connection that changes something (not a `GET`), its
    /// operationContext and participant (raw id) from the JSON `body`, and the service's
    /// `status`; `None` for other requests (reads, recordings, calls not yet connected).
    pub fn of_request(
        route: &Route,
        body: &[u8],
        status: u16,
        at_ms: i64,
    ) -> Option<(String, Proxied)> {
        let on_call = route
            .op
            .template()
            .starts_with("/calling/callConnections/{callConnectionId}");
        if !on_call || route.method == Method::Get {
            return None;
        }
        let id = route.id.clone()?;
        let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        let party = PARTY_FIELDS.iter().find_map(|f| {
            let v = json.get(f)?;
            let one = v.as_array().map_or(Some(v), |a| a.first())?;
            text(one.get("rawId"))
        });
        let proxied = Proxied {
            operation: route.op.as_str().to_owned(),
            operation_context: text(json.get("operationContext")),
            party,
            status,
            at_ms,
        };
        Some((id, proxied))
    }
}

/// `CallConnection_AddParticipant` → `addParticipant`, `CallMedia_Play` → `play`: the
/// package's method names, as the timeline names the worker's own commands.
fn command_name(op: OperationId) -> String {
    let tail = op.as_str().rsplit('_').next().unwrap_or(op.as_str());
    let mut chars = tail.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_lowercase().to_string() + chars.as_str()
    })
}

/// True when an event settles `op` by its success (the core's table): the page then waits for
/// it. Operations without a success event (mute, hold, unhold, hang-up, recording control)
/// are done when the service accepts them.
fn awaits_event(op: OperationId) -> bool {
    !op.kinds(CoreOutcome::Succeeded).is_empty()
}

/// What event `kind` means for the pending operation `p`, by the core's operation table
/// (sessions stored before commands recorded their operation: by the kind alone, as
/// [`Outcome::of_event`] reads the same table).
pub(super) fn settling_outcome(p: &PendingOperation, kind: &str) -> Option<Outcome> {
    let Some(op) = p.operation.as_deref().and_then(OperationId::from_id) else {
        return Outcome::of_event(kind);
    };
    [
        CoreOutcome::Succeeded,
        CoreOutcome::Failed,
        CoreOutcome::Canceled,
    ]
    .into_iter()
    .find(|o| op.kinds(*o).contains(&kind))
    .and_then(Outcome::from_core)
}

/// The call connection a request through the proxy brought into being: `CreateCall`,
/// `AnswerCall` or `Connect` that the service accepted, with the id its answer names (read by the
/// core's model of the answer). The worker then keeps the call ([`CallSession::handle_created`]),
/// so its callback events are taken; a callback for a call the worker never answered, created,
/// connected or proxied is not.
pub fn created_call(route: &Route, status: u16, answer: &[u8]) -> Option<String> {
    let creates = matches!(
        route.op,
        OperationId::CreateCall | OperationId::AnswerCall | OperationId::Connect
    );
    if !creates || !(200..300).contains(&status) {
        return None;
    }
    serde_json::from_slice::<callsteer::models::CallConnectionProperties>(answer)
        .ok()?
        .call_connection_id
        .filter(|id| !id.is_empty())
}

impl CallSession {
    /// Records that the admin page brought this call into being through the proxy (`operation`,
    /// the spec's operationId) at `at_ms`. Idempotent: a call already set up or created is not
    /// changed (returns false).
    pub fn handle_created(&mut self, operation: &str, at_ms: i64) -> bool {
        if self.created_at_ms.is_some() || self.setup.is_some() {
            return false;
        }
        self.created_at_ms = Some(at_ms);
        self.push(TimelineEntry::new(
            at_ms,
            Source::Setup,
            operation,
            "through the admin page's Call control".to_owned(),
        ));
        true
    }

    /// Puts a request forwarded by the `/acs/…` proxy on the timeline as a command: refused
    /// by the service → failed; accepted and settled by an event with its operationContext →
    /// waiting for that event (one that arrived before this report settles it at once);
    /// otherwise the acceptance is its outcome. An unknown operation is ignored.
    pub fn handle_proxied(&mut self, p: Proxied) {
        let Some(op) = OperationId::from_id(&p.operation) else {
            return;
        };
        let accepted = (200..300).contains(&p.status);
        let ctx = p.operation_context.filter(|c| !c.is_empty());
        let awaited = ctx.clone().filter(|_| accepted && awaits_event(op));
        let outcome = match (accepted, &awaited) {
            (false, _) => Some(Outcome::Failed),
            (true, Some(_)) => None,
            (true, None) => Some(Outcome::Succeeded),
        };
        let name = command_name(op);
        let seq = self.push(TimelineEntry {
            operation_context: ctx.clone(),
            status: Some(format!("sent by the admin page: {}", p.status)),
            party: p.party.clone(),
            outcome,
            ..TimelineEntry::new(p.at_ms, Source::Command, &name, op.as_str().to_owned())
        });
        let Some(ctx) = awaited else {
            return;
        };
        let pending = PendingOperation {
            command: name,
            command_id: format!("acs:{ctx}"),
            issued_at_ms: p.at_ms,
            seq,
            party: p.party,
            operation: Some(op.as_str().to_owned()),
        };
        if !self.settle_early(&pending, &ctx) {
            self.pending.insert(ctx, pending);
        }
    }

    /// An event that settles `pending` and arrived before the proxy's report (the service may
    /// call back before it answers): pairs them now. True when it found one.
    fn settle_early(&mut self, pending: &PendingOperation, ctx: &str) -> bool {
        let found = self.timeline.iter().find_map(|e| {
            let mine = e.source == Source::Event
                && e.settles.is_none()
                && e.operation_context.as_deref() == Some(ctx);
            mine.then(|| settling_outcome(pending, &e.kind).map(|o| (e.seq, o)))
                .flatten()
        });
        let Some((event, outcome)) = found else {
            return false;
        };
        let rev = self.bump();
        for e in &mut self.timeline {
            if e.seq == event {
                e.settles = Some(pending.seq);
                e.party = e.party.take().or_else(|| pending.party.clone());
                e.rev = rev;
            } else if e.seq == pending.seq {
                e.settled_by = Some(event);
                e.outcome = Some(outcome);
                e.rev = rev;
            }
        }
        true
    }
}
