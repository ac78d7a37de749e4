//! The edge face: a Cloudflare Worker (workers-rs) that is the app's webhook endpoint.
//!
//! | route | what |
//! |---|---|
//! | `OPTIONS /api/incoming` | CloudEvents webhook validation handshake (authenticated like every delivery) |
//! | `POST /api/incoming` | Event Grid, authenticated (Entra token or delivery secret) before the body is read: subscription validation, `IncomingCall` → rules → answer/redirect/reject |
//! | `POST /api/callbacks[/<secret>]` | Call Automation callbacks: JWT (or shared secret) check, then the call's Durable Object |
//! | `/admin/...` | admin API, see [`admin`] |
//! | `/acs/calling/…` | same-origin proxy to Call Automation for the admin page (admin bearer; re-signed here), see [`proxy`] |
//! | `GET /` | the admin page (`www/index.html`) |
//! | `GET /pkg/…` | not this code: the npm package, static assets answered before the worker (`wrangler.toml` `[assets]`) |
//! | `GET /healthz` | liveness |
//!
//! Everything that decides something is pure code in [`crate::routing`] (rules) and
//! [`crate::routing::call`] (the per-call state machine); this module reads the
//! environment, verifies requests, talks to Durable Objects and sends HTTP.
//!
//! Errors become JSON responses with a status ([`respond::EdgeError`]). A panic cannot
//! hang a request either: worker-build's shim resets the instance after a trap, and the
//! runtime answers that request with a 500; the code avoids panicking paths (no unwraps).

mod acs;
mod admin;
mod auth;
mod bench;
mod call_object;
mod callbacks;
mod config;
mod incoming;
mod keys;
mod proxy;
mod respond;

pub use call_object::CallObject;
use respond::{json, EdgeError, EdgeResult};
use worker::{event, Context, Env, Method, Request, Response};

/// The admin page, served at `/`. Its Call control panel imports the npm package from
/// `/pkg/index.mjs` (static assets) and reaches Call Automation through `/acs/…` ([`proxy`]).
const INDEX_HTML: &str = include_str!("../../../../www/index.html");

/// The admin page's Content-Security-Policy: its own inline script and style only (by hash,
/// computed from the page so an edit cannot desync them), modules and the package's wasm from
/// this origin, and `fetch`/`EventSource` to this origin only (the admin API and the `/acs/…`
/// proxy: the page talks to nothing else). Nothing may frame the page. Computed once per
/// isolate.
fn admin_page_csp() -> &'static str {
    static CSP: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    CSP.get_or_init(csp_of_page)
}

fn csp_of_page() -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let hash = |open: &str, close: &str| {
        let body = INDEX_HTML
            .split_once(open)
            .and_then(|(_, rest)| rest.split_once(close))
            .map_or("", |(inner, _)| inner);
        let digest = sha2::Sha256::digest(body.as_bytes());
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        )
    };
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' {}; style-src {}; \
         connect-src 'self'; img-src 'self' data:; \
         base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        hash("<script type=\"module\">", "</script>"),
        hash("<style>", "</style>")
    )
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    match route(req, &env).await {
        Ok(resp) => Ok(resp),
        Err(e) => {
            if e.status >= 500 {
                worker::console_error!("{} {}: {}", e.status, e.code, e.message);
            }
            e.to_response()
        }
    }
}

async fn route(req: Request, env: &Env) -> EdgeResult<Response> {
    let path = req.path();
    let segments: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match (req.method(), segments.as_slice()) {
        (_, ["api", "incoming"]) => incoming::handle(req, env).await,
        (Method::Post, ["api", "callbacks"] | ["api", "callbacks", _]) => {
            callbacks::handle(req, env).await
        }
        (_, ["admin", rest @ ..]) => {
            auth::verify_admin(env, &req)?;
            admin::handle(req, env, rest).await
        }
        (_, ["acs", ..]) => proxy::handle(req, env).await,
        (Method::Get, []) => {
            let mut page = Response::from_html(INDEX_HTML)?;
            page.headers_mut()
                .set("content-security-policy", admin_page_csp())?;
            Ok(page)
        }
        (Method::Get, ["healthz"]) => Ok(json(&serde_json::json!({ "ok": true }), 200)?),
        _ => Err(EdgeError::not_found(&format!("route {path}"))),
    }
}
