//! Callback authentication: RS256 JWT against the issuer's key set ([`super::keys`]: cached,
//! signature checked with WebCrypto), or (local use only, when configured) a shared secret in
//! the callback URI.
//! Incoming-call webhook (Event Grid delivery) authentication: an Entra token against the
//! tenant's key set (the same way), or a delivery secret.
//! Admin authentication: the bootstrap bearer token from the `ADMIN_TOKEN` secret, or a
//! credential an admin created (`crate::access::credential`, kept hashed by
//! [`super::credentials_object`]); either one gives a [`Caller`] with its role.

use super::acs::now_ms;
use super::config::{CallbackAuth, Config, IncomingAuth};
use super::keys::verify_bearer;
use super::respond::{EdgeError, EdgeResult};
use crate::access::credential::{hash, looks_like_token};
use crate::access::{Caller, Role};
use crate::routing::revisions::fingerprint;
use callsteer::webhook::{
    secrets_equal, Authenticated, DeliveryAuth, DeliveryAuthError, JwtError, JwtVerifier,
    VerifiedClaims,
};
use worker::Request;

/// Authenticates an Event Grid delivery from its query string and headers (the body is
/// not read before this passes).
///
/// # Errors
/// 401 `Unauthorized.<reason code>` (`Unauthorized.TokenExpired`, `Unauthorized.SecretMismatch`, …);
/// 502 when the tenant's JWKS cannot be fetched.
pub(crate) async fn verify_incoming(
    auth: &IncomingAuth,
    query: Option<&str>,
    headers: &[(String, String)],
) -> EdgeResult<Authenticated> {
    let checked = match auth {
        IncomingAuth::Secret(secret) => DeliveryAuth::Secret(secret).check(query, headers),
        IncomingAuth::Entra(app) => {
            let authorization = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
                .map(|(_, v)| v.as_str());
            match verify_bearer(&app.jwks_url(), &app.verifier(), authorization, now_ms()).await? {
                Ok(claims) => DeliveryAuth::Verified(&claims).check(query, headers),
                Err(e) => Err(DeliveryAuthError::Token(e)),
            }
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
pub(crate) async fn verify_callback(
    cfg: &Config,
    req: &Request,
) -> EdgeResult<Option<VerifiedClaims>> {
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
                .map(|t| callsteer::http::decode_component(&t, false).unwrap_or_default())
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
            let checked = verify_bearer(jwks_url, &verifier, header.as_deref(), now_ms()).await?;
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

/// The admin credential a request presents: `Authorization: Bearer <token>`, or
/// `?access_token=<token>` — only where a browser cannot send a header: the live stream
/// (`EventSource`, [`query_token_allowed`]). A token in a URL ends up in logs and history, so
/// no route that writes takes one. Then who it is ([`caller`]).
///
/// # Errors
/// 401 when the token is missing or unknown (or revoked); 503 when no `ADMIN_TOKEN` is set.
pub(crate) async fn admin_caller(
    env: &worker::Env,
    req: &Request,
    path: &[&str],
) -> EdgeResult<Caller> {
    let query = if query_token_allowed(&req.method(), path) {
        req.url()?
            .query_pairs()
            .find(|(k, _)| k == "access_token")
            .map(|(_, v)| v.into_owned())
    } else {
        None
    };
    caller(env, req, query).await
}

/// True for the one admin route a token may come to in the URL: `GET /admin/calls/{id}/events`.
fn query_token_allowed(method: &worker::Method, path: &[&str]) -> bool {
    *method == worker::Method::Get && matches!(path, ["calls", _, "events"])
}

/// The caller of the `/acs/…` proxy, from `Authorization: Bearer <token>` only (its URLs travel
/// on to the service and so must never carry a token).
///
/// # Errors
/// As [`admin_caller`].
pub(crate) async fn proxy_caller(env: &worker::Env, req: &Request) -> EdgeResult<Caller> {
    caller(env, req, None).await
}

/// Who presents the bearer (or, failing that, the query token): the `ADMIN_TOKEN` secret is the
/// bootstrap admin; a token shaped like a created one ([`looks_like_token`]) is looked up, by
/// its hash, in the credentials object; anything else is refused without a lookup.
async fn caller(env: &worker::Env, req: &Request, query: Option<String>) -> EdgeResult<Caller> {
    let bootstrap = env
        .secret("ADMIN_TOKEN")
        .map(|s| s.to_string())
        .unwrap_or_default();
    if bootstrap.is_empty() {
        return Err(EdgeError::new(
            503,
            "AdminDisabled",
            "ADMIN_TOKEN secret is not set",
        ));
    }
    let header = req.headers().get("authorization")?.unwrap_or_default();
    let presented = header
        .strip_prefix("Bearer ")
        .map(str::to_owned)
        .or(query)
        .map(|t| t.trim().to_owned())
        .unwrap_or_default();
    let refused = || EdgeError::unauthorized("admin bearer token missing or wrong");
    if presented.is_empty() {
        return Err(refused());
    }
    if secrets_equal(&presented, &bootstrap) {
        return Ok(Caller {
            role: Role::Admin,
            fingerprint: fingerprint(&bootstrap),
            label: "ADMIN_TOKEN".into(),
            bootstrap: true,
        });
    }
    if !looks_like_token(&presented) {
        return Err(refused());
    }
    match super::credentials::lookup(env, &hash(&presented)).await? {
        Some(c) => Ok(Caller {
            role: c.role,
            fingerprint: c.fingerprint,
            label: c.label,
            bootstrap: false,
        }),
        None => Err(refused()),
    }
}
