//! Callback authentication: RS256 JWT against a JWKS fetched from the issuer and cached by
//! expiry, or (local use only, when configured) a shared secret in the callback URI.
//! Incoming-call webhook (Event Grid delivery) authentication: an Entra token against the
//! tenant's JWKS (cached the same way), or a delivery secret.
//! Admin authentication: a bearer token from a secret.

use super::acs::now_ms;
use super::config::{CallbackAuth, Config, IncomingAuth};
use super::respond::{EdgeError, EdgeResult};
use crate::webhook::{
    secrets_equal, Authenticated, DeliveryAuth, DeliveryAuthError, Jwks, JwtError, JwtVerifier,
    VerifiedClaims,
};
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
    // One entry per key-set URL: the callback issuer's and the Entra tenant's.
    static JWKS_CACHE: RefCell<Vec<CachedJwks>> = const { RefCell::new(Vec::new()) };
}

/// Runs `check` with the key set at `url` (cached); when it names a `kid` the set lacks,
/// refetches (at most every [`REFETCH_INTERVAL_MS`]: key rotation, without letting forged
/// tokens turn every request into a download) and runs it once more.
///
/// # Errors
/// 502 `JwksUnavailable` when the key set cannot be fetched; `check`'s own error inside `Ok`.
async fn with_jwks<T, E: NamesUnknownKid>(
    url: &str,
    now: i64,
    check: impl Fn(&Jwks) -> Result<T, E>,
) -> EdgeResult<Result<T, E>> {
    let keys = jwks(url, now, false).await?;
    match check(&keys) {
        Err(e) if e.names_unknown_kid() && may_refetch(url, now) => {
            let fresh = jwks(url, now, true).await?;
            Ok(check(&fresh))
        }
        other => Ok(other),
    }
}

/// A refusal that may only mean the cached key set is stale (a rotated key).
trait NamesUnknownKid {
    fn names_unknown_kid(&self) -> bool;
}

impl NamesUnknownKid for JwtError {
    fn names_unknown_kid(&self) -> bool {
        *self == JwtError::UnknownKid
    }
}

impl NamesUnknownKid for DeliveryAuthError {
    fn names_unknown_kid(&self) -> bool {
        *self == DeliveryAuthError::Token(JwtError::UnknownKid)
    }
}

/// Authenticates an Event Grid delivery from its query string and headers (the body is
/// not read before this passes).
///
/// # Errors
/// 401 `Unauthorized.<reason code>` (`Unauthorized.TokenExpired`, `Unauthorized.SecretMismatch`, …);
/// 502 when the tenant's JWKS cannot be fetched.
pub async fn verify_incoming(
    auth: &IncomingAuth,
    query: Option<&str>,
    headers: &[(String, String)],
) -> EdgeResult<Authenticated> {
    let checked = match auth {
        IncomingAuth::Secret(secret) => DeliveryAuth::Secret(secret).check(query, headers),
        IncomingAuth::Entra(app) => {
            let verifier = app.verifier();
            let now = now_ms();
            with_jwks(&app.jwks_url(), now, |jwks| {
                let auth = DeliveryAuth::Entra {
                    verifier: &verifier,
                    jwks,
                    now_unix: (now / 1000) as u64,
                };
                auth.check(query, headers)
            })
            .await?
        }
    };
    checked.map_err(|e| EdgeError {
        code: format!("Unauthorized.{}", e.code()),
        ..EdgeError::unauthorized(e.to_string())
    })
}

/// Checks a callback request: the verified token's claims in JWT mode, `None` after a
/// shared secret matched.
///
/// # Errors
/// 401 `Unauthorized` with the reason (missing token, bad signature, wrong audience, …);
/// 502 when the JWKS cannot be fetched.
pub async fn verify_callback(cfg: &Config, req: &Request) -> EdgeResult<Option<VerifiedClaims>> {
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
            // A segment that does not decode cannot match (never a lossy near-match).
            let token = from_path
                .map(|t| crate::http::decode_component(&t, false).unwrap_or_default())
                .or(from_query);
            match token {
                Some(t) if secrets_equal(&t, secret) => Ok(None),
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
            let checked = with_jwks(jwks_url, now, |jwks| {
                verifier.verify_authorization(header.as_deref(), jwks, (now / 1000) as u64)
            })
            .await?;
            checked.map(Some).map_err(jwt_error)
        }
    }
}

fn jwt_error(e: JwtError) -> EdgeError {
    EdgeError {
        code: format!("Unauthorized.{}", e.code()),
        ..EdgeError::unauthorized(format!("callback token refused: {e}"))
    }
}

fn may_refetch(url: &str, now: i64) -> bool {
    JWKS_CACHE.with(|c| {
        c.borrow()
            .iter()
            .find(|k| k.url == url)
            .is_none_or(|k| now - k.fetched_at_ms >= REFETCH_INTERVAL_MS)
    })
}

/// The cached key set for `url`, fetched when absent, expired or `force`d.
pub(super) async fn jwks(url: &str, now: i64, force: bool) -> EdgeResult<Rc<Jwks>> {
    let cached = JWKS_CACHE.with(|c| {
        c.borrow()
            .iter()
            .find(|k| k.url == url && k.expires_at_ms > now && !force)
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
    JWKS_CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        cache.retain(|k| k.url != url);
        cache.push(entry);
    });
    Ok(jwks)
}

/// `max-age=N` from a Cache-Control value, in ms, capped at a day.
fn max_age_ms(cache_control: &str) -> Option<i64> {
    cache_control.split(',').find_map(|d| {
        let secs: i64 = d.trim().strip_prefix("max-age=")?.parse().ok()?;
        Some((secs * 1000).min(MAX_JWKS_TTL_MS))
    })
}

/// Checks `Authorization: Bearer <ADMIN_TOKEN>`, or `?access_token=<ADMIN_TOKEN>` (browsers
/// cannot set headers on `EventSource`, so the timeline stream needs it).
///
/// # Errors
/// 401 when the token is missing or wrong; 503 when no admin token is configured.
pub fn verify_admin(env: &worker::Env, req: &Request) -> EdgeResult<()> {
    let query = req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.into_owned());
    verify_admin_token(env, req, query.as_deref())
}

/// Checks `Authorization: Bearer <ADMIN_TOKEN>` only (the `/acs/…` proxy, whose URLs travel
/// on to the service and so must never carry the token).
///
/// # Errors
/// As [`verify_admin`].
pub fn verify_admin_header(env: &worker::Env, req: &Request) -> EdgeResult<()> {
    verify_admin_token(env, req, None)
}

fn verify_admin_token(env: &worker::Env, req: &Request, query: Option<&str>) -> EdgeResult<()> {
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
    let matches = |t: &str| secrets_equal(t.trim(), &expected);
    if header.strip_prefix("Bearer ").is_some_and(matches) || query.is_some_and(matches) {
        Ok(())
    } else {
        Err(EdgeError::unauthorized(
            "admin bearer token missing or wrong",
        ))
    }
}
