//! [`Error`] → the JS `Error` the wrapper rethrows as-is.
//!
//! Only input errors arise in the wasm (service, transport and abort errors are made by the
//! wrapper, which sees the response): an `Error` with `name: "InvalidInputError"`,
//! `code: "InvalidInput"` and `field`, the same shape the wrapper's own argument checks
//! throw — and the refusals of a flow-webhook signature ([`signature`]). The message is built
//! by concatenation rather than `Display` so no formatting code is linked for it.

use callsteer::webhook::SignatureError;
use callsteer::Error;
use wasm_bindgen::JsValue;

fn set(target: &JsValue, key: &str, value: &str) {
    let _ = js_sys::Reflect::set(target, &key.into(), &value.into());
}

/// The JS error for a core error (used as `map_err(throw)`).
#[allow(clippy::needless_pass_by_value)] // the `map_err` shape
pub(crate) fn throw(err: Error) -> JsValue {
    let (name, field, message) = match &err {
        Error::InvalidInput { field, reason } => {
            let mut m = String::with_capacity(field.len() + reason.len() + 10);
            m.push_str("invalid ");
            m.push_str(field);
            m.push_str(": ");
            m.push_str(reason);
            ("InvalidInputError", Some(field.as_str()), m)
        }
        // A response body the engine could not read: the shell's DecodeError.
        Error::Decode { what, reason } => (
            "DecodeError",
            None,
            ["cannot decode ", what, ": ", reason].concat(),
        ),
        // Only input and decode errors arise in the engine; anything else keeps its code as
        // the message (no `Display`, whose formatting code would be linked for this one line).
        other => ("Error", None, other.code().to_owned()),
    };
    let e = js_sys::Error::new(&message);
    e.set_name(name);
    set(&e, "code", err.code());
    if let Some(f) = field {
        set(&e, "field", f);
    }
    e.into()
}

/// The JS error for a refused flow-webhook signature (used as `map_err(signature)`): an
/// `Error` with `name: "WebhookSignatureError"` and the core's code (`MalformedHeader`,
/// `Expired`, `InvalidSignature`) and message, which never contain the secret.
pub(crate) fn signature(err: SignatureError) -> JsValue {
    let e = js_sys::Error::new(&err.describe());
    e.set_name("WebhookSignatureError");
    set(&e, "code", err.code());
    e.into()
}

/// A `SyntaxError` (what `JSON.parse` throws) for JSON the engine could not read.
pub(crate) fn syntax(err: &Error) -> JsValue {
    let message = match err {
        Error::Decode { what, reason } => [what.as_str(), ": ", reason].concat(),
        other => other.code().to_owned(),
    };
    js_sys::SyntaxError::new(&message).into()
}
