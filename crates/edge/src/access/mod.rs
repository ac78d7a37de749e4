//! Who may do what on the admin API and the `/acs/…` proxy, as pure code.
//!
//! Every admin credential carries a [`Role`]; the roles are ordered, each one allowing what
//! the one below it allows:
//!
//! * [`Role::Viewer`] — calls, their timelines and diagrams (the call list, a call, its live
//!   stream, its routing decision);
//! * [`Role::Operator`] — also Call control: the `/acs/…` proxy and mid-call actions;
//! * [`Role::Admin`] — also the rules (read, write, revisions, validate, dry run, simulate,
//!   replay) and the credentials.
//!
//! [`routes::admin_route`] is the one table that maps an admin route (method and path) to the
//! role it needs; the worker looks every request up in it before dispatching, so a route
//! missing from the table is a 404, never an open door. [`credential`] makes and checks the
//! credentials an admin creates (random tokens, stored as SHA-256 hashes), and [`limits`] names
//! the rate limits per credential.
//!
//! The worker (wasm-only glue) reads the presented bearer, the stored credentials and the
//! clock; this module decides.

pub mod credential;
pub mod limits;
pub mod routes;

use serde::{Deserialize, Serialize};

/// What a credential may do. Ordered: a role allows everything a lower role allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Calls, timelines, diagrams.
    Viewer,
    /// Also Call control (`/acs/…`) and mid-call actions.
    Operator,
    /// Also rules, revisions and credentials.
    Admin,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Operator, Role::Admin];

    /// The role's name on the wire (`viewer`, `operator`, `admin`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    /// The role named `name` (exact, lower case).
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// True when this role may do what `needed` may.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

/// An authenticated caller: the role and the names that identify its credential (never the
/// credential itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Caller {
    pub role: Role,
    /// [`credential::fingerprint_of_hash`] of the credential: names it in lists, logs, revisions and
    /// as the rate limiter's key.
    pub fingerprint: String,
    pub label: String,
    /// True for the `ADMIN_TOKEN` secret (the bootstrap admin), false for a created credential.
    pub bootstrap: bool,
}

/// Why a known caller was refused: the role the route needs. The worker turns it into a 403.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forbidden {
    pub needed: Role,
    pub has: Role,
    /// What was refused, e.g. `PUT /admin/rules`.
    pub what: String,
}

impl Forbidden {
    /// `PUT /admin/rules needs the admin role (this credential is a viewer)`.
    pub fn message(&self) -> String {
        format!(
            "{} needs the {} role (this credential is a {})",
            self.what,
            self.needed.as_str(),
            self.has.as_str()
        )
    }
}

impl Caller {
    /// `Ok` when the caller's role allows `needed`; `what` names the refused request.
    ///
    /// # Errors
    /// [`Forbidden`] naming the role needed.
    pub fn require(&self, needed: Role, what: impl Into<String>) -> Result<(), Forbidden> {
        if self.role.allows(needed) {
            Ok(())
        } else {
            Err(Forbidden {
                needed,
                has: self.role,
                what: what.into(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_named() {
        assert!(Role::Admin.allows(Role::Operator) && Role::Operator.allows(Role::Viewer));
        assert!(!Role::Viewer.allows(Role::Operator) && !Role::Operator.allows(Role::Admin));
        for r in Role::ALL {
            assert_eq!(Role::from_name(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
        assert_eq!(Role::from_name("Admin"), None);
    }

    #[test]
    fn a_refusal_names_the_role_needed() {
        let viewer = Caller {
            role: Role::Viewer,
            fingerprint: "sha256:0123456789ab".into(),
            label: "wallboard".into(),
            bootstrap: false,
        };
        assert!(viewer.require(Role::Viewer, "GET /admin/calls").is_ok());
        let e = viewer
            .require(Role::Operator, "POST /acs/calling/…")
            .unwrap_err();
        assert_eq!(
            e.message(),
            "POST /acs/calling/… needs the operator role (this credential is a viewer)"
        );
    }
}
