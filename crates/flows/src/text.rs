//! Text conditions: exact, prefix and pattern matches.
//!
//! Comparisons ignore ASCII case (raw ids and E.164 numbers have no meaningful case, and
//! a display name "JOHN DOE" should match "John Doe"). Patterns are globs rather than
//! regular expressions: a regex engine would add ~100 KB to the Worker for little gain.
//! `*` matches any run of characters (also empty), `?` exactly one character, `#` exactly
//! one ASCII digit; `\` escapes the next character.

use serde::{Deserialize, Serialize};

/// One text condition, written `{"exact": …}`, `{"prefix": …}` or `{"pattern": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum TextMatch {
    /// The whole value equals this text.
    Exact(String),
    /// The value starts with this text.
    Prefix(String),
    /// The value matches this glob (`*`, `?`, `#`, `\`).
    Pattern(String),
}

impl TextMatch {
    /// True when `value` satisfies the condition.
    pub fn matches(&self, value: &str) -> bool {
        match self {
            TextMatch::Exact(s) => value.eq_ignore_ascii_case(s),
            TextMatch::Prefix(s) => {
                value.len() >= s.len()
                    && value.is_char_boundary(s.len())
                    && value[..s.len()].eq_ignore_ascii_case(s)
            }
            TextMatch::Pattern(p) => glob(&tokens(p), &value.chars().collect::<Vec<_>>()),
        }
    }

    /// Checks the condition itself: non-empty, and a pattern must not end in a lone `\`.
    ///
    /// # Errors
    /// The reason, for the caller to attach to the field path.
    pub fn check(&self) -> Result<(), String> {
        match self {
            TextMatch::Exact(_) => Ok(()),
            TextMatch::Prefix(s) if s.is_empty() => Err("prefix must not be empty".into()),
            TextMatch::Prefix(_) => Ok(()),
            TextMatch::Pattern(p) if p.is_empty() => Err("pattern must not be empty".into()),
            TextMatch::Pattern(p)
                if p.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1 =>
            {
                Err(format!("pattern {p:?} ends with a lone '\\' escape"))
            }
            TextMatch::Pattern(_) => Ok(()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Any,
    One,
    Digit,
    Lit(char),
}

fn tokens(pattern: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '*' => Token::Any,
            '?' => Token::One,
            '#' => Token::Digit,
            '\\' => Token::Lit(chars.next().unwrap_or('\\')),
            c => Token::Lit(c),
        });
    }
    out
}

/// Iterative glob match with single-star backtracking: O(pattern × value) worst case,
/// no recursion, so a hostile pattern cannot blow the stack.
fn glob(pat: &[Token], val: &[char]) -> bool {
    let (mut p, mut v) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while v < val.len() {
        let step = match pat.get(p) {
            Some(Token::Any) => {
                star = Some((p, v));
                p += 1;
                continue;
            }
            Some(Token::One) => true,
            Some(Token::Digit) => val[v].is_ascii_digit(),
            Some(Token::Lit(c)) => c.eq_ignore_ascii_case(&val[v]),
            None => false,
        };
        if step {
            p += 1;
            v += 1;
        } else if let Some((sp, sv)) = star {
            p = sp + 1;
            v = sv + 1;
            star = Some((sp, sv + 1));
        } else {
            return false;
        }
    }
    pat[p..].iter().all(|t| *t == Token::Any)
}

#[cfg(test)]
mod tests {
    use super::TextMatch::*;

    #[test]
    fn exact_and_prefix_ignore_ascii_case() {
        assert!(Exact("John Doe".into()).matches("JOHN DOE"));
        assert!(!Exact("John".into()).matches("John Doe"));
        assert!(Prefix("+1425".into()).matches("+14255550100"));
        assert!(!Prefix("+1425".into()).matches("+1426"));
        assert!(!Prefix("é".into()).matches("e"));
    }

    #[test]
    fn patterns() {
        let p = |s: &str| Pattern(s.into());
        assert!(p("+1425555####").matches("+14255550100"));
        assert!(!p("+1425555####").matches("+1425555010"));
        assert!(!p("+1425555####").matches("+142555501x0"));
        assert!(p("8:acs:*_0000*").matches("8:acs:abc_0000001"));
        assert!(p("*support*").matches("Premium Support Line"));
        assert!(p("a?c").matches("abc") && !p("a?c").matches("ac"));
        assert!(p("a\\*").matches("a*") && !p("a\\*").matches("ab"));
        assert!(p("*").matches(""));
        assert!(!p("*a*b*c*d*e*f*g").matches(&"a".repeat(2000)));
    }

    #[test]
    fn checks() {
        assert!(Prefix(String::new())
            .check()
            .unwrap_err()
            .contains("prefix"));
        assert!(Pattern("ab\\".into())
            .check()
            .unwrap_err()
            .contains("escape"));
        assert!(Pattern("ab\\\\".into()).check().is_ok());
    }
}
