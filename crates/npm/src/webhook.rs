//! `verifyWebhookSignature` / `signWebhookBody`: the core's `Callsteer-Signature` scheme
//! ([`callsteer::webhook::verify`], [`callsteer::webhook::sign`]) for operators' apps. Not part
//! of the official package: our own addition, for apps behind the edge worker's flow webhooks.
//!
//! The shell (`crates/npm/js/webhook.mjs`) turns the body into bytes and reads the clock when
//! the app gives none; the header's form, the time window and the HMAC are the core's.

use callsteer::webhook::{self, WebhookSigningSecret, DEFAULT_TOLERANCE_SECONDS};
use callsteer::Error;
use wasm_bindgen::prelude::*;

use crate::error::{signature, throw};

/// `now` as Unix seconds.
///
/// # Errors
/// An `InvalidInputError` naming `now` unless it is a finite, non-negative number of
/// milliseconds (an invalid `Date` gives `NaN`).
fn now_secs(now_ms: f64) -> Result<u64, JsValue> {
    if now_ms.is_finite() && now_ms >= 0.0 {
        Ok(crate::secs(now_ms))
    } else {
        Err(throw(Error::invalid(
            "now",
            "must be a Date or milliseconds since the Unix epoch",
        )))
    }
}

/// `toleranceInSeconds`, [`DEFAULT_TOLERANCE_SECONDS`] when absent; a fraction is dropped,
/// `Infinity` turns the time check off.
///
/// # Errors
/// An `InvalidInputError` naming `toleranceInSeconds` when negative or not a number.
fn tolerance(seconds: Option<f64>) -> Result<u64, JsValue> {
    match seconds {
        None => Ok(DEFAULT_TOLERANCE_SECONDS),
        // `as` saturates: Infinity becomes u64::MAX.
        Some(s) if s >= 0.0 => Ok(s as u64),
        Some(_) => Err(throw(Error::invalid(
            "toleranceInSeconds",
            "must be a number of seconds, 0 or more",
        ))),
    }
}

fn secret(text: &str) -> Result<WebhookSigningSecret, JsValue> {
    WebhookSigningSecret::new(text).map_err(throw)
}

/// The `Callsteer-Signature` header value for `body` (the bytes sent) signed with `secret` at
/// `now_ms` ([`callsteer::webhook::sign`]).
///
/// # Errors
/// An `InvalidInputError` naming `secret` (shorter than 16 bytes) or `now`.
#[wasm_bindgen(js_name = webhookSign)]
pub fn webhook_sign(body: &[u8], secret_text: &str, now_ms: f64) -> Result<String, JsValue> {
    let key = secret(secret_text)?;
    Ok(webhook::sign(&key, now_secs(now_ms)?, body))
}

/// Verifies `header` (the `Callsteer-Signature` value) for `body` (the raw bytes received)
/// under `secret` at `now_ms`, within `tolerance_s` seconds (absent: the core's default);
/// returns the header's `t` (Unix seconds) ([`callsteer::webhook::verify`]).
///
/// # Errors
/// A `WebhookSignatureError` whose `code` is `MalformedHeader`, `Expired` or
/// `InvalidSignature` ([`callsteer::webhook::SignatureError::code`]); an `InvalidInputError`
/// naming `secret`, `now` or `toleranceInSeconds` for a bad argument.
#[wasm_bindgen(js_name = webhookVerify)]
pub fn webhook_verify(
    body: &[u8],
    header: &str,
    secret_text: &str,
    now_ms: f64,
    tolerance_s: Option<f64>,
) -> Result<f64, JsValue> {
    let key = secret(secret_text)?;
    let (now, window) = (now_secs(now_ms)?, tolerance(tolerance_s)?);
    webhook::verify(&key, header, body, now, window)
        .map(|t| t as f64)
        .map_err(signature)
}
