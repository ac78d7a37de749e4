//! `/acs/…`: the admin page's way to Call Automation. The service is not documented to
//! answer CORS (it is a server-side API), so the page's `callsteer` package talks to this same-origin proxy with an operator's or admin's token (a
//! `TokenCredential`); the worker checks the request ([`crate::routing::proxy`]: one of the 34
//! operations, its own api-version, at most 1 MiB, only the headers the service needs),
//! drops the admin's `Authorization`, signs with its own access key and sends it once (the
//! package retries by itself). The key never reaches the browser.
//!
//! Every request is logged as method, path, status and duration; never a header value, a
//! query or a body (the token, the key and call content stay out of the logs).

use super::acs::{self, now_ms};
use super::call_object::{self, CreatedBody, ProxiedBody};
use super::config::Config;
use super::respond::{EdgeError, EdgeResult};
use super::{auth, limits};
use crate::access;
use crate::routing::call::proxied::{created_call, Proxied};
use crate::routing::proxy::{self, Admitted, Refusal, MAX_BODY_BYTES, PREFIX};
use futures_util::StreamExt as _;
use worker::{Env, Method, Request, Response, ResponseBody};

/// Proxies one request and logs its outcome.
///
/// # Errors
/// The worker's JSON errors: 401 (credential), 429 (rate limit), 403 (not an operator),
/// 404/405/400/413 (see
/// [`proxy::admit`]), 500 `ConfigError`, 502 `TransportError`.
pub(crate) async fn handle(req: Request, env: &Env) -> EdgeResult<Response> {
    let started = now_ms();
    let method = req.inner().method();
    let path = req.path();
    let result = forward(req, env).await;
    let status = match &result {
        Ok(resp) => resp.status_code(),
        Err(e) => e.status,
    };
    worker::console_log!(
        "acs proxy: {method} {path} -> {status} ({} ms)",
        now_ms() - started
    );
    result
}

async fn forward(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let started = now_ms();
    // Who (401), how often (429), whether the role may (403): before anything else is read.
    let caller = auth::proxy_caller(env, &req).await?;
    limits::admit(env, access::limits::ACS_PROXY, &caller).await?;
    caller
        .require(access::routes::ACS_PROXY_ROLE, "Call control (/acs/…)")
        .map_err(|f| EdgeError::forbidden(&f))?;
    let cfg = Config::from_env(env)?;
    let url = req.url()?;
    let admitted = match proxy::admit(
        &req.inner().method(),
        &req.path(),
        url.query(),
        &cfg.api_version,
    ) {
        Ok(a) => a,
        Err(r) => return refusal_with_allow(r),
    };
    proxy::check_content_length(req.headers().get("content-length")?.as_deref())
        .map_err(refused)?;
    let headers: Vec<(String, String)> = req.headers().entries().collect();
    let body = read_body(&mut req).await?;
    let report = Proxied::of_request(&admitted.route, &body, 0, now_ms());
    let outgoing = admitted.request(&headers, body).map_err(refused)?;
    let answer = acs::sign_and_fetch(&cfg, outgoing).await?;
    if let Some(id) = created_call(&admitted.route, answer.status, &answer.body) {
        adopt(env, id, admitted.route.op.as_str(), started).await;
    }
    if let Some((id, proxied)) = report {
        let status = answer.status;
        record(env, id, Proxied { status, ..proxied }).await;
    }
    let proxy_base = [url.origin().ascii_serialization().as_str(), PREFIX].concat();
    respond(&admitted, answer, &cfg, &proxy_base)
}

/// Tells the call's object about a request the page sent (its timeline shows it, and the
/// event that settles it gives it an outcome), before the page hears the answer. A call this
/// worker does not know, or a failure here, only costs the timeline entry: logged, not
/// returned (the service has acted already).
/// Makes a call the page created, answered or connected this worker's, so its callback
/// events are taken (a failure is logged: the call goes on, its events are then held and
/// dropped).
async fn adopt(env: &Env, id: String, operation: &str, at_ms: i64) {
    let body = CreatedBody {
        call_connection_id: id,
        operation: operation.to_owned(),
        at_ms,
    };
    let id = body.call_connection_id.clone();
    tell(env, &id, "/created", &body, "created call not kept").await;
}

async fn record(env: &Env, id: String, proxied: Proxied) {
    let body = ProxiedBody {
        call_connection_id: id,
        proxied,
    };
    let id = body.call_connection_id.clone();
    tell(env, &id, "/proxied", &body, "timeline not updated").await;
}

/// Posts `body` to `path` of call `id`'s object; a failure is logged as `failed` (the proxied
/// request itself went through either way).
async fn tell(env: &Env, id: &str, path: &str, body: &impl serde::Serialize, failed: &str) {
    let sent = match serde_json::to_string(body) {
        Ok(text) => call_object::call(env, id, Method::Post, path, Some(text)).await,
        Err(e) => Err(e.into()),
    };
    match sent {
        Ok(r) if r.status_code() == 200 => {}
        Ok(r) => worker::console_log!("acs proxy: {failed} ({})", r.status_code()),
        Err(e) => worker::console_log!("acs proxy: {failed} ({})", e.message),
    }
}

/// The body, read until [`MAX_BODY_BYTES`] is passed (a body without `Content-Length` is
/// not read to its end when it is too big).
async fn read_body(req: &mut Request) -> EdgeResult<Vec<u8>> {
    if req.inner().body().is_none() {
        return Ok(Vec::new());
    }
    let mut stream = req.stream()?;
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk?);
        if body.len() > MAX_BODY_BYTES {
            return Err(refused(Refusal::too_large()));
        }
    }
    Ok(body)
}

/// The service's answer for the page: its status and body, the allowed headers.
fn respond(
    admitted: &Admitted,
    answer: callsteer::send::Reply,
    cfg: &Config,
    proxy_base: &str,
) -> EdgeResult<Response> {
    let rebased = proxy::rebase_next_link(
        &admitted.route,
        &answer.body,
        &cfg.acs,
        proxy_base,
        &cfg.api_version,
    );
    let body = rebased.unwrap_or(answer.body);
    // 204 and friends must have no body at all (a Response with one is a TypeError).
    let body = if body.is_empty() {
        ResponseBody::Empty
    } else {
        ResponseBody::Body(body)
    };
    let mut resp = Response::from_body(body)?.with_status(answer.status);
    for (name, value) in proxy::response_headers(&answer.headers) {
        resp.headers_mut().set(name, &value)?;
    }
    Ok(resp)
}

fn refused(r: Refusal) -> EdgeError {
    EdgeError {
        field: r.field.map(str::to_owned),
        ..EdgeError::new(r.status, r.code, r.message)
    }
}

/// A refusal as the worker's JSON error, with `Allow` for a 405.
fn refusal_with_allow(r: Refusal) -> EdgeResult<Response> {
    let allow = r.allow.clone();
    let mut resp = refused(r).to_response()?;
    if let Some(methods) = allow {
        resp.headers_mut().set("allow", &methods)?;
    }
    Ok(resp)
}
