//! Authenticating Event Grid deliveries: `IncomingCall` and the subscription handshakes.
//!
//! Event Grid does not sign what it delivers. A webhook that acts on `IncomingCall` must
//! authenticate each delivery one of the two ways Event Grid offers for webhooks
//! (learn.microsoft.com, "Authenticate event delivery to event handlers" and "Deliver events
//! to Microsoft Entra protected endpoints"), and refuse everything else before reading the body:
//!
//! * [`EntraWebhookApp`]: the subscription names a Microsoft Entra application; Event Grid
//!   sends `Authorization: Bearer <access token>` issued by the tenant for that application.
//!   Verified like any Entra access token: RS256 against the tenant's key set, `iss` one of the
//!   tenant's v1/v2 issuers, `aud` the application id or its id URI, `exp`/`nbf`.
//! * [`WebhookSecret`]: a secret in the endpoint URL's query (`?code=<secret>`) or in a static
//!   header set through the subscription's delivery properties, compared in constant time.
//!
//! The handshakes arrive with the same authentication, so [`DeliveryAuth::check`] runs for
//! every request, and [`crate::events::classify_event_grid`] only takes a request that passed
//! it (it needs the [`Authenticated`] proof).

use core::fmt;

use sha2::{Digest, Sha256};

use super::{Jwks, JwtError, JwtVerifier, VerifiedClaims};
use crate::Error;

/// Entra's authority in the public cloud.
pub const ENTRA_PUBLIC_AUTHORITY: &str = "https://login.microsoftonline.com";
/// Issuer host of v1 access tokens in the public cloud (`https://sts.windows.net/<tenant>/`).
pub const ENTRA_PUBLIC_V1_ISSUER_HOST: &str = "https://sts.windows.net";
/// Query parameter that carries a delivery secret (`https://host/api/incoming?code=…`).
pub const SECRET_QUERY_PARAM: &str = "code";
/// Shortest delivery secret accepted (characters), and shortest flow-webhook signing secret
/// ([`super::WebhookSigningSecret`], bytes). Our rule, not the service's: the secret is the
/// only thing between the internet and the incoming-call webhook (or the operator's app), so a
/// guessable one is refused at configuration time.
pub const MIN_SECRET_LEN: usize = 16;

/// The Microsoft Entra application that protects the webhook (Entra-protected delivery).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntraWebhookApp {
    tenant: String,
    audiences: Vec<String>,
    authority: String,
    client_id: Option<String>,
}

impl EntraWebhookApp {
    /// The application with `audiences` (its application id and/or application id URI,
    /// comma-separated when both) in `tenant` (the directory id, or a verified domain).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] with field `tenant` or `audience` when empty or malformed.
    pub fn new(tenant: &str, audiences: &str) -> Result<Self, Error> {
        let tenant = tenant.trim();
        let tenant_ok = !tenant.is_empty()
            && tenant.len() <= 253
            && tenant
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !tenant_ok {
            return Err(Error::invalid(
                "tenant",
                "must be a directory (tenant) id or domain: letters, digits, '-' and '.'",
            ));
        }
        let audiences: Vec<String> = audiences
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect();
        if audiences.is_empty() {
            return Err(Error::invalid(
                "audience",
                "must name the application id or its application id URI",
            ));
        }
        Ok(EntraWebhookApp {
            tenant: tenant.to_owned(),
            audiences,
            authority: ENTRA_PUBLIC_AUTHORITY.to_owned(),
            client_id: None,
        })
    }

    /// Another authority than the public cloud's (a sovereign cloud, or the emulator's
    /// Entra issuer). Its v1 issuer is then `<authority>/<tenant>/`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (field `authority`) unless it is an absolute http(s) URL.
    pub fn authority(mut self, authority: &str) -> Result<Self, Error> {
        let a = authority.trim().trim_end_matches('/');
        let scheme_ok = a.starts_with("https://") || a.starts_with("http://");
        if !scheme_ok
            || a.contains(['?', '#', ' '])
            || a.split("://").nth(1).is_none_or(str::is_empty)
        {
            return Err(Error::invalid(
                "authority",
                "must be an absolute http(s) URL",
            ));
        }
        self.authority = a.to_owned();
        Ok(self)
    }

    /// Also require the token's `azp` (v2) / `appid` (v1) to be `client_id` (Event Grid's
    /// application). Optional: the issuer already pins the tenant.
    pub fn client_id(mut self, client_id: &str) -> Self {
        let id = client_id.trim();
        self.client_id = (!id.is_empty()).then(|| id.to_owned());
        self
    }

    /// The tenant's key set: `<authority>/<tenant>/discovery/v2.0/keys`.
    pub fn jwks_url(&self) -> String {
        format!("{}/{}/discovery/v2.0/keys", self.authority, self.tenant)
    }

    /// The issuers of the tenant's access tokens: v2 `<authority>/<tenant>/v2.0`, and v1
    /// (`https://sts.windows.net/<tenant>/` in the public cloud, else `<authority>/<tenant>/`).
    pub fn issuers(&self) -> [String; 2] {
        let v1_host = if self.authority == ENTRA_PUBLIC_AUTHORITY {
            ENTRA_PUBLIC_V1_ISSUER_HOST
        } else {
            &self.authority
        };
        [
            format!("{}/{}/v2.0", self.authority, self.tenant),
            format!("{}/{}/", v1_host, self.tenant),
        ]
    }

    /// A verifier for the application's delivery tokens.
    pub fn verifier(&self) -> JwtVerifier {
        let [v2, v1] = self.issuers();
        let mut audiences = self.audiences.iter();
        let first = audiences.next().map_or("", String::as_str);
        let mut v = JwtVerifier::new(first).issuer(v2).also_issuer(v1);
        for a in audiences {
            v = v.also_audience(a.clone());
        }
        match &self.client_id {
            Some(id) => v.authorized_party(id.clone()),
            None => v,
        }
    }
}

/// A shared delivery secret, from `?code=` or a configured header. Its `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret {
    secret: String,
    header: Option<String>,
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSecret")
            .field("secret", &"<redacted>")
            .field("header", &self.header)
            .finish()
    }
}

impl WebhookSecret {
    /// `secret`, accepted from the `code` query parameter and, when `header` is given, from
    /// that request header too.
    ///
    /// # Errors
    /// [`Error::InvalidInput`]: field `secret` when shorter than [`MIN_SECRET_LEN`] (the
    /// reason never quotes it), field `header` when not an HTTP token.
    pub fn new(secret: &str, header: Option<&str>) -> Result<Self, Error> {
        if secret.chars().count() < MIN_SECRET_LEN {
            return Err(Error::invalid(
                "secret",
                "must be at least 16 characters (a long random string)",
            ));
        }
        let header = header.map(str::trim).filter(|h| !h.is_empty());
        if let Some(h) = header {
            if !crate::http::is_header_name(h) {
                return Err(Error::invalid("header", "must be an HTTP header name"));
            }
        }
        Ok(WebhookSecret {
            secret: secret.to_owned(),
            header: header.map(str::to_owned),
        })
    }

    /// The header it is also accepted from.
    pub fn header(&self) -> Option<&str> {
        self.header.as_deref()
    }

    /// Checks a request's query string (without `?`) and headers.
    ///
    /// # Errors
    /// [`DeliveryAuthError::SecretMissing`] when neither carries a secret,
    /// [`DeliveryAuthError::SecretMismatch`] when the one given is wrong.
    pub fn check(
        &self,
        query: Option<&str>,
        headers: &[(String, String)],
    ) -> Result<(), DeliveryAuthError> {
        let from_header = self
            .header
            .as_deref()
            .and_then(|name| header(headers, name));
        let from_query = query.and_then(|q| crate::http::query_param(q, SECRET_QUERY_PARAM));
        let given = match (from_header, from_query) {
            (Some(h), _) => Some(h.trim().to_owned()),
            (None, Some(q)) => Some(q.unwrap_or_default()),
            (None, None) => None,
        };
        match given {
            None => Err(DeliveryAuthError::SecretMissing),
            Some(g) if secrets_equal(&g, &self.secret) => Ok(()),
            Some(_) => Err(DeliveryAuthError::SecretMismatch),
        }
    }
}

/// Compares two secrets in time that depends on neither (both are hashed first, so not
/// even the length leaks).
pub fn secrets_equal(given: &str, expected: &str) -> bool {
    let (a, b) = (
        Sha256::digest(given.as_bytes()),
        Sha256::digest(expected.as_bytes()),
    );
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// How this endpoint authenticates Event Grid deliveries, with what a check needs.
#[derive(Debug, Clone, Copy)]
pub enum DeliveryAuth<'a> {
    /// Entra-protected delivery: the verifier ([`EntraWebhookApp::verifier`]), the tenant's
    /// key set and the time.
    Entra {
        verifier: &'a JwtVerifier,
        jwks: &'a Jwks,
        now_unix: u64,
    },
    /// A shared secret.
    Secret(&'a WebhookSecret),
    /// Entra-protected delivery whose token the face verified itself with
    /// [`EntraWebhookApp::verifier`] (split verification with WebCrypto, a key-set refresh):
    /// its claims. [`VerifiedClaims`] cannot be made outside this crate except by verifying.
    Verified(&'a VerifiedClaims),
}

/// Proof that a request passed [`DeliveryAuth::check`] (only that function makes one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    claims: Option<VerifiedClaims>,
}

impl Authenticated {
    /// The verified token's claims (Entra mode); `None` for a secret.
    pub fn claims(&self) -> Option<&VerifiedClaims> {
        self.claims.as_ref()
    }
}

impl DeliveryAuth<'_> {
    /// Authenticates a request from its query string (without `?`) and headers; the body is
    /// not needed and should not be read before this passes.
    ///
    /// # Errors
    /// Why it was refused. [`DeliveryAuthError::Token`] with [`JwtError::UnknownKid`] is the
    /// one worth a key-set refresh (key rotation) before giving up.
    pub fn check(
        &self,
        query: Option<&str>,
        headers: &[(String, String)],
    ) -> Result<Authenticated, DeliveryAuthError> {
        match self {
            DeliveryAuth::Entra {
                verifier,
                jwks,
                now_unix,
            } => verifier
                .verify_authorization(header(headers, "authorization"), jwks, *now_unix)
                .map(|c| Authenticated { claims: Some(c) })
                .map_err(DeliveryAuthError::Token),
            DeliveryAuth::Secret(secret) => secret
                .check(query, headers)
                .map(|()| Authenticated { claims: None }),
            DeliveryAuth::Verified(claims) => Ok(Authenticated {
                claims: Some((*claims).clone()),
            }),
        }
    }
}

/// Why a delivery was refused. Never carries the token or the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeliveryAuthError {
    /// The Entra token was missing or refused.
    Token(JwtError),
    /// No secret in the query (`code`) or the configured header.
    SecretMissing,
    /// A secret was given and is wrong.
    SecretMismatch,
}

impl DeliveryAuthError {
    /// A stable code (`TokenExpired`, `SecretMismatch`, …).
    pub fn code(&self) -> &'static str {
        match self {
            DeliveryAuthError::Token(e) => e.code(),
            DeliveryAuthError::SecretMissing => "SecretMissing",
            DeliveryAuthError::SecretMismatch => "SecretMismatch",
        }
    }
}

impl fmt::Display for DeliveryAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeliveryAuthError::Token(e) => write!(f, "delivery token refused: {e}"),
            DeliveryAuthError::SecretMissing => f.write_str("delivery secret missing"),
            DeliveryAuthError::SecretMismatch => f.write_str("delivery secret does not match"),
        }
    }
}

impl std::error::Error for DeliveryAuthError {}

impl From<DeliveryAuthError> for Error {
    fn from(e: DeliveryAuthError) -> Self {
        Error::Unauthorized {
            reason: e.to_string(),
        }
    }
}
