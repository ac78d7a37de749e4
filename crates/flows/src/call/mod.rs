//! The state of one answered call, as a sans-IO state machine.
//!
//! The edge worker keeps one [`CallSession`] per call connection in a Durable Object and
//! persists it after every input. Inputs are [`CallSession::handle_setup`] (the routing
//! decision, sent once the answer succeeded), [`CallSession::handle_event`] (a callback
//! event), [`CallSession::handle_admin`] (an admin API action) and
//! [`CallSession::handle_proxied`] (a request the admin page sent through the `/acs/…`
//! proxy, put on the timeline only). Outputs are the commands in [`CallSession::outbox`]; the worker sends them and reports back with
//! [`CallSession::handle_sent`]. Beside the session, the object keeps the call's applied
//! callback events for the admin page's event processor ([`callback_log`], capped).
//!
//! Guarantees, all order-independent:
//! * each event is applied once, by the core's dedup key (source, type, id): re-deliveries are
//!   counted in `duplicates` and dropped, while two events that share an id but not a type
//!   are both applied;
//! * the timeline is sorted by event time, so a late delivery lands where it happened;
//! * call status is derived from facts (connected / transferred / disconnected seen), and
//!   participants only move forward in `sequenceNumber`;
//! * every command's id, and so its repeatability id, is derived from the dedup key of the
//!   event that triggered it: a re-delivered webhook cannot produce a second command.

pub mod callback_log;
pub mod command;
mod driver;
pub mod event;
pub mod flow_run;
pub mod index;
pub mod live;
pub mod proxied;
pub mod store;
pub mod timeline;
pub mod wire;

use crate::flow::{check_target, Flow, Prompt};
use callsteer::Error;
use command::{Command, CommandKind};
pub use event::CallEvent;
pub use flow_run::{End, FlowRun, Wait};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use timeline::{insert_ordered, Outcome, Participant, Source, TimelineEntry};

/// What the worker knew when it answered the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallSetup {
    /// Matching rule, `None` for the default action.
    pub rule: Option<String>,
    /// The revision of the rules that answered the call: the call keeps its flow when the
    /// rules change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// The flow, copied from the rules when the call was answered (a version 1 flow stored by
    /// an older worker is read as its graph).
    #[serde(deserialize_with = "crate::flow::deserialize_stored")]
    pub flow: Flow,
    /// The caller's raw id (the menu listens to this participant).
    pub caller: String,
    pub callee: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_display_name: Option<String>,
    /// Id of the IncomingCall event (seeds commands triggered by the setup itself).
    pub incoming_event_id: String,
    /// Unix ms when the answer was accepted.
    pub answered_at_ms: i64,
}

/// The prefix of a revision that is a draft answering a test caller: `draft:<name>@<etag>`.
pub const DRAFT_REVISION_PREFIX: &str = "draft:";

impl CallSetup {
    /// The draft that answered the call (its caller was one of the draft's test callers), read
    /// from the revision `draft:<name>@<etag>`.
    pub fn draft(&self) -> Option<&str> {
        let rest = self
            .revision
            .as_deref()?
            .strip_prefix(DRAFT_REVISION_PREFIX)?;
        Some(rest.rsplit_once('@').map_or(rest, |(name, _)| name))
    }
}

/// A command sent and awaiting its completion event, keyed by operationContext.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingOperation {
    pub command: String,
    pub command_id: String,
    pub issued_at_ms: i64,
    /// The command's timeline `seq` (what the settling event points at; 0 in older sessions).
    #[serde(default)]
    pub seq: u64,
    /// The command's target, as a raw id (the party of the event that settles it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// The spec's operationId (the worker's command or the request the admin page sent
    /// through the `/acs/…` proxy): its settling events are the core's table's, see
    /// [`proxied`]. `None` in sessions stored before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
}

/// An admin API action on a live call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "action", deny_unknown_fields)]
pub enum AdminAction {
    AddParticipant { target: String },
    RemoveParticipant { target: String },
    Transfer { target: String },
    Mute { target: String },
    HangUp {},
    Play { prompt: Prompt },
    Record {},
}

/// The per-call state machine. Serialize it to persist it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallSession {
    pub call_connection_id: String,
    pub setup: Option<CallSetup>,
    pub server_call_id: Option<String>,
    pub connected: bool,
    pub transferred: bool,
    pub disconnected: bool,
    /// Where the call is in its flow.
    #[serde(default)]
    pub flow: FlowRun,
    pub participants: Vec<Participant>,
    participants_seq: Option<i64>,
    pub pending: BTreeMap<String, PendingOperation>,
    /// The newest [`TIMELINE_CAP`] entries, in time order. Stored as rows of their own
    /// ([`store`]), not in the state row.
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    /// Re-delivered events dropped so far.
    pub duplicates: u32,
    /// Event time (Unix ms) of the first `CallDisconnected`: when this worker's leg ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at_ms: Option<i64>,
    /// Unix ms when the call became this worker's: answered (its setup) or created through the
    /// admin page ([`CallSession::handle_created`]). `None` in sessions stored before it was
    /// kept, and for a call not set up yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at_ms: Option<i64>,
    /// Change counter of the timeline (each entry's `rev` is a value of it).
    #[serde(default)]
    revision: u64,
    /// Dedup keys of the events applied through [`CallSession::handle_event`] (a simulated or
    /// replayed call). Never stored: a stored call's dedup keys are rows of its store
    /// ([`store::CallRecord`]), which applies events with [`CallSession::apply_event`].
    #[serde(skip)]
    seen: BTreeSet<String>,
    #[serde(default)]
    outbox: Vec<Command>,
    /// Timeline entries ever added: the newest entry's `seq`. The timeline keeps the newest
    /// [`TIMELINE_CAP`]; `arrivals - timeline.len()` were dropped.
    #[serde(default)]
    arrivals: u64,
}

/// The most timeline entries a call keeps, the oldest (by `seq`) dropped first. The diagram of
/// a call needs its recent history; 1,000 entries is hours of a busy call (a menu round is 4–6),
/// and the view streamed to the admin page stays under ~300 KB.
pub const TIMELINE_CAP: usize = 1000;

/// The admin API's request body, read field by field so a refusal names its field
/// (serde cannot say which field of an internally tagged enum broke).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AdminActionBody {
    action: String,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    prompt: Option<Prompt>,
}

impl AdminAction {
    /// Reads an admin API request body (`{"action": "transfer", "target": "+1…"}`, …).
    ///
    /// # Errors
    /// [`Error::Decode`] for a body that is not JSON; [`Error::InvalidInput`] naming the field:
    /// one of the wrong type (`target`, `prompt.text`), missing or not used by the action, an
    /// unknown `action`, or an unknown key (`document`).
    pub fn from_json(body: &str) -> Result<AdminAction, Error> {
        let value: serde_json::Value =
            serde_json::from_str(body).map_err(|e| Error::decode("admin action", e.to_string()))?;
        let b: AdminActionBody = crate::decode_at(value, "")?;
        let takes_target = matches!(
            b.action.as_str(),
            "addParticipant" | "removeParticipant" | "transfer" | "mute"
        );
        if !takes_target && b.target.is_some() {
            return Err(Error::invalid(
                "target",
                format!("is not used by {}", b.action),
            ));
        }
        if b.action != "play" && b.prompt.is_some() {
            return Err(Error::invalid(
                "prompt",
                format!("is not used by {}", b.action),
            ));
        }
        let target = || {
            b.target
                .clone()
                .ok_or_else(|| Error::invalid("target", format!("is required by {}", b.action)))
        };
        Ok(match b.action.as_str() {
            "addParticipant" => AdminAction::AddParticipant { target: target()? },
            "removeParticipant" => AdminAction::RemoveParticipant { target: target()? },
            "transfer" => AdminAction::Transfer { target: target()? },
            "mute" => AdminAction::Mute { target: target()? },
            "hangUp" => AdminAction::HangUp {},
            "record" => AdminAction::Record {},
            "play" => AdminAction::Play {
                prompt: b
                    .prompt
                    .ok_or_else(|| Error::invalid("prompt", "is required by play"))?,
            },
            other => {
                return Err(Error::invalid(
                    "action",
                    format!(
                        "unknown action {other:?}: one of addParticipant, removeParticipant, \
                         transfer, mute, hangUp, play, record"
                    ),
                ))
            }
        })
    }
}

/// What handling one event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Already seen: nothing changed except the duplicate counter.
    Duplicate,
    /// Applied; this many new commands were queued.
    Applied { commands: usize },
}

impl CallSession {
    /// A fresh session for `call_connection_id`.
    pub fn new(call_connection_id: impl Into<String>) -> Self {
        CallSession {
            call_connection_id: call_connection_id.into(),
            ..Default::default()
        }
    }

    /// `ringing`…: `transferred`, `disconnected`, `connected` or `answered`, from facts seen.
    pub fn status(&self) -> &'static str {
        match (self.transferred, self.disconnected, self.connected) {
            (true, _, _) => "transferred",
            (_, true, _) => "disconnected",
            (_, _, true) => "connected",
            _ => "answered",
        }
    }

    /// Unix ms when the call became this worker's (answered or created); for a session stored
    /// before that was kept, its answer time or its first timeline entry's.
    pub fn started_at_ms(&self) -> Option<i64> {
        self.created_at_ms
            .or_else(|| self.setup.as_ref().map(|s| s.answered_at_ms))
            .or_else(|| self.timeline.iter().map(|e| e.at_ms).min())
    }

    /// True once the call is this worker's: answered by its rules or created through the admin
    /// page. Only such a call's callback events are taken.
    pub fn is_known(&self) -> bool {
        self.setup.is_some() || self.created_at_ms.is_some()
    }

    /// Commands queued and not yet reported sent.
    pub fn outbox(&self) -> &[Command] {
        &self.outbox
    }

    /// Records the routing decision. Idempotent: a second setup is ignored (returns false).
    pub fn handle_setup(&mut self, setup: CallSetup) -> bool {
        if self.setup.is_some() {
            return false;
        }
        let by = match &setup.rule {
            Some(rule) => format!("rule {rule}"),
            None => "default".to_owned(),
        };
        let of_draft = setup
            .draft()
            .map(|d| format!(" of draft {d} (a test caller)"))
            .unwrap_or_default();
        let detail = format!(
            "answered by {by}{of_draft}: {} → {}",
            setup.caller, setup.callee
        );
        let (at_ms, trigger) = (setup.answered_at_ms, setup.incoming_event_id.clone());
        self.created_at_ms.get_or_insert(at_ms);
        self.push(TimelineEntry {
            id: Some(trigger.clone()),
            party: Some(setup.caller.clone()),
            ..TimelineEntry::new(at_ms, Source::Setup, "IncomingCall", detail)
        });
        self.setup = Some(setup);
        self.drive(&trigger, at_ms);
        true
    }

    /// Applies one callback event, once per dedup key (the keys are kept in memory: the
    /// simulator's and a replay's dedup; a stored call's are rows, see [`store::CallRecord`]).
    pub fn handle_event(&mut self, ev: &CallEvent) -> Handled {
        if !self.seen.insert(ev.key.clone()) {
            self.note_duplicate();
            return Handled::Duplicate;
        }
        Handled::Applied {
            commands: self.apply_event(ev),
        }
    }

    /// Counts a re-delivered event that was dropped.
    pub fn note_duplicate(&mut self) {
        self.duplicates += 1;
    }

    /// Applies one callback event whose dedup key the caller checked; returns how many commands
    /// it queued.
    pub fn apply_event(&mut self, ev: &CallEvent) -> usize {
        let before = self.outbox.len();
        let pending = ev
            .operation_context
            .as_ref()
            .and_then(|ctx| self.pending.get(ctx))
            .cloned();
        let settling = pending
            .as_ref()
            .filter(|p| p.seq > 0)
            .and_then(|p| proxied::settling_outcome(p, &ev.kind).map(|o| (p.seq, o)));
        // An event paired with no command: a failure kind reports a failure whatever it ended;
        // a success kind (CallConnected, CallDisconnected, PlayCompleted) says nothing about a
        // command this session knows, so it is no outcome on the diagram.
        let outcome = settling
            .map(|(_, o)| o)
            .or_else(|| Outcome::of_event(&ev.kind).filter(|o| *o == Outcome::Failed));
        let settles = settling.map(|(seq, _)| seq);
        let (joined, left) = self.roster_change(ev);
        let seq = self.push(TimelineEntry {
            id: Some(ev.id.clone()),
            operation_context: ev.operation_context.clone(),
            party: ev.party.clone().or_else(|| pending.and_then(|p| p.party)),
            settles,
            outcome,
            joined,
            left,
            ..TimelineEntry::new(ev.time_ms, Source::Event, &ev.kind, driver::describe(ev))
        });
        if let (Some(command), Some(outcome)) = (settles, outcome) {
            let rev = self.bump();
            if let Some(entry) = self.timeline.iter_mut().find(|e| e.seq == command) {
                entry.settled_by = Some(seq);
                entry.outcome = Some(outcome);
                entry.rev = rev;
            }
        }
        self.apply(ev);
        self.drive(&ev.key, ev.time_ms);
        self.outbox.len() - before
    }

    /// Queues the command for an admin action; `request_id` must be unique per admin
    /// request (it seeds the repeatability id). Repeating a request id queues nothing new.
    ///
    /// # Errors
    /// [`Error::InvalidInput`]: `call` when the call is not live, `target` for a bad target,
    /// `prompt.…` for a bad prompt, `action` for recording without a server call id.
    pub fn handle_admin(
        &mut self,
        action: AdminAction,
        request_id: &str,
        now_ms: i64,
    ) -> Result<Command, Error> {
        if !self.connected || self.disconnected || self.transferred {
            return Err(Error::invalid(
                "call",
                format!("call is {}, not connected", self.status()),
            ));
        }
        let target_ok = |t: &str| check_target(t).map_err(|r| Error::invalid("target", r));
        let kind = match action {
            AdminAction::AddParticipant { target } => {
                target_ok(&target).map(|_| CommandKind::AddParticipant {
                    target,
                    timeout_seconds: None,
                })?
            }
            AdminAction::RemoveParticipant { target } => {
                target_ok(&target).map(|_| CommandKind::RemoveParticipant { target })?
            }
            AdminAction::Transfer { target } => {
                target_ok(&target).map(|_| CommandKind::TransferToParticipant { target })?
            }
            AdminAction::Mute { target } => {
                target_ok(&target).map(|_| CommandKind::Mute { target })?
            }
            AdminAction::HangUp {} => CommandKind::HangUp { for_everyone: true },
            AdminAction::Play { prompt } => {
                prompt
                    .check()
                    .map_err(|(f, r)| Error::invalid(format!("prompt.{f}"), r))?;
                CommandKind::Play {
                    prompts: vec![prompt],
                }
            }
            AdminAction::Record {} => {
                let id = self.server_call_id.clone().ok_or_else(|| {
                    Error::invalid(
                        "action",
                        "recording needs the server call id (not seen in any event yet)",
                    )
                })?;
                CommandKind::StartRecording { server_call_id: id }
            }
        };
        let ctx = format!("admin-{}-{request_id}", kind.name());
        Ok(self.emit(&format!("admin:{request_id}"), now_ms, kind, Some(ctx)))
    }

    /// Reports the result of sending command `id`: removes it from the outbox and marks
    /// its timeline entry (a refusal is its outcome; so is the acceptance of a command no
    /// event completes). A failed command will never complete, so its pending entry goes.
    pub fn handle_sent(&mut self, id: &str, result: Result<(), String>) {
        let Some(pos) = self.outbox.iter().position(|c| c.id == id) else {
            return;
        };
        let cmd = self.outbox.remove(pos);
        let (status, outcome) = match &result {
            Err(reason) => (format!("failed: {reason}"), Some(Outcome::Failed)),
            Ok(())
                if cmd.operation_context.is_some() && driver::completes_with_event(&cmd.kind) =>
            {
                ("sent".to_owned(), None)
            }
            Ok(()) => ("sent".to_owned(), Some(Outcome::Succeeded)),
        };
        let rev = self.bump();
        let at_ms = self.command_entry(id).map_or(0, |e| e.at_ms);
        if let Some(entry) = self.command_entry(id) {
            entry.status = Some(status);
            // An event may have settled it before the send returned (events before response).
            if entry.outcome.is_none() {
                entry.outcome = outcome;
            }
            entry.rev = rev;
        }
        if let (Err(reason), Some(ctx)) = (&result, &cmd.operation_context) {
            self.pending.remove(ctx);
            // The step that sent it takes its failure path (a refused transfer is a failed one).
            self.flow_refused(ctx, reason, &format!("refused:{id}"), at_ms);
        }
    }

    /// Reports a failed attempt that will be retried: the command stays queued and its
    /// timeline entry says why (so operators, and tests, can see a retry in progress).
    pub fn handle_retry(&mut self, id: &str, attempt: u32, reason: &str) {
        let rev = self.bump();
        if let Some(entry) = self.command_entry(id) {
            entry.status = Some(format!("retrying after attempt {attempt}: {reason}"));
            entry.retries = attempt;
            entry.rev = rev;
        }
    }

    /// The timeline's change counter: the highest `rev` of any entry.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    fn bump(&mut self) -> u64 {
        self.revision += 1;
        self.revision
    }

    fn command_entry(&mut self, id: &str) -> Option<&mut TimelineEntry> {
        self.timeline
            .iter_mut()
            .find(|e| e.source == Source::Command && e.id.as_deref() == Some(id))
    }

    /// Adds `entry` in time order with the next `seq` and revision; returns its `seq`. Past
    /// [`TIMELINE_CAP`], the oldest entry goes: the one numbered `seq - TIMELINE_CAP`, so the
    /// timeline always holds the newest `seq`s ([`CallSession::timeline_dropped`]).
    fn push(&mut self, entry: TimelineEntry) -> u64 {
        self.arrivals += 1;
        let seq = self.arrivals;
        let rev = self.bump();
        insert_ordered(&mut self.timeline, TimelineEntry { seq, rev, ..entry });
        self.trim_timeline();
        seq
    }

    /// Keeps the newest [`TIMELINE_CAP`] timeline entries (by `seq`).
    fn trim_timeline(&mut self) {
        if self.timeline.len() <= TIMELINE_CAP {
            return;
        }
        let mut seqs: Vec<u64> = self.timeline.iter().map(|e| e.seq).collect();
        seqs.sort_unstable();
        let keep_from = seqs[seqs.len() - TIMELINE_CAP];
        self.timeline.retain(|e| e.seq >= keep_from);
    }

    /// How many of the oldest timeline entries were dropped for [`TIMELINE_CAP`]: those
    /// numbered up to this.
    pub fn timeline_dropped(&self) -> u64 {
        self.arrivals.saturating_sub(self.timeline.len() as u64)
    }

    /// Queues a command triggered by `trigger` (an event id, or `admin:<request>`). Its id is
    /// `<trigger>/<name>`, or `<trigger>/<name>/<ctx>` for a second command of the same name from
    /// the same trigger (a ring's invitations): the same history gives the same ids.
    fn emit(
        &mut self,
        trigger: &str,
        at_ms: i64,
        kind: CommandKind,
        ctx: Option<String>,
    ) -> Command {
        let name = kind.name();
        let mut id = format!("{trigger}/{name}");
        let taken = self.timeline.iter().any(|e| {
            e.source == Source::Command
                && e.id.as_deref() == Some(id.as_str())
                && e.operation_context != ctx
        });
        if let (true, Some(c)) = (taken, &ctx) {
            id = format!("{id}/{c}");
        }
        let cmd = Command {
            id,
            kind,
            operation_context: ctx.clone(),
            first_sent: u64::try_from(at_ms / 1000).unwrap_or(0),
        };
        // The same trigger never queues the same command twice (an admin request repeated
        // with its Idempotency-Key, a setup replayed after a crash).
        if self
            .timeline
            .iter()
            .any(|e| e.source == Source::Command && e.id.as_deref() == Some(cmd.id.as_str()))
        {
            return cmd;
        }
        let party = cmd.kind.party();
        let step = self
            .flow
            .step
            .clone()
            .filter(|_| !trigger.starts_with("admin:"));
        let seq = self.push(TimelineEntry {
            id: Some(cmd.id.clone()),
            operation_context: ctx.clone(),
            status: Some("queued".into()),
            party: party.clone(),
            operation: cmd.kind.operation().map(|o| o.as_str().to_owned()),
            step,
            ..TimelineEntry::new(
                at_ms,
                Source::Command,
                name,
                driver::describe_command(&cmd.kind),
            )
        });
        if let Some(ctx) = &ctx {
            if driver::completes_with_event(&cmd.kind) {
                let op = PendingOperation {
                    command: name.to_owned(),
                    command_id: cmd.id.clone(),
                    issued_at_ms: at_ms,
                    seq,
                    party,
                    operation: cmd.kind.operation().map(|o| o.as_str().to_owned()),
                };
                self.pending.insert(ctx.clone(), op);
            }
        }
        self.outbox.push(cmd.clone());
        cmd
    }
}
