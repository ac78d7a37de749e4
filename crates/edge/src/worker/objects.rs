//! Requests from the worker to its Durable Objects (one shape for the call, rules and
//! credentials objects).

use super::respond::EdgeResult;
use worker::{Env, Method, Request, RequestInit, Response};

/// Sends `body` with `method` to `path` of the object named `name` in namespace `binding`.
///
/// # Errors
/// Worker errors from the binding or the stub.
pub(crate) async fn send(
    env: &Env,
    binding: &str,
    name: &str,
    method: Method,
    path: &str,
    body: Option<String>,
) -> EdgeResult<Response> {
    let stub = env
        .durable_object(binding)?
        .id_from_name(name)?
        .get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(method);
    if let Some(b) = body {
        init.with_body(Some(b.into()));
    }
    let req = Request::new_with_init(&format!("https://object.internal{path}"), &init)?;
    Ok(stub.fetch_with_request(req).await?)
}
