//! The one table of admin routes and the role each needs.
//!
//! The worker looks every `/admin/…` request up here after authenticating it: a route that is
//! not in the table is a 404 whatever the role, so a route added to the dispatcher but not here
//! fails closed (and the end-to-end tests see it), never open.
//!
//! Decisions (docs/edge.md, "Roles and limits"):
//! * A **viewer** sees calls: the list, a call's state (timeline, participants, its flow graph),
//!   its live stream, its routing decision, and who it is (`whoami`).
//! * An **operator** also acts on calls: mid-call actions (and Call control through `/acs/…`,
//!   [`ACS_PROXY_ROLE`]).
//! * An **admin** also has the rules and everything that reads or runs them — revisions,
//!   validate, dry run, simulate, replay, the schema of the document — and the credentials.
//!   Simulate and replay write nothing, but their answers carry the rules' content (flows,
//!   prompts, targets), which the issue gives to admins only; the schema goes with the editor.
//!   The benchmark routes (off unless `BENCH_ROUTES` is set) are admin too.

use super::Role;

/// One admin route: method, path under `/admin` (`{name}` matches one segment), the role it
/// needs, and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub role: Role,
    pub what: &'static str,
}

const fn route(
    method: &'static str,
    path: &'static str,
    role: Role,
    what: &'static str,
) -> AdminRoute {
    AdminRoute {
        method,
        path,
        role,
        what,
    }
}

use Role::{Admin, Operator, Viewer};

/// Every admin route.
pub const ADMIN_ROUTES: &[AdminRoute] = &[
    route(
        "GET",
        "/whoami",
        Viewer,
        "the credential's role, label and fingerprint",
    ),
    route("GET", "/calls", Viewer, "the call list"),
    route(
        "GET",
        "/calls/{id}",
        Viewer,
        "a call: status, participants, timeline, flow",
    ),
    route(
        "GET",
        "/calls/{id}/events",
        Viewer,
        "a call's live stream (SSE)",
    ),
    route(
        "GET",
        "/decisions/{serverCallId}",
        Viewer,
        "how a call was routed",
    ),
    route("POST", "/calls/{id}/actions", Operator, "a mid-call action"),
    route(
        "POST",
        "/calls/{id}/replay",
        Admin,
        "a call's events through another revision",
    ),
    route("GET", "/rules", Admin, "the rules in force"),
    route("PUT", "/rules", Admin, "save the rules"),
    route("DELETE", "/rules", Admin, "go back to ROUTING_RULES"),
    route("GET", "/rules/revisions", Admin, "the revision log"),
    route("GET", "/rules/revisions/{id}", Admin, "one revision"),
    route(
        "POST",
        "/rules/rollback",
        Admin,
        "a copy of a revision in force",
    ),
    route("POST", "/rules/validate", Admin, "a document's verdict"),
    route(
        "POST",
        "/rules/dry-run",
        Admin,
        "which rule a described call meets",
    ),
    route(
        "POST",
        "/flows/simulate",
        Admin,
        "a scripted call through a flow",
    ),
    route(
        "GET",
        "/flows/schema",
        Admin,
        "the JSON Schema of the rules document",
    ),
    route("GET", "/rules/drafts", Admin, "the drafts"),
    route("GET", "/rules/drafts/{name}", Admin, "one draft"),
    route("PUT", "/rules/drafts/{name}", Admin, "save a draft"),
    route("DELETE", "/rules/drafts/{name}", Admin, "remove a draft"),
    route(
        "GET",
        "/rules/drafts/{name}/diff",
        Admin,
        "a draft against the live rules",
    ),
    route(
        "POST",
        "/rules/drafts/{name}/impact",
        Admin,
        "a draft replayed on recent real calls",
    ),
    route(
        "POST",
        "/rules/publish",
        Admin,
        "make a draft live, through the tests",
    ),
    route("GET", "/flows/tests", Admin, "the stored test cases"),
    route(
        "GET",
        "/flows/tests/schema",
        Admin,
        "the JSON Schema of a test case",
    ),
    route("GET", "/flows/tests/{name}", Admin, "one test case"),
    route("PUT", "/flows/tests/{name}", Admin, "save a test case"),
    route("DELETE", "/flows/tests/{name}", Admin, "remove a test case"),
    route(
        "POST",
        "/flows/test",
        Admin,
        "run test cases against a draft, a revision or the live rules",
    ),
    route(
        "GET",
        "/credentials",
        Admin,
        "the credentials (never a token or hash)",
    ),
    route(
        "POST",
        "/credentials",
        Admin,
        "create a credential (its token shown once)",
    ),
    route(
        "DELETE",
        "/credentials/{fingerprint}",
        Admin,
        "revoke a credential",
    ),
    route(
        "POST",
        "/bench/{kind}",
        Admin,
        "benchmark routes (BENCH_ROUTES only)",
    ),
];

/// The role the `/acs/…` proxy needs (Call control acts on calls; every operation, reads
/// included, since the proxy signs with the resource's key).
pub const ACS_PROXY_ROLE: Role = Operator;

/// The route `method` `path` is (`path`: the segments after `/admin`), or `None` when there is
/// no such admin route. `method` is compared exactly (upper case, as the runtime gives it).
pub fn admin_route(method: &str, path: &[&str]) -> Option<&'static AdminRoute> {
    ADMIN_ROUTES
        .iter()
        .find(|r| r.method == method && pattern_matches(r.path, path))
}

fn pattern_matches(pattern: &str, path: &[&str]) -> bool {
    let parts: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    parts.len() == path.len()
        && parts
            .iter()
            .zip(path)
            .all(|(p, s)| !s.is_empty() && (*p == *s || (p.starts_with('{') && p.ends_with('}'))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(method: &str, path: &str) -> Option<Role> {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        admin_route(method, &segments).map(|r| r.role)
    }

    #[test]
    fn viewers_see_calls() {
        assert_eq!(need("GET", "/calls"), Some(Viewer));
        assert_eq!(need("GET", "/calls/abc"), Some(Viewer));
        assert_eq!(need("GET", "/calls/abc/events"), Some(Viewer));
        assert_eq!(need("GET", "/decisions/srv-1"), Some(Viewer));
        assert_eq!(need("GET", "/whoami"), Some(Viewer));
    }

    #[test]
    fn operators_act_on_calls() {
        assert_eq!(need("POST", "/calls/abc/actions"), Some(Operator));
        assert_eq!(ACS_PROXY_ROLE, Operator);
    }

    #[test]
    fn admins_have_rules_and_credentials() {
        for (m, p) in [
            ("GET", "/rules"),
            ("PUT", "/rules"),
            ("DELETE", "/rules"),
            ("GET", "/rules/revisions"),
            ("GET", "/rules/revisions/3-abc"),
            ("POST", "/rules/rollback"),
            ("POST", "/rules/validate"),
            ("POST", "/rules/dry-run"),
            ("POST", "/flows/simulate"),
            ("GET", "/flows/schema"),
            ("GET", "/rules/drafts"),
            ("PUT", "/rules/drafts/new-menu"),
            ("POST", "/rules/drafts/new-menu/impact"),
            ("POST", "/rules/publish"),
            ("GET", "/flows/tests/schema"),
            ("PUT", "/flows/tests/weekend"),
            ("POST", "/flows/test"),
            ("POST", "/calls/abc/replay"),
            ("GET", "/credentials"),
            ("POST", "/credentials"),
            ("DELETE", "/credentials/sha256:0123456789ab"),
            ("POST", "/bench/incoming"),
        ] {
            assert_eq!(need(m, p), Some(Admin), "{m} {p}");
        }
    }

    #[test]
    fn anything_else_is_no_route() {
        for (m, p) in [
            ("POST", "/calls"),
            ("DELETE", "/calls/abc"),
            ("GET", "/calls/abc/actions"),
            ("get", "/calls"),
            ("GET", "/calls/abc/events/x"),
            ("PUT", "/credentials/x"),
            ("GET", "/"),
        ] {
            assert_eq!(need(m, p), None, "{m} {p}");
        }
        assert_eq!(admin_route("GET", &["calls", ""]), None);
    }

    #[test]
    fn each_route_is_listed_once() {
        for (i, a) in ADMIN_ROUTES.iter().enumerate() {
            for b in &ADMIN_ROUTES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} {} twice",
                    a.method,
                    a.path
                );
            }
        }
    }

    /// docs/edge.md's "Roles and limits" table says what this table says, row for row.
    #[test]
    fn the_docs_list_every_route_with_its_role() {
        let docs = include_str!("../../../../docs/edge.md");
        for r in ADMIN_ROUTES {
            let row = format!(
                "| `{}` | `/admin{}` | {} |",
                r.method,
                r.path,
                r.role.as_str()
            );
            assert!(docs.contains(&row), "docs/edge.md lacks the row {row}");
        }
    }
}
