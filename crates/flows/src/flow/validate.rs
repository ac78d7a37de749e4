//! A flow graph's rules, checked when a document is loaded. Each problem is an
//! [`Error::InvalidInput`] whose field is the step's path (`…steps[2](menu).on.1`):
//!
//! * step ids are unique names, and `start` names a step;
//! * each step has the paths its kind needs and no other ([`StepKind::paths_allowed`]), and
//!   every path names a step that exists;
//! * its values are valid (prompts, targets, ranges, templates, conditions);
//! * every step is reachable from `start`;
//! * every path ends in a `hangUp`, `transfer`, `ring` or `park` step, or loops back to a step
//!   that does: a step from which none can be reached would leave the caller in silence (a
//!   missing `next`) or loop for ever (a cycle with no way out); a cycle of `branch` and `set`
//!   steps only would spin without waiting for anything.
//!
//! The visit limits (`maxVisits`, [`MAX_STEP_RUNS`]) bound every loop at run time; the checks
//! here refuse the loops that could only end there.

use super::prompt::{check_target_template, Prompt};
use super::step::{CollectStep, FlowStep, Input, StepKind, MAX_STEP_RUNS, MAX_VISITS_LIMIT};
use super::template::{is_name, Template};
use super::Flow;
use callsteer::Error;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The most targets a `transfer` or `ring` may list.
pub const MAX_TARGETS: usize = 10;

/// Variables the worker sets; a flow may read them but not `set` them.
pub const RESERVED_VARIABLES: [&str; 6] = [
    "caller",
    "callee",
    "callerDisplayName",
    "rule",
    "revision",
    "flow",
];

/// Checks `flow` (found at `path` in the document).
///
/// # Errors
/// [`Error::InvalidInput`] for the first problem, in the order the module doc lists them.
pub fn validate(flow: &Flow, path: &str) -> Result<(), Error> {
    let at = |i: usize, s: &FlowStep, field: &str| {
        let base = format!("{path}.steps[{i}]({})", s.id);
        if field.is_empty() {
            base
        } else {
            format!("{base}.{field}")
        }
    };
    if flow.steps.is_empty() {
        return Err(Error::invalid(
            format!("{path}.steps"),
            "a flow needs at least one step",
        ));
    }
    let mut index = BTreeMap::new();
    for (i, s) in flow.steps.iter().enumerate() {
        if !is_name(&s.id) {
            return Err(Error::invalid(
                at(i, s, "id"),
                "a step id is 1-64 letters, digits, _ - .",
            ));
        }
        if index.insert(s.id.as_str(), i).is_some() {
            return Err(Error::invalid(at(i, s, "id"), "duplicate step id"));
        }
    }
    let start = flow.start_id().unwrap_or_default();
    if !index.contains_key(start) {
        return Err(Error::invalid(
            format!("{path}.start"),
            format!("no step {start:?}"),
        ));
    }
    for (i, s) in flow.steps.iter().enumerate() {
        check_paths(s).map_err(|(f, r)| Error::invalid(at(i, s, &f), r))?;
        for (field, target) in edges(s) {
            if !index.contains_key(target) {
                return Err(Error::invalid(
                    at(i, s, &field),
                    format!("no step {target:?}"),
                ));
            }
        }
        check_values(s).map_err(|(f, r)| Error::invalid(at(i, s, &f), r))?;
    }
    let reached = reachable(flow, start);
    if let Some((i, s)) = flow
        .steps
        .iter()
        .enumerate()
        .find(|(_, s)| !reached.contains(s.id.as_str()))
    {
        return Err(Error::invalid(
            at(i, s, ""),
            format!("no path reaches this step from the start ({start})"),
        ));
    }
    check_endings(flow, &index).map_err(|(i, reason)| {
        let s = &flow.steps[i];
        Error::invalid(at(i, s, ""), reason)
    })
}

/// Every step a step's paths, branch cases and webhook `goto` list lead to, with the field
/// naming each (the `limit` path included: it must name a step that exists).
pub fn edges(s: &FlowStep) -> Vec<(String, &str)> {
    let mut out: Vec<(String, &str)> = s.paths.iter().collect();
    match &s.kind {
        StepKind::Branch(b) => {
            for (i, c) in b.cases.iter().enumerate() {
                out.push((format!("branch.cases[{i}].goto"), c.goto.as_str()));
            }
            out.push(("branch.else".into(), b.otherwise.as_str()));
        }
        StepKind::Webhook(w) => {
            for (i, g) in w.goto.iter().enumerate() {
                out.push((format!("webhook.goto[{i}]"), g.as_str()));
            }
        }
        _ => {}
    }
    out
}

fn check_paths(s: &FlowStep) -> Result<(), (String, String)> {
    let allowed = s.kind.paths_allowed();
    for (name, _) in s.paths.iter() {
        let key = name.split('.').next().unwrap_or_default();
        if !allowed.contains(&key) {
            return Err((
                key.to_owned(),
                format!("a {} step has no {key} path", s.kind.name()),
            ));
        }
    }
    let p = &s.paths;
    let silent = |what: &str| {
        Err((
            "next".to_owned(),
            format!(
                "missing: after {what} the caller would be left in silence (every path must end \
                 in a hangUp, transfer, ring or park step)"
            ),
        ))
    };
    match &s.kind {
        StepKind::Play(_) if p.next.is_none() => silent("the prompt"),
        StepKind::Set(_) if p.next.is_none() => silent("setting the variables"),
        StepKind::Collect(_) if p.next.is_none() && p.on.is_empty() => Err((
            "next".into(),
            "a collect step needs `next` or `on` (what the collected value leads to)".into(),
        )),
        StepKind::Transfer(_) | StepKind::Ring(_) if p.failure.is_none() => Err((
            "failure".into(),
            format!(
                "a {} step needs a `failure` path: where the caller goes when no target takes \
                 the call",
                s.kind.name()
            ),
        )),
        _ => Ok(()),
    }
}

fn prompts(field: &str, list: &[Prompt]) -> Result<(), (String, String)> {
    for (i, p) in list.iter().enumerate() {
        p.check()
            .map_err(|(f, r)| (format!("{field}[{i}].{f}"), r))?;
    }
    Ok(())
}

fn one_prompt(field: &str, p: &Option<Prompt>) -> Result<(), (String, String)> {
    match p {
        Some(p) => p.check().map_err(|(f, r)| (format!("{field}.{f}"), r)),
        None => Ok(()),
    }
}

fn range(field: &str, v: Option<u32>, lo: u32, hi: u32) -> Result<(), (String, String)> {
    match v {
        Some(v) if !(lo..=hi).contains(&v) => {
            Err((field.to_owned(), format!("must be {lo}-{hi}, got {v}")))
        }
        _ => Ok(()),
    }
}

fn targets(field: &str, list: &[String]) -> Result<(), (String, String)> {
    if list.is_empty() || list.len() > MAX_TARGETS {
        return Err((
            field.to_owned(),
            format!("list 1-{MAX_TARGETS} targets, got {}", list.len()),
        ));
    }
    for (i, t) in list.iter().enumerate() {
        check_target_template(t).map_err(|r| (format!("{field}[{i}]"), r))?;
    }
    Ok(())
}

fn check_values(s: &FlowStep) -> Result<(), (String, String)> {
    range("maxVisits", s.max_visits, 1, MAX_VISITS_LIMIT)?;
    match &s.kind {
        StepKind::Play(p) => {
            if p.all().is_empty() {
                return Err(("play.prompt".into(), "a play step needs a prompt".into()));
            }
            one_prompt("play.prompt", &p.prompt)?;
            prompts("play.prompts", &p.prompts)
        }
        StepKind::Collect(c) => check_collect(c, &s.paths.on),
        StepKind::Branch(b) => {
            for (i, c) in b.cases.iter().enumerate() {
                c.when
                    .check()
                    .map_err(|(f, r)| (format!("branch.cases[{i}].when.{f}"), r))?;
            }
            Ok(())
        }
        StepKind::Set(vars) => {
            for (name, value) in vars {
                let field = format!("set.{name}");
                if !is_name(name)
                    || RESERVED_VARIABLES.contains(&name.as_str())
                    || name.starts_with("visits.")
                {
                    return Err((
                        field,
                        "a variable name is 1-64 letters, digits, _ - ., and not one the worker \
                         sets (caller, callee, callerDisplayName, rule, revision, flow, visits.*)"
                            .into(),
                    ));
                }
                Template::parse(value).map_err(|r| (field, r))?;
            }
            Ok(())
        }
        StepKind::Webhook(w) => {
            range("webhook.timeoutMs", w.timeout_ms, 100, 10_000)?;
            let t = Template::parse(&w.url).map_err(|r| ("webhook.url".to_owned(), r))?;
            if t.is_plain() {
                check_webhook_url(&w.url).map_err(|r| ("webhook.url".to_owned(), r))?;
            }
            Ok(())
        }
        StepKind::Transfer(t) => targets("transfer.targets", &t.targets),
        StepKind::Ring(r) => {
            targets("ring.targets", &r.targets)?;
            range("ring.timeoutSeconds", r.timeout_seconds, 1, 180)
        }
        StepKind::Park(p) => {
            one_prompt("park.music", &p.music)?;
            range("park.maxWaitSeconds", p.max_wait_seconds, 1, 86_400)
        }
        StepKind::HangUp(h) => one_prompt("hangUp.prompt", &h.prompt),
    }
}

fn check_collect(c: &CollectStep, on: &BTreeMap<String, String>) -> Result<(), (String, String)> {
    if c.all().is_empty() {
        return Err((
            "collect.prompt".into(),
            "a collect step needs a prompt".into(),
        ));
    }
    one_prompt("collect.prompt", &c.prompt)?;
    prompts("collect.prompts", &c.prompts)?;
    prompts("collect.retryPrompts", &c.retry_prompts)?;
    range("collect.attempts", c.attempts, 1, 5)?;
    range("collect.timeoutSeconds", c.timeout_seconds, 1, 300)?;
    if let Some(v) = &c.variable {
        if !is_name(v) || RESERVED_VARIABLES.contains(&v.as_str()) {
            return Err((
                "collect.variable".into(),
                "a variable name is 1-64 letters, digits, _ - ., and not one the worker sets"
                    .into(),
            ));
        }
    }
    let is_speech = matches!(c.input, Input::Speech | Input::SpeechOrDtmf);
    if !is_speech && (c.language.is_some() || c.end_silence_timeout_ms.is_some()) {
        return Err((
            "collect.language".into(),
            "language and endSilenceTimeoutMs apply to speech and speechOrDtmf input".into(),
        ));
    }
    match (c.input, c.choices.is_empty()) {
        (Input::Choices, true) => {
            return Err((
                "collect.choices".into(),
                "choices input needs at least one choice".into(),
            ))
        }
        (Input::Choices, false) => {
            for key in on.keys() {
                if !c.choices.iter().any(|ch| &ch.label == key) {
                    return Err((
                        format!("on.{key}"),
                        "not the label of one of the step's choices".into(),
                    ));
                }
            }
        }
        (_, false) => {
            return Err((
                "collect.choices".into(),
                "choices apply to `\"input\": \"choices\"`".into(),
            ))
        }
        (_, true) => {}
    }
    // The service's own rules for the Recognize this step sends: the core's.
    crate::call::wire::recognize_options(c, "4:+10000000000")
        .validate(crate::call::wire::input_type(c.input), "collect")
        .map_err(|e| match e {
            Error::InvalidInput { field, reason } => (
                field
                    .replace("collect.dtmfOptions.", "collect.")
                    .replace("collect.speechOptions.", "collect."),
                reason,
            ),
            other => ("collect".into(), other.to_string()),
        })
}

/// A webhook URL: https, or http to a loopback host (development only).
///
/// # Errors
/// The reason the URL is refused.
pub fn check_webhook_url(url: &str) -> Result<(), String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("must be an absolute https URL, got {url:?}"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    let loopback = matches!(host_name, "127.0.0.1" | "localhost" | "[::1]");
    match scheme {
        "https" if !host_name.is_empty() => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(format!(
            "must be an absolute https URL (http only to 127.0.0.1 or localhost), got {url:?}"
        )),
    }
}

fn reachable<'a>(flow: &'a Flow, start: &'a str) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::from([start]);
    let mut queue = VecDeque::from([start]);
    while let Some(id) = queue.pop_front() {
        let Some(s) = flow.step(id) else { continue };
        for (_, next) in edges(s) {
            if seen.insert(next) {
                queue.push_back(next);
            }
        }
    }
    seen
}

/// The paths that lead on from a step for the ending check: not `limit` (the guard), and a
/// missing failure path counts as the hang-up it defaults to.
fn ends_or_leads(s: &FlowStep) -> (bool, Vec<&str>) {
    let next: Vec<&str> = edges(s)
        .into_iter()
        .filter(|(f, _)| f != "limit")
        .map(|(_, t)| t)
        .collect();
    let implicit_hang_up = match &s.kind {
        StepKind::Collect(_) | StepKind::Webhook(_) => s.paths.failure.is_none(),
        _ => false,
    };
    (s.kind.is_terminal() || implicit_hang_up, next)
}

fn check_endings(flow: &Flow, index: &BTreeMap<&str, usize>) -> Result<(), (usize, String)> {
    // Steps from which an ending can be reached: walk the edges backwards from the endings.
    let mut into: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut ends = BTreeSet::new();
    let mut queue = VecDeque::new();
    for s in &flow.steps {
        let (ending, next) = ends_or_leads(s);
        for n in next {
            into.entry(n).or_default().push(s.id.as_str());
        }
        if ending && ends.insert(s.id.as_str()) {
            queue.push_back(s.id.as_str());
        }
    }
    while let Some(id) = queue.pop_front() {
        for &from in into.get(id).map(Vec::as_slice).unwrap_or_default() {
            if ends.insert(from) {
                queue.push_back(from);
            }
        }
    }
    for (i, s) in flow.steps.iter().enumerate() {
        if !ends.contains(s.id.as_str()) {
            let cycle = cycle_from(flow, &s.id, &|_| true);
            let reason = match cycle {
                Some(c) => format!(
                    "unbounded loop: {} never reaches a hangUp, transfer, ring or park step",
                    c.join(" → ")
                ),
                None => "every path from here leaves the caller in silence: none reaches a \
                         hangUp, transfer, ring or park step"
                    .into(),
            };
            return Err((i, reason));
        }
    }
    for (i, s) in flow.steps.iter().enumerate() {
        if s.kind.waits() {
            continue;
        }
        let instant = |id: &str| index.get(id).is_some_and(|&j| !flow.steps[j].kind.waits());
        if let Some(c) = cycle_from(flow, &s.id, &instant) {
            return Err((
                i,
                format!(
                    "loop without waiting: {} are branch and set steps only; it would spin \
                     until the call's limit of {MAX_STEP_RUNS} steps",
                    c.join(" → ")
                ),
            ));
        }
    }
    Ok(())
}

/// A cycle through `from` whose steps all satisfy `keep`, as ids `from → … → from`.
fn cycle_from(flow: &Flow, from: &str, keep: &dyn Fn(&str) -> bool) -> Option<Vec<String>> {
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([from]);
    let mut seen = BTreeSet::from([from]);
    while let Some(id) = queue.pop_front() {
        let s = flow.step(id)?;
        for (field, next) in edges(s) {
            if field == "limit" || !keep(next) {
                continue;
            }
            if next == from {
                let mut path = vec![from.to_owned()];
                let mut at = id;
                let mut back = vec![];
                while at != from {
                    back.push(at.to_owned());
                    at = parent.get(at).copied().unwrap_or(from);
                }
                back.reverse();
                path.extend(back);
                path.push(from.to_owned());
                return Some(path);
            }
            if seen.insert(next) {
                parent.insert(next, id);
                queue.push_back(next);
            }
        }
    }
    None
}

impl super::step::Condition {
    /// # Errors
    /// `(field, reason)` inside the condition.
    pub fn check(&self) -> Result<(), (String, String)> {
        let on_variable = self.matches.is_some() || self.number.is_some() || self.is_set.is_some();
        match (&self.variable, on_variable) {
            (Some(v), _) if !is_name(v) => {
                return Err(("variable".into(), format!("{v:?} is not a variable name")))
            }
            (Some(_), false) => {
                return Err((
                    "variable".into(),
                    "needs `matches`, `number` or `isSet` to test it".into(),
                ))
            }
            (None, true) => {
                return Err((
                    "variable".into(),
                    "`matches`, `number` and `isSet` test a variable: name it".into(),
                ))
            }
            (None, false) if self.time.is_empty() && self.dates.is_none() => {
                return Err((
                    "variable".into(),
                    "a condition tests a variable, the time or the date".into(),
                ))
            }
            _ => {}
        }
        if let Some(m) = &self.matches {
            m.check().map_err(|r| ("matches".to_owned(), r))?;
        }
        crate::dates::check_when(&self.time, self.dates.as_ref())
    }
}
