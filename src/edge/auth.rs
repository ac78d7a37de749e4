//! Callback authentication: RS256 JWT against a JWKS fetched from the issuer and cached by
//! expiry, or (local use only, when configured) a shared secret in the callback URI.
//! Admin authentication: a bearer token from a secret.

use super::acs::now_ms;
use super::config::{CallbackAuth, Config};
use super::respond::{EdgeError, EdgeResult};
use crate::webhook::{Jwks, JwtError, JwtVerifier};
use std::cell::RefCell;
use std::rc::Rc;
use worker::{Fetch, Request};

/// Default JWKS lifetime when the response has no `Cache-Control: max-age`.
const DEFAULT_JWKS_TTL_MS: i64 = 3_600_000;
/// Upper bound on a JWKS lifetime, whatever the server says.
const MAX_JWKS_TTL_MS: i64 = 86_400_000;
/// An unknown `kid` triggers a refetch at most this often (key rotation, without letting
/// forged tokens turn every request into a JWKS download).
const REFETCH_INTERVAL_MS: i64 = 10_000;

struct CachedJwks {
    url: String,
    jwks: Rc<Jwks>,
    fetched_at_ms: i64,
    expires_at_ms: i64,
}

thread_local! {
    static JWKS_CACHE: RefCell<Option<CachedJwks>> = const { RefCell::new(None) };
}

/// Checks a callback request. Returns nothing on success.
///
/// # Errors
/// 401 `Unauthorized` with the reason (missing token, bad signature, wrong audience, …);
/// 502 when the JWKS cannot be fetched.
pub async fn verify_callback(cfg: &Config, req: &Request) -> EdgeResult<()> {
    match &cfg.callback_auth {
        CallbackAuth::SharedSecret(secret) => {
            let url = req.url()?;
            // `/api/callbacks/<secret>` (what callback_uri builds) or `?token=<secret>`.
            let from_path = url
                .path_segments()
                .and_then(|mut s| s.nth(2))
                .map(str::to_owned);
            let from_query = url
                .query_pairs()
                .find(|(k, _)| k == "token")
                .map(|(_, v)| v.into_owned());
            let token = from_path.map(|t| decode_segment(&t)).or(from_query);
            match token {
                Some(t) if constant_time_eq(t.as_bytes(), secret.as_bytes()) => Ok(()),
                Some(_) => Err(EdgeError::unauthorized("callback token does not match")),
                None => Err(EdgeError::unauthorized("callback token missing")),
            }
        }
        CallbackAuth::Jwt {
            issuer,
            audience,
            jwks_url,
        } => {
            let header = req.headers().get("authorization")?;
            let verifier = JwtVerifier::new(audience.clone()).issuer(issuer.clone());
            let now = now_ms();
            let jwks = jwks(jwks_url, now, false).await?;
            match verifier.verify_authorization(header.as_deref(), &jwks, (now / 1000) as u64) {
                Ok(_) => Ok(()),
                Err(JwtError::UnknownKid) if may_refetch(now) => {
                    let jwks = jwks_refetch(jwks_url, now).await?;
                    verifier
                        .verify_authorization(header.as_deref(), &jwks, (now / 1000) as u64)
                        .map(|_| ())
                        .map_err(jwt_error)
                }
                Err(e) => Err(jwt_error(e)),
            }
        }
    }
}

fn jwt_error(e: JwtError) -> EdgeError {
    EdgeError {
        code: format!("Unauthorized.{}", e.code()),
        ..EdgeError::unauthorized(format!("callback token refused: {e}"))
    }
}

fn may_refetch(now: i64) -> bool {
    JWKS_CACHE.with(|c| {
        c.borrow()
            .as_ref()
            .is_none_or(|k| now - k.fetched_at_ms >= REFETCH_INTERVAL_MS)
    })
}

async fn jwks_refetch(url: &str, now: i64) -> EdgeResult<Rc<Jwks>> {
    jwks(url, now, true).await
}

/// The cached key set for `url`, fetched when absent, expired or `force`d.
pub(super) async fn jwks(url: &str, now: i64, force: bool) -> EdgeResult<Rc<Jwks>> {
    let cached = JWKS_CACHE.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|k| k.url == url && k.expires_at_ms > now && !force)
            .map(|k| k.jwks.clone())
    });
    if let Some(jwks) = cached {
        return Ok(jwks);
    }
    let fetch_err = |e: String| {
        EdgeError::new(
            502,
            "JwksUnavailable",
            format!("cannot fetch JWKS from {url}: {e}"),
        )
    };
    let parsed = worker::Url::parse(url).map_err(|e| fetch_err(e.to_string()))?;
    let mut resp = Fetch::Url(parsed)
        .send()
        .await
        .map_err(|e| fetch_err(e.to_string()))?;
    if resp.status_code() != 200 {
        return Err(fetch_err(format!("status {}", resp.status_code())));
    }
    let ttl = resp
        .headers()
        .get("cache-control")?
        .as_deref()
        .and_then(max_age_ms)
        .unwrap_or(DEFAULT_JWKS_TTL_MS);
    let jwks = Rc::new(Jwks::from_json(&resp.bytes().await?)?);
    let entry = CachedJwks {
        url: url.to_owned(),
        jwks: jwks.clone(),
        fetched_at_ms: now,
        expires_at_ms: now + ttl,
    };
    JWKS_CACHE.with(|c| *c.borrow_mut() = Some(entry));
    Ok(jwks)
}

/// `max-age=N` from a Cache-Control value, in ms, capped at a day.
fn max_age_ms(cache_control: &str) -> Option<i64> {
    cache_control.split(',').find_map(|d| {
        let secs: i64 = d.trim().strip_prefix("max-age=")?.parse().ok()?;
        Some((secs * 1000).min(MAX_JWKS_TTL_MS))
    })
}

/// Checks `Authorization: Bearer <ADMIN_TOKEN>`.
///
/// # Errors
/// 401 when the header is missing or wrong; 503 when no admin token is configured.
pub fn verify_admin(env: &worker::Env, req: &Request) -> EdgeResult<()> {
    let expected = env
        .secret("ADMIN_TOKEN")
        .map(|s| s.to_string())
        .unwrap_or_default();
    if expected.is_empty() {
        return Err(EdgeError::new(
            503,
            "AdminDisabled",
            "ADMIN_TOKEN secret is not set",
        ));
    }
    let header = req.headers().get("authorization")?.unwrap_or_default();
    // Browsers cannot set headers on EventSource: the stream also accepts ?access_token=.
    let query = req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.into_owned());
    let matches = |t: &str| constant_time_eq(t.trim().as_bytes(), expected.as_bytes());
    if header.strip_prefix("Bearer ").is_some_and(matches) || query.as_deref().is_some_and(matches)
    {
        Ok(())
    } else {
        Err(EdgeError::unauthorized(
            "admin bearer token missing or wrong",
        ))
    }
}

/// Percent-decodes a path segment (the secret may contain reserved characters).
fn decode_segment(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
