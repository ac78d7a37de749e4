//! The `webhook` step's two ends: the JSON the worker POSTs, and the app's answer, read
//! strictly (`{"goto", "set"}`; anything else takes the step's `failure` path).

use super::{CallSession, NoAnswer, Outcome, Wait, WebhookReply};
use crate::flow::step::StepKind;
use crate::flow::validate::RESERVED_VARIABLES;
use std::collections::BTreeMap;

/// Limits on the app's answer to a webhook step.
pub const MAX_WEBHOOK_ANSWER_BYTES: usize = 64 * 1024;
const MAX_SET_VARIABLES: usize = 50;
const MAX_VARIABLE_BYTES: usize = 1024;

impl CallSession {
    /// The app's answer to webhook command `command_id`: the body it returned, or why there
    /// is none (refused, timed out, not 2xx). `at_ms` is when the answer came.
    pub fn handle_webhook(&mut self, command_id: &str, reply: WebhookReply, at_ms: i64) {
        if self.flow.wait
            != (Wait::Webhook {
                command: command_id.to_owned(),
            })
            || self.flow.end.is_some()
        {
            return;
        }
        let trigger = format!("webhook:{command_id}");
        let Some(step) = self.current() else { return };
        let StepKind::Webhook(w) = &step.kind else {
            return;
        };
        let timed_out = matches!(reply, Err(NoAnswer::Timeout { .. }));
        let answer = reply
            .map_err(|e| e.reason())
            .and_then(|body| parse_answer(&body));
        self.flow.answers.push(match &answer {
            Ok(a) => serde_json::json!({ "goto": a.goto, "set": a.set }),
            Err(_) if timed_out => "timeout".into(),
            Err(_) => serde_json::json!({ "goto": 0 }),
        });
        let outcome = answer.and_then(|a| {
            if let Some(goto) = &a.goto {
                let listed = w.goto.is_empty() || w.goto.contains(goto);
                if self.step(goto).is_none() || !listed {
                    return Err(format!(
                        "the app's goto {goto:?} is not a step this one may lead to"
                    ));
                }
            }
            Ok(a)
        });
        let rev = self.bump();
        let status = match &outcome {
            Ok(a) => match &a.goto {
                Some(g) => format!("answered: goto {g}"),
                None => "answered".to_owned(),
            },
            Err(reason) => format!("failed: {reason}"),
        };
        if let Some(entry) = self.command_entry(command_id) {
            entry.status = Some(status);
            entry.outcome = Some(if outcome.is_ok() {
                crate::call::timeline::Outcome::Succeeded
            } else {
                crate::call::timeline::Outcome::Failed
            });
            entry.rev = rev;
        }
        self.flow.wait = Wait::Nothing;
        match outcome {
            Ok(a) => {
                self.flow.vars.extend(a.set);
                match a.goto.or(step.paths.next.clone()) {
                    Some(next) => self.enter(next, &trigger, at_ms),
                    None => self.follow(
                        Outcome::Failure,
                        "the app named no step and the webhook has no next",
                        &trigger,
                        at_ms,
                    ),
                }
            }
            Err(reason) => self.follow(Outcome::Failure, &reason, &trigger, at_ms),
        }
    }

    /// The JSON a webhook step POSTs: the call's facts, the step, the variables and the path.
    pub(super) fn webhook_body(&self, step: &str) -> String {
        let vars: BTreeMap<&str, String> = RESERVED_VARIABLES
            .into_iter()
            .map(|n| (n, self.variable(n)))
            .collect();
        let body = serde_json::json!({
            "callConnectionId": self.call_connection_id,
            "serverCallId": self.server_call_id,
            "step": step,
            "call": vars,
            "variables": self.flow.vars,
            "path": self.flow.path.iter().filter(|p| !p.starts_with('!')).collect::<Vec<_>>(),
        });
        body.to_string()
    }
}

/// The app's answer: `{"goto": "step", "set": {"name": value}}`, both optional.
#[derive(Debug, Default)]
struct Answer {
    goto: Option<String>,
    set: BTreeMap<String, String>,
}

fn parse_answer(body: &str) -> Result<Answer, String> {
    if body.len() > MAX_WEBHOOK_ANSWER_BYTES {
        return Err(format!(
            "the answer is {} bytes, over the {MAX_WEBHOOK_ANSWER_BYTES}-byte limit",
            body.len()
        ));
    }
    let value: serde_json::Value = match body.trim() {
        "" => return Ok(Answer::default()),
        text => serde_json::from_str(text).map_err(|_| "the answer is not JSON".to_owned())?,
    };
    let serde_json::Value::Object(mut map) = value else {
        return Err("the answer is not a JSON object".into());
    };
    let goto = match map.remove("goto") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(_) => return Err("the answer's goto is not a string".into()),
    };
    let mut set = BTreeMap::new();
    match map.remove("set") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(vars)) => {
            if vars.len() > MAX_SET_VARIABLES {
                return Err(format!(
                    "the answer sets over {MAX_SET_VARIABLES} variables"
                ));
            }
            for (name, v) in vars {
                let reserved =
                    RESERVED_VARIABLES.contains(&name.as_str()) || name.starts_with("visits.");
                if !crate::flow::template::is_name(&name) || reserved {
                    return Err(format!(
                        "the answer sets {name:?}, which a flow may not set"
                    ));
                }
                let text = match v {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    serde_json::Value::Null => String::new(),
                    _ => {
                        return Err(format!(
                            "the answer's set.{name} is not text, a number or a boolean"
                        ))
                    }
                };
                if text.len() > MAX_VARIABLE_BYTES {
                    return Err(format!(
                        "the answer's set.{name} is over {MAX_VARIABLE_BYTES} bytes"
                    ));
                }
                set.insert(name, text);
            }
        }
        Some(_) => return Err("the answer's set is not an object".into()),
    }
    if let Some(key) = map.keys().next() {
        return Err(format!(
            "the answer has an unknown member {key:?} (goto and set only)"
        ));
    }
    Ok(Answer { goto, set })
}
