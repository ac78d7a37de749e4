//! Checks of the npm face that need a real JS engine: shared by `wasm_node.rs` (Node) and
//! `wasm_browser.rs` (headless Chromium).

use callsteer::js::Client;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn prop(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn client(options: &str) -> Client {
    let cs = "endpoint=http://127.0.0.1:9/;accesskey=cHc9PQ==";
    Client::new(cs, JsValue::UNDEFINED, Some(options.to_owned())).expect("valid connection string")
}

/// A malformed connection string throws an `Error` instance naming the field.
pub fn bad_connection_string_throws_a_js_error() {
    let err = Client::new("endpoint=https://x/", JsValue::UNDEFINED, None).expect_err("must fail");
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(
        prop(&err, "name").as_string().as_deref(),
        Some("InvalidInputError")
    );
    assert_eq!(
        prop(&err, "code").as_string().as_deref(),
        Some("InvalidInput")
    );
    assert!(prop(&err, "field").as_string().is_some());
}

/// Bad arguments reject before any request, with the offending field.
pub async fn bad_arguments_reject_before_sending() {
    let c = client("{}");
    let promise = c.call(
        "conn.hangUp".into(),
        r#"["conn-1", "yes"]"#.into(),
        JsValue::UNDEFINED,
    );
    let err = JsFuture::from(promise).await.expect_err("must reject");
    assert_eq!(
        prop(&err, "name").as_string().as_deref(),
        Some("InvalidInputError")
    );
    assert_eq!(
        prop(&err, "field").as_string().as_deref(),
        Some("isForEveryone")
    );
}

/// A refused connection goes through the real global `fetch` and surfaces as a
/// `RestError` with `code: "REQUEST_SEND_ERROR"` once the (zero) retry budget is spent.
pub async fn unreachable_endpoint_is_a_transport_error() {
    let c = client(r#"{"retryOptions":{"maxRetries":0}}"#);
    let promise = c.call(
        "conn.hangUp".into(),
        r#"["conn-1", false]"#.into(),
        JsValue::UNDEFINED,
    );
    let err = JsFuture::from(promise).await.expect_err("port 9 refuses");
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(prop(&err, "name").as_string().as_deref(), Some("RestError"));
    assert_eq!(
        prop(&err, "code").as_string().as_deref(),
        Some("REQUEST_SEND_ERROR")
    );
}

/// An already-aborted signal rejects with `AbortError`.
pub async fn aborted_signal_rejects_with_abort_error() {
    let c = client("{}");
    let controller = web_abort_controller();
    let abort: js_sys::Function = prop(&controller, "abort").unchecked_into();
    abort.call0(&controller).expect("abort()");
    let signal = prop(&controller, "signal");
    let promise = c.call("conn.hangUp".into(), r#"["conn-1", false]"#.into(), signal);
    let err = JsFuture::from(promise).await.expect_err("aborted");
    assert_eq!(
        prop(&err, "name").as_string().as_deref(),
        Some("AbortError")
    );
}

fn web_abort_controller() -> JsValue {
    let ctor: js_sys::Function = prop(&js_sys::global(), "AbortController").unchecked_into();
    js_sys::Reflect::construct(&ctor, &js_sys::Array::new()).expect("new AbortController()")
}
