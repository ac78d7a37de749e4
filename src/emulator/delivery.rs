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
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// Where an event goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A callback URI (Call Automation CloudEvents).
    Callback(String),
    /// A validated Event Grid subscription endpoint.
    EventGrid(String),
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

/// An HTTP client that signs callbacks.
#[derive(Debug, Clone)]
pub struct Deliverer {
    client: Client<HttpConnector, Full<Bytes>>,
    signer: Arc<Signer>,
    issuer: String,
    audience: String,
}

const TIMEOUT: Duration = Duration::from_secs(10);

impl Deliverer {
    /// A client signing as `issuer` for `audience`.
    pub fn new(signer: Arc<Signer>, issuer: &str, audience: &str) -> Self {
        let client = Client::builder(TokioExecutor::new()).build_http();
        Deliverer {
            client,
            signer,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        }
    }

    /// POSTs `body` with `headers`; returns the status and body.
    ///
    /// # Errors
    /// A reason for a bad URI, a connection failure or a timeout.
    pub async fn post(
        &self,
        uri: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<(u16, Vec<u8>), String> {
        let mut req = hyper::Request::post(uri).header("content-type", "application/json");
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let req = req
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("bad request to {uri}: {e}"))?;
        let send = async {
            let resp = self
                .client
                .request(req)
                .await
                .map_err(|e| format!("POST {uri} failed: {e}"))?;
            let status = resp.status().as_u16();
            let body = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("reading reply from {uri}: {e}"))?
                .to_bytes();
            Ok::<_, String>((status, body.to_vec()))
        };
        tokio::time::timeout(TIMEOUT, send)
            .await
            .map_err(|_| format!("POST {uri} timed out"))?
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
            Target::EventGrid(uri) => {
                let headers = [
                    ("aeg-event-type", "Notification".to_owned()),
                    ("aeg-subscription-name", "EMULATOR".to_owned()),
                ];
                self.post(uri, &headers, body).await.map(|r| r.0)
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
        endpoint: &str,
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
        let headers = [
            ("aeg-event-type", "SubscriptionValidation".to_owned()),
            ("aeg-subscription-name", "EMULATOR".to_owned()),
        ];
        let (status, body) = self
            .post(
                endpoint,
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
