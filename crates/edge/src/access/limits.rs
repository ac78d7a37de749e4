//! The rate limits per credential: Cloudflare's rate limiting binding (`[[ratelimits]]` in
//! `wrangler.toml`), one binding per surface, keyed by the credential's fingerprint (never the
//! token). The webhooks (`/api/incoming`, `/api/callbacks…`) have none: the service must never be
//! refused for volume.
//!
//! The count per period lives in `wrangler.toml` only (the binding enforces it; the worker
//! never sees the number); the period is also here, for `Retry-After`. A test holds the two
//! together.
//!
//! Decision — **`Retry-After` is the whole period**: the binding answers only
//! `{success: false}`, not when the count frees up, and Cloudflare counts per location with its
//! own window. The period is the longest a caller can have to wait, so a client that honours it
//! is never refused twice for the same burst.

/// One rate limit: the binding and its period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The `[[ratelimits]]` binding's `name`.
    pub binding: &'static str,
    /// Its `simple.period`, seconds (Cloudflare allows 10 or 60).
    pub period_seconds: u32,
    /// What it limits, for the 429's message.
    pub surface: &'static str,
}

/// Every admin API request of a credential.
pub const ADMIN_API: Limit = Limit {
    binding: "ADMIN_API_LIMIT",
    period_seconds: 60,
    surface: "admin API",
};

/// Every `/acs/…` proxy request of a credential.
pub const ACS_PROXY: Limit = Limit {
    binding: "ACS_PROXY_LIMIT",
    period_seconds: 60,
    surface: "/acs proxy",
};

impl Limit {
    /// The 429's message.
    pub fn message(&self) -> String {
        format!(
            "too many {} requests for this credential; retry after {} s",
            self.surface, self.period_seconds
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `wrangler.toml` declares each binding with the period the worker announces.
    #[test]
    fn wrangler_toml_declares_each_limit() {
        let toml = include_str!("../../../../wrangler.toml");
        for limit in [ADMIN_API, ACS_PROXY] {
            let at = toml
                .find(&format!("name = \"{}\"", limit.binding))
                .unwrap_or_else(|| panic!("wrangler.toml lacks {}", limit.binding));
            let block = &toml[at..];
            let block = &block[..block.find("\n\n").unwrap_or(block.len())];
            assert!(
                block.contains(&format!("period = {} }}", limit.period_seconds)),
                "{}: {block}",
                limit.binding
            );
        }
    }

    #[test]
    fn the_message_names_the_wait() {
        assert_eq!(
            ACS_PROXY.message(),
            "too many /acs proxy requests for this credential; retry after 60 s"
        );
    }
}
