//! Replay: a call that really happened, as a simulation's call and script.

use super::{ScriptEntry, TargetOutcome};
use crate::call::event::{CallEvent, Collected};
use crate::call::CallSession;
use crate::dry_run::DryRunRequest;

/// A call that really happened, as a simulation's call and script (replay): its setup's
/// caller, callee and time, and — from its applied callback events (`events`, in order) and
/// the app's recorded answers — what the caller pressed or said, what each target did, and
/// what the app answered. Run it against another revision with [`super::simulate`] to see what that
/// revision would have done on this call.
///
/// A step's input that the events do not show (the call ended first) is not in the script:
/// the simulation then hears silence, as the service model does when a script runs out.
pub fn replay_script(
    session: &CallSession,
    events: &[CallEvent],
) -> Option<(DryRunRequest, Vec<ScriptEntry>)> {
    use crate::call::event::Kind;
    let setup = session.setup.as_ref()?;
    let phone = |raw: &str| raw.strip_prefix("4:").unwrap_or(raw).to_owned();
    let call = DryRunRequest {
        from: phone(&setup.caller),
        to: phone(&setup.callee),
        caller_display_name: setup.caller_display_name.clone(),
        at: Some(callsteer::time::rfc3339(
            u64::try_from(setup.answered_at_ms / 1000).unwrap_or(0),
        )),
        ..DryRunRequest::default()
    };
    let party_of = |ctx: &Option<String>| {
        session
            .timeline
            .iter()
            .find(|e| {
                e.source == crate::call::timeline::Source::Command && &e.operation_context == ctx
            })
            .and_then(|e| e.party.clone())
    };
    let mut script = Vec::new();
    let mut answers = session.flow.answers.iter();
    for ev in events {
        let target = |outcome| {
            ev.party
                .clone()
                .or_else(|| party_of(&ev.operation_context))
                .map(|t| ScriptEntry::Target {
                    target: t.strip_prefix("4:").unwrap_or(&t).to_owned(),
                    outcome,
                })
        };
        let entry = match ev.typed() {
            Kind::RecognizeCompleted => match &ev.collected {
                Some(Collected::Dtmf(d)) => Some(ScriptEntry::Tones { tones: d.clone() }),
                Some(Collected::Speech(s) | Collected::Choice(s)) => {
                    Some(ScriptEntry::Speech { speech: s.clone() })
                }
                None => Some(ScriptEntry::Silence { silence: true }),
            },
            Kind::RecognizeFailed => Some(match ev.sub_code() {
                Some(8547 | 8546 | 8534) => ScriptEntry::Speech {
                    speech: "(not understood)".into(),
                },
                _ => ScriptEntry::Silence { silence: true },
            }),
            Kind::CallTransferAccepted | Kind::AddParticipantSucceeded => {
                target(TargetOutcome::Answered)
            }
            Kind::CallTransferFailed | Kind::AddParticipantFailed => {
                target(match crate::call::flow_run::Failure::of(ev) {
                    crate::call::flow_run::Failure::Busy => TargetOutcome::Busy,
                    crate::call::flow_run::Failure::NoAnswer => TargetOutcome::NoAnswer,
                    crate::call::flow_run::Failure::Failed => TargetOutcome::Failed,
                })
            }
            _ => None,
        };
        script.extend(entry);
    }
    // Webhook answers are read by their own cursor (the simulator's), so their place among
    // the other entries does not matter.
    script.extend(
        answers
            .by_ref()
            .map(|a| ScriptEntry::Webhook { webhook: a.clone() }),
    );
    Some((call, script))
}
