//! The edge face: a Cloudflare Worker (workers-rs) that is the app's webhook endpoint.
//!
//! | route | what |
//! |---|---|
//! | `OPTIONS /api/incoming` | CloudEvents webhook validation handshake (authenticated like every delivery) |
//! | `POST /api/incoming` | Event Grid, authenticated (Entra token or delivery secret) before the body is read: subscription validation, `IncomingCall` → rules → answer/redirect/reject |
//! | `POST /api/callbacks[/<secret>]` | Call Automation callbacks: JWT (or shared secret) check, then the call's Durable Object |
//! | `/admin/...` | admin API, see [`admin`] and [`credentials`]; each route's role in [`crate::access::routes`], rate-limited per credential ([`limits`]) |
//! | `/acs/calling/…` | same-origin proxy to Call Automation for the admin page (operator bearer, rate-limited; re-signed here), see [`proxy`] |
//! | `GET /` | the admin page (`www/index.html`) |
//! | `GET /ui/…`, `GET /pkg/…` | not this code: the page's stylesheet and modules, and the npm package, static assets answered before the worker (`wrangler.toml` `[assets]`) |
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
mod app_webhook;
mod auth;
// The benchmark routes exist only in the benchmark build (feature `bench`); the production
// build compiles a stub that answers 404 like any unknown admin route.
#[cfg(feature = "bench")]
mod bench;
#[cfg(not(feature = "bench"))]
#[path = "bench_off.rs"]
mod bench;
mod call_object;
mod call_store;
mod callbacks;
mod config;
mod credentials;
mod credentials_object;
mod flows_admin;
mod incoming;
mod keys;
mod limits;
mod objects;
mod proxy;
mod respond;
mod rules_object;

use crate::access;
pub use call_object::CallObject;
pub use credentials_object::CredentialsObject;
use respond::{json, EdgeError, EdgeResult};
pub use rules_object::RulesObject;
use worker::{event, Context, Env, Method, Request, Response};

/// The admin page, served at `/`: markup only. Its stylesheet and ES modules are static assets
/// under `/ui/…` (`www/ui/`, staged by `scripts/build-worker`); its Call control panel imports
/// the npm package from `/pkg/index.mjs` and reaches Call Automation through `/acs/…` ([`proxy`]).
const INDEX_HTML: &str = include_str!("../../../../www/index.html");

/// The admin page's Content-Security-Policy: scripts (ES modules) and the stylesheet from this
/// origin only — the page has no inline script, style or `style` attribute, so no hash or
/// `'unsafe-inline'` is needed — the package's wasm (`'wasm-unsafe-eval'` for `WebAssembly`
/// instantiation), `fetch`/`EventSource` to this origin only (the admin API and the `/acs/…`
/// proxy: the page talks to nothing else), and nothing may frame the page.
const ADMIN_PAGE_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; connect-src 'self'; img-src 'self' data:; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

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
            // Who (401), then which route (404), how often (429), and whether the role may (403).
            let caller = auth::admin_caller(env, &req, rest).await?;
            let method = req.inner().method();
            let route = access::routes::admin_route(&method, rest)
                .ok_or_else(|| EdgeError::not_found("admin route"))?;
            limits::admit(env, access::limits::ADMIN_API, &caller).await?;
            caller
                .require(route.role, format!("{method} /admin{}", route.path))
                .map_err(|f| EdgeError::forbidden(&f))?;
            admin::handle(req, env, rest, &caller).await
        }
        (_, ["acs", ..]) => proxy::handle(req, env).await,
        (Method::Get, []) => {
            let mut page = Response::from_html(INDEX_HTML)?;
            page.headers_mut()
                .set("content-security-policy", ADMIN_PAGE_CSP)?;
            Ok(page)
        }
        (Method::Get, ["healthz"]) => Ok(json(&serde_json::json!({ "ok": true }), 200)?),
        _ => Err(EdgeError::not_found(&format!("route {path}"))),
    }
}
