//! `{{variable}}` templates in prompts, targets and webhook URLs.
//!
//! A name is ASCII letters, digits, `_`, `-` and `.` (`{{account}}`, `{{visits.menu}}`),
//! optionally with spaces inside the braces. A variable that is not set renders as the empty
//! string (as Twilio's Liquid and SWML's `%{…}` do). `{{` without a closing `}}` and an empty
//! or invalid name are errors when the document is loaded.

/// A parsed template: literal text and variable names, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template<'a> {
    parts: Vec<Part<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part<'a> {
    Text(&'a str),
    Var(&'a str),
}

impl<'a> Template<'a> {
    /// Parses `text`.
    ///
    /// # Errors
    /// An unclosed `{{`, or an empty or invalid variable name, with its position.
    pub fn parse(text: &'a str) -> Result<Template<'a>, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Text(&rest[..open]));
            }
            let after = &rest[open + 2..];
            let close = after.find("}}").ok_or_else(|| {
                format!(
                    "`{{{{` at character {} has no closing `}}}}`",
                    text.len() - rest.len() + open
                )
            })?;
            let name = after[..close].trim();
            if !is_name(name) {
                return Err(format!(
                    "{{{{{}}}}} is not a variable name (letters, digits, _ - .)",
                    &after[..close]
                ));
            }
            parts.push(Part::Var(name));
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest));
        }
        Ok(Template { parts })
    }

    /// True when the text has no variables.
    pub fn is_plain(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Text(_)))
    }

    /// The variable names used, in order.
    pub fn variables(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Var(v) => Some(*v),
            Part::Text(_) => None,
        })
    }

    /// `text` with each variable replaced by `vars(name)`. Text that does not parse (checked
    /// at load, so only a stored document written by other means) is returned as it is.
    pub fn fill(text: &str, vars: &dyn Fn(&str) -> String) -> String {
        let Ok(t) = Template::parse(text) else {
            return text.to_owned();
        };
        let mut out = String::with_capacity(text.len());
        for p in &t.parts {
            match p {
                Part::Text(s) => out.push_str(s),
                Part::Var(v) => out.push_str(&vars(v)),
            }
        }
        out
    }
}

/// A variable name: 1–64 ASCII letters, digits, `_`, `-`, `.`.
pub fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(name: &str) -> String {
        match name {
            "account" => "1234".into(),
            "visits.menu" => "2".into(),
            _ => String::new(),
        }
    }

    #[test]
    fn fills_variables_and_leaves_text() {
        let t = "Account {{account}}, visit {{ visits.menu }}{{missing}}.";
        assert_eq!(Template::fill(t, &vars), "Account 1234, visit 2.");
        assert!(Template::parse("plain").unwrap().is_plain());
        let names: Vec<_> = Template::parse(t).unwrap().variables().collect();
        assert_eq!(names, ["account", "visits.menu", "missing"]);
    }

    #[test]
    fn refuses_malformed_templates() {
        assert!(Template::parse("hello {{name")
            .unwrap_err()
            .contains("no closing"));
        assert!(Template::parse("{{}}")
            .unwrap_err()
            .contains("not a variable name"));
        assert!(Template::parse("{{a b}}").is_err());
    }
}
