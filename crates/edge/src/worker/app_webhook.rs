//! A flow's `webhook` step: POST the call's facts to the operator's app, signed, with a
//! timeout, and hand its answer (or why there is none) back to the call's session.
//!
//! The request carries `Callsteer-Signature: t=<unix seconds>,v1=<HMAC-SHA256>` over
//! `"<t>." + body`, keyed with the `FLOW_WEBHOOK_SECRET` secret (the core's
//! [`callsteer::webhook::sign`]; apps verify with the npm package's
//! `verifyWebhookSignature`). The secret, and the URL's query, never reach a log or the
//! timeline.

use super::acs::now_ms;
use crate::routing::call::flow_run::{NoAnswer, WebhookReply, MAX_WEBHOOK_ANSWER_BYTES};
use std::time::Duration;
use worker::{AbortController, Delay, Env, Fetch, Headers, Method, Request, RequestInit};

/// The secret that signs webhook steps' requests.
const SECRET: &str = "FLOW_WEBHOOK_SECRET";

/// Sends one webhook step's request; the answer's body, or the reason there is none.
pub(crate) async fn send(env: &Env, url: &str, body: &str, timeout_ms: u32) -> WebhookReply {
    let secret = env
        .secret(SECRET)
        .map(|s| s.to_string())
        .map_err(|_| NoAnswer::Failed(format!("the {SECRET} secret is not set")))?;
    let secret = callsteer::webhook::WebhookSigningSecret::new(&secret)
        .map_err(|_| NoAnswer::Failed(format!("the {SECRET} secret is shorter than 16 bytes")))?;
    let now = u64::try_from(now_ms() / 1000).unwrap_or(0);
    let signature = callsteer::webhook::sign(&secret, now, body.as_bytes());
    let fail = |e: worker::Error| NoAnswer::Failed(format!("request: {e}"));
    let headers = Headers::new();
    headers
        .set("content-type", "application/json")
        .map_err(fail)?;
    headers.set("accept", "application/json").map_err(fail)?;
    headers
        .set(callsteer::webhook::SIGNATURE_HEADER, &signature)
        .map_err(fail)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.into()));
    let request = Request::new_with_init(url, &init).map_err(fail)?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let exchange = async {
        let fetch = Fetch::Request(request);
        let mut resp = fetch.send_with_signal(&signal).await.map_err(fail)?;
        let status = resp.status_code();
        let text = resp.text().await.map_err(fail)?;
        if !(200..300).contains(&status) {
            return Err(NoAnswer::Failed(format!("the app answered HTTP {status}")));
        }
        if text.len() > MAX_WEBHOOK_ANSWER_BYTES {
            return Err(NoAnswer::Failed(format!(
                "the answer is over {MAX_WEBHOOK_ANSWER_BYTES} bytes"
            )));
        }
        Ok(text)
    };
    let timer = Delay::from(Duration::from_millis(u64::from(timeout_ms)));
    futures_util::pin_mut!(exchange);
    futures_util::pin_mut!(timer);
    match futures_util::future::select(exchange, timer).await {
        futures_util::future::Either::Left((reply, _)) => reply,
        futures_util::future::Either::Right(((), _)) => {
            controller.abort();
            Err(NoAnswer::Timeout { ms: timeout_ms })
        }
    }
}
