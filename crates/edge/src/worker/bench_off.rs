//! The production build's `/admin/bench/…`: nothing. The benchmark routes (`bench.rs`) are
//! compiled only with the `bench` feature (the benchmark build, `BENCH_BUILD=1
//! scripts/build-worker`); without it no variable can turn them on.

use super::respond::{EdgeError, EdgeResult};
use worker::{Env, Request, Response};

/// Always 404, like an admin route that does not exist.
///
/// # Errors
/// Always 404 `NotFound`.
#[allow(clippy::unused_async)]
pub(crate) async fn handle(_req: Request, _env: &Env, _kind: &str) -> EdgeResult<Response> {
    Err(EdgeError::not_found("admin route"))
}
