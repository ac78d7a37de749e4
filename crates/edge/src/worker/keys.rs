//! Key sets (JWKS) of the callback issuer and of the Entra tenant, cached per isolate, and
//! RS256 verification with WebCrypto.
//!
//! The policy stays in the core: [`JwtVerifier::prepare`] parses the token, pins the
//! algorithm to RS256 and picks the key by `kid`; [`JwtVerifier::finish`] checks the claims.
//! Only the RSA operation in between runs in the runtime's `crypto.subtle.verify`
//! (RSASSA-PKCS1-v1_5, SHA-256), with the key imported once per key-set fetch and kept beside
//! it (an RSA check in wasm costs ~0.8 ms of CPU; see BENCHMARKS.md, "Callback verification").
//! The WebCrypto calls go through web-sys's typed bindings (`SubtleCrypto`, `CryptoKey`), and
//! the JWK and algorithm dictionaries are serde structs made into JS objects by
//! serde-wasm-bindgen, rather than hand-set properties.
//! Should WebCrypto be missing or refuse a key, the core's own RSA check runs instead.

use super::respond::{EdgeError, EdgeResult};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use callsteer::webhook::{bearer_token, Jwks, JwtError, JwtVerifier, VerifiedClaims};
use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Crypto, CryptoKey, SubtleCrypto};
use worker::Fetch;

/// Default JWKS lifetime when the response has no `Cache-Control: max-age`.
const DEFAULT_JWKS_TTL_MS: i64 = 3_600_000;
/// Upper bound on a JWKS lifetime, whatever the server says.
const MAX_JWKS_TTL_MS: i64 = 86_400_000;
/// An unknown `kid` triggers a refetch at most this often (key rotation, without letting
/// forged tokens turn every request into a JWKS download).
const REFETCH_INTERVAL_MS: i64 = 10_000;

/// One fetched key set and the WebCrypto keys imported from it so far.
pub(crate) struct KeySet {
    url: String,
    jwks: Jwks,
    fetched_at_ms: i64,
    expires_at_ms: i64,
    /// `(kid, CryptoKey)`, imported on first use; dropped with the set on refetch.
    imported: RefCell<Vec<(String, CryptoKey)>>,
}

thread_local! {
    // One entry per key-set URL: the callback issuer's and the Entra tenant's.
    static CACHE: RefCell<Vec<Rc<KeySet>>> = const { RefCell::new(Vec::new()) };
}

/// Verifies an `Authorization` header value against the key set at `url` with `verifier`'s
/// policy: WebCrypto for the signature, the core for everything else. A token naming a `kid`
/// the set lacks makes one refetch (at most every [`REFETCH_INTERVAL_MS`]) and one more try.
///
/// # Errors
/// 502 `JwksUnavailable` when the key set cannot be fetched; the token's refusal inside `Ok`.
pub(crate) async fn verify_bearer(
    url: &str,
    verifier: &JwtVerifier,
    authorization: Option<&str>,
    now_ms: i64,
) -> EdgeResult<Result<VerifiedClaims, JwtError>> {
    let token = match bearer_token(authorization) {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    let set = key_set(url, now_ms, false).await?;
    match set.verify(verifier, token, now_ms).await {
        Err(JwtError::UnknownKid) if may_refetch(url, now_ms) => {
            let fresh = key_set(url, now_ms, true).await?;
            Ok(fresh.verify(verifier, token, now_ms).await)
        }
        other => Ok(other),
    }
}

impl KeySet {
    /// The parsed keys (the benchmark build's `callback-rust` run verifies with them in wasm).
    #[cfg(feature = "bench")]
    pub(crate) fn jwks(&self) -> &Jwks {
        &self.jwks
    }

    /// Verifies `token` at `now_ms`: prepare (core) → signature (WebCrypto) → finish (core).
    ///
    /// # Errors
    /// The first check that fails, as [`JwtVerifier::verify`] orders them.
    pub(crate) async fn verify(
        &self,
        verifier: &JwtVerifier,
        token: &str,
        now_ms: i64,
    ) -> Result<VerifiedClaims, JwtError> {
        let prepared = verifier.prepare(token, &self.jwks)?;
        let valid = match self.crypto_key(prepared.key_id()).await {
            Some(key) => subtle_verify(&key, prepared.signature(), prepared.signing_input()).await,
            None => prepared.verify_signature(&self.jwks).is_ok(),
        };
        verifier.finish(prepared, valid, (now_ms / 1000) as u64)
    }

    /// The WebCrypto key for `kid`, imported on first use.
    async fn crypto_key(&self, kid: &str) -> Option<CryptoKey> {
        let cached = self
            .imported
            .borrow()
            .iter()
            .find(|(k, _)| k == kid)
            .map(|(_, key)| key.clone());
        if cached.is_some() {
            return cached;
        }
        let (n, e) = self.jwks.rsa_components(kid)?;
        let key = import_rsa_key(&n, &e).await?;
        self.imported
            .borrow_mut()
            .push((kid.to_owned(), key.clone()));
        Some(key)
    }
}

/// A public RSA key as WebCrypto imports it (`format = "jwk"`).
#[derive(Serialize)]
struct RsaJwk {
    kty: &'static str,
    n: String,
    e: String,
    alg: &'static str,
}

/// `RsaHashedImportParams` / the `verify` algorithm: RSASSA-PKCS1-v1_5 with SHA-256.
#[derive(Serialize)]
struct Rs256 {
    name: &'static str,
    hash: &'static str,
}

const RS256: Rs256 = Rs256 {
    name: "RSASSA-PKCS1-v1_5",
    hash: "SHA-256",
};

/// A serde value as a plain JS object (what WebCrypto's dictionaries are).
fn object<T: Serialize>(value: &T) -> Option<Object> {
    serde_wasm_bindgen::to_value(value).ok()?.dyn_into().ok()
}

/// What every verification needs from the runtime, looked up once per isolate.
struct WebCrypto {
    subtle: SubtleCrypto,
    rs256: Object,
}

thread_local! {
    static WEB_CRYPTO: Option<Rc<WebCrypto>> = web_crypto();
}

fn web_crypto() -> Option<Rc<WebCrypto>> {
    // Unchecked casts: web-sys's checked ones test `instanceof`, and a runtime need not expose
    // the `Crypto` / `CryptoKey` classes as globals (the objects are what matter).
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).ok()?;
    if !crypto.is_object() {
        return None;
    }
    Some(Rc::new(WebCrypto {
        subtle: crypto.unchecked_into::<Crypto>().subtle(),
        rs256: object(&RS256)?,
    }))
}

/// The runtime's `crypto.subtle` (`globalThis.crypto` in a Worker) and the RS256 algorithm.
fn subtle() -> Option<Rc<WebCrypto>> {
    WEB_CRYPTO.with(Clone::clone)
}

/// Imports a public key (big-endian modulus and exponent) for RS256 verification.
async fn import_rsa_key(n: &[u8], e: &[u8]) -> Option<CryptoKey> {
    let jwk = RsaJwk {
        kty: "RSA",
        n: URL_SAFE_NO_PAD.encode(n),
        e: URL_SAFE_NO_PAD.encode(e),
        alg: "RS256",
    };
    let usages = Array::of1(&"verify".into());
    let web = subtle()?;
    let promise = web
        .subtle
        .import_key_with_object("jwk", &object(&jwk)?, &web.rs256, false, &usages)
        .ok()?;
    let key = JsFuture::from(promise).await.ok()?;
    key.is_object().then(|| key.unchecked_into())
}

/// `crypto.subtle.verify` of an RS256 signature; anything but a `true` answer is invalid.
async fn subtle_verify(key: &CryptoKey, signature: &[u8], data: &[u8]) -> bool {
    let Some(web) = subtle() else {
        return false;
    };
    let Ok(promise) = web
        .subtle
        .verify_with_object_and_u8_array_and_u8_array(&web.rs256, key, signature, data)
    else {
        return false;
    };
    JsFuture::from(promise)
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

fn may_refetch(url: &str, now: i64) -> bool {
    CACHE.with(|c| {
        c.borrow()
            .iter()
            .find(|k| k.url == url)
            .is_none_or(|k| now - k.fetched_at_ms >= REFETCH_INTERVAL_MS)
    })
}

/// The cached key set for `url`, fetched when absent, expired or `force`d.
///
/// # Errors
/// 502 `JwksUnavailable` when it cannot be fetched or parsed.
pub(crate) async fn key_set(url: &str, now: i64, force: bool) -> EdgeResult<Rc<KeySet>> {
    let cached = CACHE.with(|c| {
        c.borrow()
            .iter()
            .find(|k| k.url == url && k.expires_at_ms > now && !force)
            .cloned()
    });
    if let Some(set) = cached {
        return Ok(set);
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
    let jwks = Jwks::from_json(&resp.bytes().await?).map_err(|e| fetch_err(e.to_string()))?;
    let set = Rc::new(KeySet {
        url: url.to_owned(),
        jwks,
        fetched_at_ms: now,
        expires_at_ms: now + ttl,
        imported: RefCell::new(Vec::new()),
    });
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        cache.retain(|k| k.url != url);
        cache.push(set.clone());
    });
    Ok(set)
}

/// `max-age=N` from a Cache-Control value, in ms, capped at a day.
fn max_age_ms(cache_control: &str) -> Option<i64> {
    cache_control.split(',').find_map(|d| {
        let secs: i64 = d.trim().strip_prefix("max-age=")?.parse().ok()?;
        Some((secs * 1000).min(MAX_JWKS_TTL_MS))
    })
}
