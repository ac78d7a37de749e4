//! The retry policy, as a pure function.
//!
//! A face sends a request, looks at what came back and asks [`RetryPolicy::decide`]
//! whether to send it again and after how long. The policy never sleeps and never
//! reads a clock: `now_unix` (needed to interpret an HTTP-date `Retry-After`) and the
//! attempt counter come in as arguments, so the whole policy is unit-tested natively.
//!
//! Retried: `408`, `429`, `500`, `502`, `503`, `504` and transport failures (no
//! response at all). A caller's abort is never retried. The request must be re-sent
//! byte-for-byte, including its `Repeatability-Request-ID`/`-First-Sent` headers, so
//! the service applies a POST at most once however many times it arrives.

/// Statuses worth another try: timeouts, throttling and transient server failures.
pub const RETRIABLE_STATUSES: [u16; 6] = [408, 429, 500, 502, 503, 504];

/// Bounds of the retry loop. `Default` follows `@azure/core-rest-pipeline`:
/// 3 retries, 800 ms exponential base, 64 s ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so at most `max_retries + 1` requests).
    pub max_retries: u32,
    /// Delay before retry `n` (0-based) without a server hint: `base_delay_ms * 2^n`.
    pub base_delay_ms: u64,
    /// Ceiling of any delay. A server asking for more than this is not waited for:
    /// the response is returned to the caller instead (bounded total latency) — unless
    /// `clamp_server_delay` is set.
    pub max_delay_ms: u64,
    /// Wait `max_delay_ms` and retry anyway when the server asks for longer, instead of
    /// handing the response back. For senders that must eventually deliver a command and
    /// have nobody to hand a 429 to (the edge worker's per-call commands).
    pub clamp_server_delay: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay_ms: 800,
            max_delay_ms: 64_000,
            clamp_server_delay: false,
        }
    }
}

/// What a server said about when to come back, read from the response headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RetryHints<'a> {
    /// `retry-after-ms` or `x-ms-retry-after-ms` (milliseconds).
    pub retry_after_ms: Option<&'a str>,
    /// `Retry-After`: delta-seconds or an HTTP-date.
    pub retry_after: Option<&'a str>,
}

impl<'a> RetryHints<'a> {
    /// Picks the hints out of `(name, value)` header pairs (names case-insensitive).
    pub fn from_headers(headers: &'a [(String, String)]) -> Self {
        let find = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        RetryHints {
            retry_after_ms: find("retry-after-ms").or_else(|| find("x-ms-retry-after-ms")),
            retry_after: find("retry-after"),
        }
    }
}

impl RetryPolicy {
    /// After attempt number `attempt` (0 = the first request) got `status`: `Some(ms)` to
    /// wait that long and re-send, `None` to hand the response to the caller.
    pub fn decide(
        &self,
        status: u16,
        hints: RetryHints<'_>,
        attempt: u32,
        now_unix: u64,
    ) -> Option<u64> {
        if !RETRIABLE_STATUSES.contains(&status) || attempt >= self.max_retries {
            return None;
        }
        let delay = match server_delay_ms(hints, now_unix) {
            Some(ms) => ms,
            None => self.backoff_ms(attempt),
        };
        if delay <= self.max_delay_ms {
            Some(delay)
        } else {
            self.clamp_server_delay.then_some(self.max_delay_ms)
        }
    }

    /// After attempt `attempt` failed without any response (network error, DNS, reset):
    /// `Some(ms)` to retry with exponential backoff, `None` when the budget is spent.
    pub fn decide_transport_failure(&self, attempt: u32) -> Option<u64> {
        (attempt < self.max_retries).then(|| self.backoff_ms(attempt))
    }

    fn backoff_ms(&self, attempt: u32) -> u64 {
        let factor = 1u64.checked_shl(attempt.min(32)).unwrap_or(u64::MAX);
        self.base_delay_ms
            .saturating_mul(factor)
            .min(self.max_delay_ms)
    }
}

// Milliseconds the server asked for, if it asked in a form we understand.
fn server_delay_ms(hints: RetryHints<'_>, now_unix: u64) -> Option<u64> {
    if let Some(ms) = hints
        .retry_after_ms
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        return Some(ms);
    }
    let value = hints.retry_after?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs.saturating_mul(1000));
    }
    let at = crate::time::parse_http_date(value)?;
    Some(at.saturating_sub(now_unix).saturating_mul(1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_649_873_352; // Wed, 13 Apr 2022 18:09:12 GMT

    fn no_hints() -> RetryHints<'static> {
        RetryHints::default()
    }

    #[test]
    fn retries_only_transient_statuses() {
        let p = RetryPolicy::default();
        for status in RETRIABLE_STATUSES {
            assert_eq!(p.decide(status, no_hints(), 0, NOW), Some(800), "{status}");
        }
        for status in [200, 201, 202, 204, 400, 401, 403, 404, 409, 412, 501, 505] {
            assert_eq!(p.decide(status, no_hints(), 0, NOW), None, "{status}");
        }
    }

    #[test]
    fn backoff_doubles_and_count_is_bounded() {
        let p = RetryPolicy::default();
        let delays: Vec<_> = (0..5).map(|a| p.decide(503, no_hints(), a, NOW)).collect();
        assert_eq!(delays, vec![Some(800), Some(1600), Some(3200), None, None]);
        let wide = RetryPolicy {
            max_retries: 40,
            ..p
        };
        assert_eq!(wide.decide(500, no_hints(), 39, NOW), Some(64_000));
    }

    #[test]
    fn honours_retry_after_seconds_and_ms() {
        let p = RetryPolicy::default();
        let h = RetryHints {
            retry_after: Some("2"),
            retry_after_ms: None,
        };
        assert_eq!(p.decide(429, h, 0, NOW), Some(2000));
        let h = RetryHints {
            retry_after: Some("2"),
            retry_after_ms: Some("150"),
        };
        assert_eq!(
            p.decide(429, h, 0, NOW),
            Some(150),
            "the ms header is more precise"
        );
        let h = RetryHints {
            retry_after: Some("0"),
            retry_after_ms: None,
        };
        assert_eq!(p.decide(503, h, 2, NOW), Some(0));
    }

    #[test]
    fn honours_retry_after_http_date() {
        let p = RetryPolicy::default();
        let h = RetryHints {
            retry_after: Some("Wed, 13 Apr 2022 18:09:15 GMT"),
            retry_after_ms: None,
        };
        assert_eq!(p.decide(503, h, 0, NOW), Some(3000));
        let past = RetryHints {
            retry_after: Some("Wed, 13 Apr 2022 18:00:00 GMT"),
            retry_after_ms: None,
        };
        assert_eq!(p.decide(503, past, 0, NOW), Some(0));
    }

    #[test]
    fn a_too_long_server_delay_is_handed_back_or_clamped() {
        let hour = RetryHints {
            retry_after: Some("3600"),
            retry_after_ms: None,
        };
        assert_eq!(RetryPolicy::default().decide(503, hour, 0, NOW), None);
        let clamped = RetryPolicy {
            clamp_server_delay: true,
            ..RetryPolicy::default()
        };
        assert_eq!(clamped.decide(503, hour, 0, NOW), Some(64_000));
        assert_eq!(
            clamped.decide(503, hour, 3, NOW),
            None,
            "the budget still holds"
        );
    }

    #[test]
    fn unreadable_retry_after_falls_back_to_backoff() {
        let p = RetryPolicy::default();
        let h = RetryHints {
            retry_after: Some("soon"),
            retry_after_ms: Some("-1"),
        };
        assert_eq!(p.decide(503, h, 1, NOW), Some(1600));
    }

    #[test]
    fn a_delay_beyond_the_ceiling_gives_up() {
        let p = RetryPolicy::default();
        let h = RetryHints {
            retry_after: Some("3600"),
            retry_after_ms: None,
        };
        assert_eq!(p.decide(429, h, 0, NOW), None);
    }

    #[test]
    fn transport_failures_back_off_within_budget() {
        let p = RetryPolicy {
            max_retries: 2,
            ..RetryPolicy::default()
        };
        assert_eq!(p.decide_transport_failure(0), Some(800));
        assert_eq!(p.decide_transport_failure(1), Some(1600));
        assert_eq!(p.decide_transport_failure(2), None);
    }

    #[test]
    fn hints_are_read_case_insensitively() {
        let headers = vec![
            ("Retry-After".to_owned(), "5".to_owned()),
            ("X-Ms-Retry-After-Ms".to_owned(), "70".to_owned()),
        ];
        let h = RetryHints::from_headers(&headers);
        assert_eq!(
            h,
            RetryHints {
                retry_after_ms: Some("70"),
                retry_after: Some("5")
            }
        );
    }
}
