//! Event delivery over HTTP: callbacks with a fresh RS256 JWT each, Event Grid
//! notifications, and the Event Grid `SubscriptionValidation` handshake.
//!
//! The server's delivery worker keeps one ordered queue per receiver (so a receiver sees
//! events in the order the service produced them), applying the duplicate / reorder faults.

use super::jwt::Signer;
use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// Where an event goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A callback URI (Call Automation CloudEvents).
    Callback(String),
    /// A validated Event Grid subscription.
    EventGrid(Arc<Subscription>),
}

impl Target {
    /// The URI the target was given (an Event Grid endpoint without its secret).
    pub fn uri(&self) -> &str {
        match self {
            Target::Callback(uri) => uri,
            Target::EventGrid(sub) => &sub.endpoint,
        }
    }
}

/// An Event Grid subscription to the resource's `IncomingCall` events.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Subscription {
    /// The webhook URL.
    pub endpoint: String,
    /// How deliveries authenticate, as the service offers; none = a plain webhook (which
    /// the service also allows).
    #[serde(default)]
    pub auth: Option<SubscriptionAuth>,
}

/// The delivery authentication Event Grid offers a webhook subscription.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum SubscriptionAuth {
    /// Microsoft Entra-protected webhook: every delivery (handshake included) carries
    /// `Authorization: Bearer <token>` from the emulated Entra issuer (`<base>/entra`) for
    /// `audience` in `tenant`.
    Entra(EntraAuth),
    /// A secret in the endpoint URL's query: `?code=<secret>` (appended by the emulator).
    Secret(String),
    /// A static header from the subscription's delivery properties.
    SecretHeader { name: String, value: String },
}

impl core::fmt::Debug for SubscriptionAuth {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SubscriptionAuth::Entra(e) => f.debug_tuple("Entra").field(e).finish(),
            SubscriptionAuth::Secret(_) => f.write_str("Secret(<redacted>)"),
            SubscriptionAuth::SecretHeader { name, .. } => {
                write!(f, "SecretHeader {{ name: {name:?}, value: <redacted> }}")
            }
        }
    }
}

/// The Entra application of an Entra-protected subscription.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EntraAuth {
    pub tenant: String,
    /// The application id or application id URI the token is for.
    pub audience: String,
    /// Access token version, 1 or 2 (default 2), as the application's manifest sets it.
    #[serde(default = "default_token_version")]
    pub token_version: u8,
}

fn default_token_version() -> u8 {
    2
}

impl Subscription {
    /// Checks the subscription's fields.
    ///
    /// # Errors
    /// `(field, reason)`.
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if callsteer::http::Endpoint::parse(&self.endpoint).is_err() {
            return Err(("endpoint", "must be an absolute http(s) URL"));
        }
        match &self.auth {
            Some(SubscriptionAuth::Entra(e)) => {
                callsteer::webhook::EntraWebhookApp::new(&e.tenant, &e.audience).map_err(
                    |err| match err {
                        callsteer::Error::InvalidInput { field, .. } if field == "tenant" => {
                            ("auth.entra.tenant", "must be a directory id or domain")
                        }
                        _ => ("auth.entra.audience", "must name the application id or URI"),
                    },
                )?;
                if !matches!(e.token_version, 1 | 2) {
                    return Err(("auth.entra.tokenVersion", "must be 1 or 2"));
                }
            }
            Some(SubscriptionAuth::Secret(s)) if s.is_empty() => {
                return Err(("auth.secret", "must not be empty"));
            }
            Some(SubscriptionAuth::SecretHeader { name, value }) => {
                if !callsteer::http::is_header_name(name) {
                    return Err(("auth.secretHeader.name", "must be an HTTP header name"));
                }
                if value.is_empty() || value.bytes().any(|b| b < 0x20 || b == 0x7f) {
                    return Err((
                        "auth.secretHeader.value",
                        "must be a non-empty header value",
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// One delivery.
#[derive(Debug, Clone)]
pub struct Job {
    pub target: Target,
    pub event: Value,
    /// Not sent before this instant: lets the HTTP response that caused it go first.
    pub not_before: Option<tokio::time::Instant>,
}

/// How long after the service "decides" something its event leaves.
pub const REACTION: Duration = Duration::from_millis(20);

/// An HTTP client that signs callbacks and authenticates Event Grid deliveries.
#[derive(Debug, Clone)]
pub struct Deliverer {
    client: Client<HttpConnector, Full<Bytes>>,
    signer: Arc<Signer>,
    issuer: String,
    audience: String,
    /// The emulated Entra issuer's key (a key of its own, as Entra's are not ACS's).
    entra: Arc<Signer>,
}

const TIMEOUT: Duration = Duration::from_secs(10);

impl Deliverer {
    /// A client signing callbacks as `issuer` for `audience`, and Entra tokens with `entra`
    /// as the Entra authority `<issuer>/entra`.
    pub fn new(signer: Arc<Signer>, entra: Arc<Signer>, issuer: &str, audience: &str) -> Self {
        let client = Client::builder(TokioExecutor::new()).build_http();
        Deliverer {
            client,
            signer,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            entra,
        }
    }

    /// The emulated Entra authority: `<base>/entra`.
    pub fn entra_authority(&self) -> String {
        format!("{}/entra", self.issuer)
    }

    /// Where and with which headers an Event Grid delivery to `sub` goes, as the service
    /// sends it for the subscription's authentication.
    fn event_grid_request(
        &self,
        sub: &Subscription,
        kind: &str,
    ) -> (String, Vec<(String, String)>) {
        let mut headers = vec![
            ("aeg-event-type".to_owned(), kind.to_owned()),
            ("aeg-subscription-name".to_owned(), "EMULATOR".to_owned()),
        ];
        let mut url = sub.endpoint.clone();
        match &sub.auth {
            Some(SubscriptionAuth::Entra(e)) => {
                let authority = self.entra_authority();
                let claims = super::jwt::EntraClaims {
                    authority: &authority,
                    tenant: &e.tenant,
                    audience: &e.audience,
                    version: e.token_version,
                    expires_in: super::jwt::ENTRA_TOKEN_LIFETIME_S,
                };
                let token = self.entra.sign(&claims.to_json(now_s()));
                headers.push(("authorization".to_owned(), format!("Bearer {token}")));
            }
            Some(SubscriptionAuth::Secret(secret)) => {
                url.push(if url.contains('?') { '&' } else { '?' });
                url.push_str("code=");
                url.push_str(&callsteer::http::encode_query_value(secret));
            }
            Some(SubscriptionAuth::SecretHeader { name, value }) => {
                headers.push((name.clone(), value.clone()));
            }
            None => {}
        }
        (url, headers)
    }

    /// POSTs `body` with `headers`; returns the status and body.
    ///
    /// # Errors
    /// A reason for a bad URI, a connection failure or a timeout.
    pub async fn post<K: AsRef<str>>(
        &self,
        uri: &str,
        headers: &[(K, String)],
        body: Vec<u8>,
    ) -> Result<(u16, Vec<u8>), String> {
        // Errors name the URI without its query: a delivery secret may be in it.
        let shown = uri.split('?').next().unwrap_or(uri);
        let mut req = hyper::Request::post(uri).header("content-type", "application/json");
        for (k, v) in headers {
            req = req.header(k.as_ref(), v);
        }
        let req = req
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("bad request to {shown}: {e}"))?;
        let send = async {
            let resp = self
                .client
                .request(req)
                .await
                .map_err(|e| format!("POST {shown} failed: {e}"))?;
            let status = resp.status().as_u16();
            let body = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("reading reply from {shown}: {e}"))?
                .to_bytes();
            Ok::<_, String>((status, body.to_vec()))
        };
        tokio::time::timeout(TIMEOUT, send)
            .await
            .map_err(|_| format!("POST {shown} timed out"))?
    }

    /// Delivers one job; returns the receiver's status.
    ///
    /// # Errors
    /// As [`Deliverer::post`].
    pub async fn deliver(&self, job: &Job) -> Result<u16, String> {
        let body = serde_json::to_vec(&json!([job.event])).unwrap_or_default();
        match &job.target {
            Target::Callback(uri) => {
                let token = self.signer.token(&self.issuer, &self.audience, now_s());
                self.post(uri, &[("authorization", format!("Bearer {token}"))], body)
                    .await
                    .map(|r| r.0)
            }
            Target::EventGrid(sub) => {
                let (url, headers) = self.event_grid_request(sub, "Notification");
                self.post(&url, &headers, body).await.map(|r| r.0)
            }
        }
    }

    /// The Event Grid handshake: POST a `SubscriptionValidationEvent`; the endpoint must
    /// answer 200 with `{"validationResponse": <validationCode>}`.
    ///
    /// # Errors
    /// Why the endpoint is not accepted.
    pub async fn validate_subscription(
        &self,
        sub: &Subscription,
        id: &str,
        code: &str,
    ) -> Result<(), String> {
        let event = json!([{
            "id": id,
            "topic": "/subscriptions/00000000-0000-0000-0000-000000000000",
            "subject": "",
            "data": { "validationCode": code, "validationUrl": format!("{}/emulator/event-subscriptions/validate?code={code}", self.issuer) },
            "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
            "eventTime": super::events::event_time(now_s() * 1000),
            "metadataVersion": "1",
            "dataVersion": "1",
        }]);
        let (url, headers) = self.event_grid_request(sub, "SubscriptionValidation");
        let (status, body) = self
            .post(
                &url,
                &headers,
                serde_json::to_vec(&event).unwrap_or_default(),
            )
            .await?;
        if status != 200 {
            return Err(format!(
                "validation handshake answered HTTP {status}; Event Grid requires 200"
            ));
        }
        let reply: Value = serde_json::from_slice(&body)
            .map_err(|_| "validation reply is not JSON".to_string())?;
        if reply["validationResponse"] != code {
            return Err(
                "validation reply does not echo the validationCode as validationResponse".into(),
            );
        }
        Ok(())
    }
}

/// Unix seconds now.
pub fn now_s() -> u64 {
    now_ms() / 1000
}

/// Unix milliseconds now.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
