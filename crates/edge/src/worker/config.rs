//! Configuration from wrangler vars and secrets, and the routing rules (vars, overridable in KV).

use super::respond::{EdgeError, EdgeResult};
use crate::routing::revisions::{vars_revision, MAX_DOCUMENT_BYTES};
use crate::routing::RoutingTable;
use callsteer::auth::AccessKey;
use callsteer::http::Endpoint;
use callsteer::webhook::{EntraWebhookApp, WebhookSecret};
use std::cell::RefCell;
use worker::Env;

/// KV binding for rule overrides and the call index.
pub(crate) const KV: &str = "CALLSTEER_KV";
/// KV key of the rules in force when they are a saved revision: `{"revision", "text"}`, written
/// by the rules object ([`super::rules_object`]) after each save.
pub(crate) const LIVE_RULES_KEY: &str = "rules:live";
/// KV key of the test callers of the drafts: `{"<caller>": "<draft name>"}`, written by the rules
/// object after each change to a draft ([`crate::routing::drafts`]); absent when no draft names
/// one.
pub(crate) const TEST_CALLERS_KEY: &str = "rules:test-callers";
/// KV key prefix of a draft that names test callers: `{"revision", "text"}` as
/// [`LIVE_RULES_KEY`], the revision being `draft:<name>@<etag>`.
pub(crate) const DRAFT_RULES_PREFIX: &str = "rules:draft:";
/// KV key of a rules override written by workers before revisions (read, never written).
pub(crate) const LEGACY_RULES_KEY: &str = "rules";
/// Durable Object binding of the per-call objects.
pub(crate) const CALLS: &str = "CALLS";
/// Durable Object binding of the rules' revision log (one object, named [`RULES_OBJECT`]).
pub(crate) const RULES: &str = "RULES";
pub(crate) const RULES_OBJECT: &str = "rules";

/// How callback requests are authenticated.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum CallbackAuth {
    /// RS256 JWT, keys from `jwks_url`, claims `iss` = `issuer`, `aud` = `audience`.
    Jwt {
        issuer: String,
        audience: String,
        jwks_url: String,
    },
    /// Local use only: the secret as the last path segment of the callback URI
    /// (`/api/callbacks/<secret>`; a path segment rather than `?token=` because callback
    /// URI validators — the core's and the emulator's — refuse query strings).
    SharedSecret(String),
}

impl core::fmt::Debug for CallbackAuth {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CallbackAuth::Jwt {
                issuer,
                audience,
                jwks_url,
            } => {
                write!(
                    f,
                    "Jwt {{ issuer: {issuer:?}, audience: {audience:?}, jwks_url: {jwks_url:?} }}"
                )
            }
            CallbackAuth::SharedSecret(_) => f.write_str("SharedSecret(<redacted>)"),
        }
    }
}

/// How Event Grid deliveries to `/api/incoming` (IncomingCall and the subscription
/// handshakes) are authenticated: one of the two ways Event Grid offers, nothing else
/// (`docs/edge.md`, "Securing the incoming-call webhook").
#[derive(Debug, Clone)]
pub(crate) enum IncomingAuth {
    /// `INCOMING_AUTH = "entra"` (the default): a Microsoft Entra bearer token for the
    /// application `INCOMING_ENTRA_AUDIENCE` in tenant `INCOMING_ENTRA_TENANT`.
    Entra(EntraWebhookApp),
    /// `INCOMING_AUTH = "secret"`: the `INCOMING_SECRET` secret in `?code=` or in the header
    /// `INCOMING_SECRET_HEADER`.
    Secret(WebhookSecret),
}

impl IncomingAuth {
    /// Reads the incoming-call webhook's authentication from vars and secrets. Read on its
    /// own (not in [`Config`]) so a mistake here cannot take the callback endpoint down.
    ///
    /// # Errors
    /// 500 `ConfigError` naming the variable that is missing or malformed: the webhook then
    /// refuses every delivery (fail closed).
    pub(crate) fn from_env(env: &Env) -> EdgeResult<IncomingAuth> {
        let invalid = |name: &str, e: callsteer::Error| match e {
            callsteer::Error::InvalidInput { reason, .. } => config_error(name, reason),
            other => config_error(name, other),
        };
        match var(env, "INCOMING_AUTH").as_deref().unwrap_or("entra") {
            "entra" => {
                let tenant = var(env, "INCOMING_ENTRA_TENANT")
                    .ok_or_else(|| config_error("INCOMING_ENTRA_TENANT", "not set"))?;
                let audience = var(env, "INCOMING_ENTRA_AUDIENCE")
                    .ok_or_else(|| config_error("INCOMING_ENTRA_AUDIENCE", "not set"))?;
                let app = EntraWebhookApp::new(&tenant, &audience).map_err(|e| match &e {
                    callsteer::Error::InvalidInput { field, .. } if field == "tenant" => {
                        invalid("INCOMING_ENTRA_TENANT", e)
                    }
                    _ => invalid("INCOMING_ENTRA_AUDIENCE", e),
                })?;
                let app = match var(env, "INCOMING_ENTRA_AUTHORITY") {
                    Some(a) => app
                        .authority(&a)
                        .map_err(|e| invalid("INCOMING_ENTRA_AUTHORITY", e))?,
                    None => app,
                };
                Ok(IncomingAuth::Entra(
                    match var(env, "INCOMING_ENTRA_CLIENT_ID") {
                        Some(id) => app.client_id(&id),
                        None => app,
                    },
                ))
            }
            "secret" => {
                let secret = secret(env, "INCOMING_SECRET")
                    .ok_or_else(|| config_error("INCOMING_SECRET", "not set"))?;
                let header = var(env, "INCOMING_SECRET_HEADER");
                WebhookSecret::new(secret.trim(), header.as_deref())
                    .map(IncomingAuth::Secret)
                    .map_err(|e| match &e {
                        callsteer::Error::InvalidInput { field, .. } if field == "header" => {
                            invalid("INCOMING_SECRET_HEADER", e)
                        }
                        _ => invalid("INCOMING_SECRET", e),
                    })
            }
            other => Err(config_error(
                "INCOMING_AUTH",
                format!("must be entra or secret, got {other:?}"),
            )),
        }
    }
}

/// Everything the handlers need from the environment.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub acs: Endpoint,
    /// `None` when the `ACS_ACCESS_KEY` secret is not set (commands then fail with 500).
    pub access_key: Option<AccessKey>,
    pub callback_auth: CallbackAuth,
    /// Base URL for callbacks; `None` = the origin the request came in on.
    pub public_url: Option<String>,
    pub api_version: String,
}

fn var(env: &Env, name: &str) -> Option<String> {
    env.var(name)
        .ok()
        .map(|v| v.to_string())
        .filter(|v| !v.trim().is_empty())
}

fn secret(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .ok()
        .map(|v| v.to_string())
        .filter(|v| !v.trim().is_empty())
}

fn config_error(name: &str, reason: impl core::fmt::Display) -> EdgeError {
    EdgeError {
        field: Some(name.to_owned()),
        ..EdgeError::new(500, "ConfigError", format!("{name}: {reason}"))
    }
}

impl Config {
    /// Reads vars and secrets.
    ///
    /// # Errors
    /// 500 `ConfigError` naming the variable that is missing or malformed.
    pub(crate) fn from_env(env: &Env) -> EdgeResult<Config> {
        let acs =
            var(env, "ACS_ENDPOINT").ok_or_else(|| config_error("ACS_ENDPOINT", "not set"))?;
        let acs = Endpoint::parse(&acs).map_err(|e| config_error("ACS_ENDPOINT", e))?;
        let access_key = match secret(env, "ACS_ACCESS_KEY") {
            Some(k) => Some(
                AccessKey::from_base64(k.trim())
                    .map_err(|_| config_error("ACS_ACCESS_KEY", "not base64"))?,
            ),
            None => None,
        };
        let callback_auth = match var(env, "CALLBACK_AUTH").as_deref().unwrap_or("jwt") {
            "jwt" => {
                let issuer =
                    var(env, "JWT_ISSUER").ok_or_else(|| config_error("JWT_ISSUER", "not set"))?;
                let audience = var(env, "JWT_AUDIENCE")
                    .ok_or_else(|| config_error("JWT_AUDIENCE", "not set"))?;
                let jwks_url = var(env, "JWKS_URL")
                    .unwrap_or_else(|| format!("{}/calling/keys", issuer.trim_end_matches('/')));
                CallbackAuth::Jwt {
                    issuer,
                    audience,
                    jwks_url,
                }
            }
            "shared-secret" => CallbackAuth::SharedSecret(
                secret(env, "CALLBACK_SECRET")
                    .ok_or_else(|| config_error("CALLBACK_SECRET", "not set"))?,
            ),
            other => {
                return Err(config_error(
                    "CALLBACK_AUTH",
                    format!("must be jwt or shared-secret, got {other:?}"),
                ))
            }
        };
        Ok(Config {
            acs,
            access_key,
            callback_auth,
            public_url: var(env, "PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned()),
            api_version: var(env, "API_VERSION")
                .unwrap_or_else(|| callsteer::DEFAULT_API_VERSION.to_owned()),
        })
    }

    /// The callback URI given to Call Automation when answering.
    pub(crate) fn callback_uri(&self, request_origin: &str) -> String {
        let base = self.public_url.as_deref().unwrap_or(request_origin);
        match &self.callback_auth {
            CallbackAuth::SharedSecret(s) => {
                format!(
                    "{base}/api/callbacks/{}",
                    callsteer::http::encode_path_segment(s)
                )
            }
            CallbackAuth::Jwt { .. } => format!("{base}/api/callbacks"),
        }
    }
}

/// Where the active rules came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum RulesSource {
    /// A saved revision (or an override saved before revisions existed).
    Kv,
    /// The `ROUTING_RULES` var.
    Vars,
}

/// The rules document in force.
#[derive(Debug, Clone)]
pub(crate) struct LiveRules {
    pub text: String,
    pub source: RulesSource,
    /// Its revision id ([`crate::routing::revisions`]).
    pub revision: String,
}

/// What [`LIVE_RULES_KEY`] holds.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct StoredRules {
    pub revision: String,
    pub text: String,
}

thread_local! {
    // The last parsed document: re-parsed only when its text changes.
    static RULES_CACHE: RefCell<Option<(String, RoutingTable)>> = const { RefCell::new(None) };
}

/// Parses `text`, reusing the cached table when the text is unchanged.
///
/// # Errors
/// 413 `PayloadTooLarge` past [`MAX_DOCUMENT_BYTES`]; 400 `InvalidInput` naming the rule and
/// field.
pub(crate) fn parse_rules(text: &str) -> EdgeResult<RoutingTable> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(EdgeError::new(
            413,
            "PayloadTooLarge",
            format!(
                "a rules document is at most {MAX_DOCUMENT_BYTES} bytes, got {}",
                text.len()
            ),
        ));
    }
    let cached = RULES_CACHE.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(t, _)| t == text)
            .map(|(_, table)| table.clone())
    });
    if let Some(table) = cached {
        return Ok(table);
    }
    let table = RoutingTable::from_json(text)?;
    RULES_CACHE.with(|c| *c.borrow_mut() = Some((text.to_owned(), table.clone())));
    Ok(table)
}

/// The `ROUTING_RULES` var, as live rules.
///
/// # Errors
/// 500 `ConfigError` when it is not set.
pub(crate) fn vars_rules(env: &Env) -> EdgeResult<LiveRules> {
    let text = var(env, "ROUTING_RULES").ok_or_else(|| config_error("ROUTING_RULES", "not set"))?;
    Ok(LiveRules {
        revision: vars_revision(&text),
        text,
        source: RulesSource::Vars,
    })
}

/// The rules in force: the saved revision in KV when there is one, else an override saved
/// before revisions, else the `ROUTING_RULES` var.
///
/// # Errors
/// 500 `ConfigError` when none exists; KV errors.
pub(crate) async fn rules_text(env: &Env) -> EdgeResult<LiveRules> {
    if let Ok(kv) = env.kv(KV) {
        if let Some(text) = kv.get(LIVE_RULES_KEY).text().await? {
            if let Ok(stored) = serde_json::from_str::<StoredRules>(&text) {
                return Ok(LiveRules {
                    text: stored.text,
                    source: RulesSource::Kv,
                    revision: stored.revision,
                });
            }
        }
        if let Some(text) = kv.get(LEGACY_RULES_KEY).text().await? {
            return Ok(LiveRules {
                revision: format!("kv-{}", &vars_revision(&text)[5..]),
                text,
                source: RulesSource::Kv,
            });
        }
    }
    vars_rules(env)
}

/// The routing table in force and its revision. A stored document that fails validation is
/// refused: its error is logged and the vars document is used instead (saves never store an
/// invalid one, so this only happens when KV was written by other means).
///
/// # Errors
/// 500 `ConfigError`/400 `InvalidInput` when the vars document itself is missing or invalid.
pub(crate) async fn routing_table(env: &Env) -> EdgeResult<(RoutingTable, LiveRules)> {
    let live = rules_text(env).await?;
    match (parse_rules(&live.text), live.source) {
        (Ok(t), _) => Ok((t, live)),
        (Err(e), RulesSource::Kv) => {
            worker::console_error!("stored rules refused: {}", e.message);
            let vars = vars_rules(env)?;
            Ok((parse_rules(&vars.text)?, vars))
        }
        (Err(e), RulesSource::Vars) => Err(e),
    }
}
