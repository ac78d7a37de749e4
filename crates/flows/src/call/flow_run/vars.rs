//! A flow's variables, as templates and branch conditions read them.

use super::CallSession;
use crate::flow::template::Template;
use crate::flow::Prompt;

impl CallSession {
    /// A variable's value: the worker's (`caller`, `callee`, `callerDisplayName`, `rule`,
    /// `revision`, `flow`, `visits.<step>`), else the flow's, else empty.
    pub fn variable(&self, name: &str) -> String {
        let setup = self.setup.as_ref();
        let phone = |raw: &str| raw.strip_prefix("4:").unwrap_or(raw).to_owned();
        match name {
            "caller" => setup.map(|s| phone(&s.caller)).unwrap_or_default(),
            "callee" => setup.map(|s| phone(&s.callee)).unwrap_or_default(),
            "callerDisplayName" => setup
                .and_then(|s| s.caller_display_name.clone())
                .unwrap_or_default(),
            "rule" => setup.and_then(|s| s.rule.clone()).unwrap_or_default(),
            "revision" => setup.and_then(|s| s.revision.clone()).unwrap_or_default(),
            "flow" => setup.and_then(|s| s.flow.name.clone()).unwrap_or_default(),
            _ => match name.strip_prefix("visits.") {
                Some(step) => self.flow.visits.get(step).copied().unwrap_or(0).to_string(),
                None => self.flow.vars.get(name).cloned().unwrap_or_default(),
            },
        }
    }

    pub(super) fn render(&self, text: &str) -> String {
        Template::fill(text, &|name| self.variable(name))
    }

    pub(super) fn render_prompt(&self, p: &Prompt) -> Prompt {
        p.render(&|name| self.variable(name))
    }

    pub(super) fn render_all(&self, list: &[Prompt]) -> Vec<Prompt> {
        list.iter().map(|p| self.render_prompt(p)).collect()
    }

    pub(super) fn holds(&self, c: &crate::flow::step::Condition, now_unix: i64) -> bool {
        let value = c.variable.as_deref().map(|v| self.variable(v));
        let text_ok = match (&c.matches, &value) {
            (Some(m), Some(v)) => m.matches(v),
            _ => true,
        };
        let set_ok = match (c.is_set, &value) {
            (Some(want), Some(v)) => want != v.is_empty(),
            _ => true,
        };
        let number_ok = match (&c.number, &value) {
            (Some(n), Some(v)) => v.trim().parse::<i64>().is_ok_and(|x| n.holds(x)),
            _ => true,
        };
        let time_ok = c.time.is_empty()
            || c.time
                .iter()
                .filter_map(|w| w.compile().ok())
                .any(|w| w.contains(now_unix));
        let dates_ok = c
            .dates
            .as_ref()
            .is_none_or(|d| d.compile().is_ok_and(|d| d.contains(now_unix)));
        text_ok && set_ok && number_ok && time_ok && dates_ok
    }
}

impl crate::flow::step::NumberCmp {
    /// True when every comparison present holds for `x`.
    pub fn holds(&self, x: i64) -> bool {
        self.eq.is_none_or(|v| x == v)
            && self.ne.is_none_or(|v| x != v)
            && self.lt.is_none_or(|v| x < v)
            && self.lte.is_none_or(|v| x <= v)
            && self.gt.is_none_or(|v| x > v)
            && self.gte.is_none_or(|v| x >= v)
    }
}
