//! [`Error`] → a JS `Error` callers can branch on.
//!
//! Every rejection is an `Error` instance with `name`, `code`, `statusCode`, and — when the
//! service sent them — `subCode`, `requestId` and `details`. Names follow what users of the
//! official package already test for: service and network failures are `"RestError"` (as
//! `@azure/core-rest-pipeline` throws), a cancelled call is `"AbortError"`, refused input is
//! `"InvalidInputError"` with the offending `field`.

use crate::Error;
use wasm_bindgen::JsValue;

/// Why a call did not produce a result.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The core's error.
    Core(Error),
    /// The caller's `abortSignal` fired.
    Aborted,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

fn set(target: &JsValue, key: &str, value: impl Into<JsValue>) {
    let _ = js_sys::Reflect::set(target, &key.into(), &value.into());
}

/// The JS error for a failure.
pub(crate) fn to_js(f: &Failure) -> JsValue {
    match f {
        Failure::Aborted => {
            let e = js_sys::Error::new("The operation was aborted.");
            e.set_name("AbortError");
            set(&e, "code", "ABORT_ERR");
            e.into()
        }
        Failure::Core(err) => core_error(err),
    }
}

fn core_error(err: &Error) -> JsValue {
    let e = js_sys::Error::new(&err.to_string());
    set(&e, "code", err.code());
    match err {
        Error::Service(s) => {
            e.set_name("RestError");
            set(&e, "statusCode", f64::from(s.status));
            if let Some(sub) = s.sub_code {
                set(&e, "subCode", sub as f64);
            }
            if let Some(id) = &s.request_id {
                set(&e, "requestId", id.as_str());
            }
            if let Some(t) = &s.target {
                set(&e, "target", t.as_str());
            }
            if !s.details.is_empty() {
                let list = js_sys::Array::new();
                for d in &s.details {
                    let o = js_sys::Object::new();
                    set(&o, "code", d.code.as_str());
                    set(&o, "message", d.message.as_str());
                    list.push(&o);
                }
                set(&e, "details", list);
            }
        }
        Error::InvalidInput { field, .. } => {
            e.set_name("InvalidInputError");
            set(&e, "field", field.as_str());
        }
        Error::Transport { .. } => {
            e.set_name("RestError");
            set(&e, "code", "REQUEST_SEND_ERROR");
        }
        Error::Decode { .. } => e.set_name("DecodeError"),
        Error::Unauthorized { .. } => e.set_name("AuthenticationError"),
    }
    e.into()
}
