//! Verifying the `Authorization: Bearer <JWT>` that Call Automation puts on every callback.
//!
//! Fail closed: the algorithm is pinned to RS256 (no `none`, no HMAC, whatever the header
//! says), the key is chosen only by `kid` from the [`Jwks`] you pass, the signature is
//! checked before any claim is read, then issuer, audience, `exp` and `nbf` (with a bounded
//! clock skew) are checked against `now`, which you pass. Errors say what failed and never
//! contain the token.

use core::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Jwks, PreparedToken};
use crate::Error;

/// Issuer of Call Automation callback tokens.
pub const ACS_CALLBACK_ISSUER: &str = "https://acscallautomation.communication.azure.com";
/// Default tolerated clock skew, seconds.
pub const DEFAULT_LEEWAY_SECS: u64 = 60;
/// Largest clock skew [`JwtVerifier::leeway_secs`] accepts (the tokens live 5 minutes).
pub const MAX_LEEWAY_SECS: u64 = 300;
/// Longest token accepted, bytes (real ones are ~1 KB; bounds the work on junk input).
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Why a token was refused. Matchable; never carries token material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JwtError {
    /// No `Authorization` header, or an empty one.
    Missing,
    /// Not a well-formed JWT (the reason says which part).
    Malformed(&'static str),
    /// `alg` is not `RS256`.
    Algorithm,
    /// No `kid`, or no key with that `kid` in the JWKS.
    UnknownKid,
    /// The signature does not verify.
    Signature,
    /// `iss` is not the expected issuer.
    Issuer,
    /// `aud` does not contain the expected audience.
    Audience,
    /// `exp` is past (beyond the leeway).
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    NotYetValid,
    /// The token was issued to another client than the one required
    /// ([`JwtVerifier::authorized_party`]: `azp` in v2 Entra tokens, `appid` in v1).
    AuthorizedParty,
}

impl JwtError {
    /// A stable code for branching (`err.code` in JS).
    pub fn code(&self) -> &'static str {
        match self {
            JwtError::Missing => "TokenMissing",
            JwtError::Malformed(_) => "TokenMalformed",
            JwtError::Algorithm => "TokenAlgorithm",
            JwtError::UnknownKid => "TokenUnknownKid",
            JwtError::Signature => "TokenSignature",
            JwtError::Issuer => "TokenIssuer",
            JwtError::Audience => "TokenAudience",
            JwtError::Expired => "TokenExpired",
            JwtError::NotYetValid => "TokenNotYetValid",
            JwtError::AuthorizedParty => "TokenAuthorizedParty",
        }
    }
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwtError::Missing => f.write_str("no bearer token"),
            JwtError::Malformed(why) => write!(f, "malformed token: {why}"),
            JwtError::Algorithm => f.write_str("token algorithm is not RS256"),
            JwtError::UnknownKid => f.write_str("token key id is not in the key set"),
            JwtError::Signature => f.write_str("token signature does not verify"),
            JwtError::Issuer => f.write_str("token issuer is not the expected one"),
            JwtError::Audience => f.write_str("token audience is not the expected one"),
            JwtError::Expired => f.write_str("token expired"),
            JwtError::NotYetValid => f.write_str("token not yet valid"),
            JwtError::AuthorizedParty => {
                f.write_str("token was issued to a client that is not the expected one")
            }
        }
    }
}

impl std::error::Error for JwtError {}

impl From<JwtError> for Error {
    fn from(e: JwtError) -> Self {
        Error::Unauthorized {
            reason: e.to_string(),
        }
    }
}

/// The claims of a verified token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VerifiedClaims {
    /// `iss` (one of the accepted issuers).
    pub issuer: String,
    /// `aud` (one or more).
    pub audience: Vec<String>,
    /// `exp`, Unix seconds.
    pub expires_at: u64,
    /// `nbf`, Unix seconds.
    pub not_before: Option<u64>,
    /// `iat`, Unix seconds.
    pub issued_at: Option<u64>,
    /// The `kid` of the key that signed it.
    pub key_id: String,
}

/// Checks RS256 tokens: callback tokens for one ACS resource by default, or any issuer and
/// audience set (Microsoft Entra tokens on Event Grid deliveries, see
/// [`super::EntraWebhookApp::verifier`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtVerifier {
    /// Accepted `iss` values (one matches exactly).
    issuers: Vec<String>,
    /// Accepted audiences (`aud` must contain one of them).
    audiences: Vec<String>,
    /// Required `azp` / `appid`, when set.
    authorized_party: Option<String>,
    leeway: u64,
}

const PAYLOAD_ERRORS: (&str, &str) = ("payload is not base64url", "payload is not a JSON object");

impl JwtVerifier {
    /// A verifier expecting `aud` = `audience` (the ACS resource's immutable resource id),
    /// issuer [`ACS_CALLBACK_ISSUER`] and [`DEFAULT_LEEWAY_SECS`] of clock skew.
    pub fn new(audience: impl Into<String>) -> Self {
        JwtVerifier {
            issuers: vec![ACS_CALLBACK_ISSUER.to_owned()],
            audiences: vec![audience.into()],
            authorized_party: None,
            leeway: DEFAULT_LEEWAY_SECS,
        }
    }

    /// Expect another issuer (an emulator, a sovereign cloud) instead of the ones so far.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuers = vec![issuer.into()];
        self
    }

    /// Accept `issuer` too (Entra's v1 and v2 issuers of one tenant).
    pub fn also_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuers.push(issuer.into());
        self
    }

    /// Accept `audience` too (an application's id and its application id URI).
    pub fn also_audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }

    /// Require the token to be issued to this client: `azp` (Entra v2 tokens) or `appid`
    /// (v1) must equal `client_id`. Not checked unless set.
    pub fn authorized_party(mut self, client_id: impl Into<String>) -> Self {
        self.authorized_party = Some(client_id.into());
        self
    }

    /// Tolerated clock skew in seconds, capped at [`MAX_LEEWAY_SECS`].
    pub fn leeway_secs(mut self, secs: u64) -> Self {
        self.leeway = secs.min(MAX_LEEWAY_SECS);
        self
    }

    /// Verifies the value of an `Authorization` header (`Bearer <token>`).
    ///
    /// # Errors
    /// [`JwtError::Missing`] when the header is absent or empty, [`JwtError::Malformed`]
    /// when the scheme is not `Bearer`; otherwise as [`JwtVerifier::verify`].
    pub fn verify_authorization(
        &self,
        authorization: Option<&str>,
        jwks: &Jwks,
        now_unix: u64,
    ) -> Result<VerifiedClaims, JwtError> {
        self.verify(bearer_token(authorization)?, jwks, now_unix)
    }

    /// Verifies a compact JWT at `now_unix` (seconds), entirely in Rust: [`Self::prepare`],
    /// [`PreparedToken::verify_signature`], then [`Self::finish`].
    ///
    /// # Errors
    /// The first check that fails, in this order: [`JwtError::Missing`] (empty),
    /// [`JwtError::Malformed`], [`JwtError::Algorithm`], [`JwtError::UnknownKid`],
    /// [`JwtError::Signature`], [`JwtError::Issuer`], [`JwtError::Audience`],
    /// [`JwtError::Expired`], [`JwtError::NotYetValid`], [`JwtError::AuthorizedParty`].
    pub fn verify(
        &self,
        token: &str,
        jwks: &Jwks,
        now_unix: u64,
    ) -> Result<VerifiedClaims, JwtError> {
        let prepared = self.prepare(token, jwks)?;
        let valid = prepared.verify_signature(jwks).is_ok();
        self.finish(prepared, valid, now_unix)
    }

    /// First half of a split verification, for a face that checks the RS256 signature with
    /// a faster primitive (WebCrypto `crypto.subtle.verify` in a Worker, see BENCHMARKS.md):
    /// checks the structure, pins the algorithm, picks the key by `kid`. Claims are not read.
    ///
    /// # Errors
    /// [`JwtError::Missing`], [`JwtError::Malformed`], [`JwtError::Algorithm`],
    /// [`JwtError::UnknownKid`].
    pub fn prepare<'t>(&self, token: &'t str, jwks: &Jwks) -> Result<PreparedToken<'t>, JwtError> {
        PreparedToken::parse(token, jwks)
    }

    /// Second half: `signature_valid` is the caller's RS256 check of
    /// [`PreparedToken::signature`] over [`PreparedToken::signing_input`] with the key
    /// [`PreparedToken::key_id`] names. Only then are the claims decoded and checked.
    ///
    /// # Errors
    /// [`JwtError::Signature`] when `signature_valid` is false; then as [`Self::verify`].
    pub fn finish(
        &self,
        prepared: PreparedToken<'_>,
        signature_valid: bool,
        now_unix: u64,
    ) -> Result<VerifiedClaims, JwtError> {
        if !signature_valid {
            return Err(JwtError::Signature);
        }
        let claims: Value = decode_json(prepared.payload(), PAYLOAD_ERRORS)?;
        self.check_claims(&claims, prepared.key_id().to_owned(), now_unix)
    }

    fn check_claims(&self, c: &Value, kid: String, now: u64) -> Result<VerifiedClaims, JwtError> {
        let issuer = c.get("iss").and_then(Value::as_str);
        let Some(issuer) = issuer.filter(|i| self.issuers.iter().any(|x| x == i)) else {
            return Err(JwtError::Issuer);
        };
        let audience = audiences(c.get("aud"))?;
        if !audience.iter().any(|a| self.audiences.contains(a)) {
            return Err(JwtError::Audience);
        }
        let exp = numeric_date(c, "exp")?.ok_or(JwtError::Malformed("no exp claim"))?;
        if now > exp.saturating_add(self.leeway) {
            return Err(JwtError::Expired);
        }
        let nbf = numeric_date(c, "nbf")?;
        if nbf.is_some_and(|nbf| now.saturating_add(self.leeway) < nbf) {
            return Err(JwtError::NotYetValid);
        }
        if let Some(party) = &self.authorized_party {
            let azp = c
                .get("azp")
                .or_else(|| c.get("appid"))
                .and_then(Value::as_str);
            if azp != Some(party.as_str()) {
                return Err(JwtError::AuthorizedParty);
            }
        }
        Ok(VerifiedClaims {
            issuer: issuer.to_owned(),
            audience,
            expires_at: exp,
            not_before: nbf,
            issued_at: numeric_date(c, "iat")?,
            key_id: kid,
        })
    }
}

/// The token of an `Authorization: Bearer <token>` header value (scheme case-insensitive),
/// for a face that splits verification ([`JwtVerifier::prepare`] / [`JwtVerifier::finish`]).
///
/// # Errors
/// [`JwtError::Missing`] when the value is absent or empty, [`JwtError::Malformed`] when the
/// scheme is not `Bearer`.
pub fn bearer_token(authorization: Option<&str>) -> Result<&str, JwtError> {
    let value = authorization
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or(JwtError::Missing)?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or(JwtError::Malformed("not a Bearer token"))?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(JwtError::Malformed("not a Bearer token"));
    }
    Ok(token.trim_start())
}

/// Decodes one base64url JSON segment; the two messages name the segment in errors.
pub(super) fn decode_json<T: for<'de> Deserialize<'de>>(
    segment: &str,
    (not_base64, not_json): (&'static str, &'static str),
) -> Result<T, JwtError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| JwtError::Malformed(not_base64))?;
    serde_json::from_slice(&bytes).map_err(|_| JwtError::Malformed(not_json))
}

fn audiences(aud: Option<&Value>) -> Result<Vec<String>, JwtError> {
    match aud {
        None => Err(JwtError::Audience),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or(JwtError::Malformed("aud is not a string"))
            })
            .collect(),
        Some(_) => Err(JwtError::Malformed("aud is not a string")),
    }
}

/// A NumericDate claim: absent → `None`; a non-negative number (fractions dropped) → seconds.
fn numeric_date(c: &Value, name: &'static str) -> Result<Option<u64>, JwtError> {
    match c.get(name) {
        None => Ok(None),
        Some(v) => match (v.as_u64(), v.as_f64()) {
            (Some(n), _) => Ok(Some(n)),
            (None, Some(f)) if f >= 0.0 && f.is_finite() => Ok(Some(f as u64)),
            _ => Err(JwtError::Malformed(match name {
                "exp" => "exp is not a NumericDate",
                "nbf" => "nbf is not a NumericDate",
                _ => "iat is not a NumericDate",
            })),
        },
    }
}
