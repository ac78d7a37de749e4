//! The Durable Object that owns one call: it persists a [`CallSession`] and sends the
//! commands the session queues.
//!
//! Inputs (`fetch`) only change state and persist it, then schedule an alarm; the alarm
//! sends the outbox in order. So a callback is acknowledged as soon as its events are
//! durably logged, and a command that was sent but not yet marked is re-sent after a
//! restart with the same repeatability id, which the service applies once.
//!
//! Beside the session, under a key of its own, the object keeps the callback events it applied
//! as CloudEvents for the admin page's event processor ([`CallbackLog`], capped), written in
//! the same transaction as the session they changed.

use super::acs::{self, now_ms};
use super::app_webhook;
use super::config::{Config, CALLS, KV};
use super::respond::{json, EdgeError, EdgeResult};
use crate::routing::call::callback_log::CallbackLog;
use crate::routing::call::command::CommandKind;
use crate::routing::call::proxied::Proxied;
use crate::routing::call::wire::{command_request, identifier};
use crate::routing::call::{AdminAction, CallEvent, CallSession, CallSetup, Handled};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::time::Duration;
use worker::{durable_object, DurableObject, Env, Method, Request, RequestInit, Response, State};

const STORAGE_KEY: &str = "session";
/// The [`CallbackLog`], its own value (its cap is sized against the per-value limit).
const CALLBACKS_KEY: &str = "callbacks";

/// Body of `POST /setup`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SetupBody {
    pub call_connection_id: String,
    pub setup: CallSetup,
}

/// Body of `POST /events`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EventsBody {
    pub call_connection_id: String,
    pub events: Vec<Delivered>,
}

/// One callback event of a batch: the session's view, and the CloudEvent kept for the admin
/// page (both from the one decoding at the webhook).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Delivered {
    pub event: CallEvent,
    pub cloud_event: serde_json::Value,
}

/// Body of `POST /proxied`: a request the admin page sent through the `/acs/…` proxy.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProxiedBody {
    pub call_connection_id: String,
    #[serde(flatten)]
    pub proxied: Proxied,
}

/// Body of `POST /admin`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AdminBody {
    pub call_connection_id: String,
    pub request_id: String,
    pub action: AdminAction,
}

/// What `POST /events` reports back.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EventsOutcome {
    pub applied: u32,
    pub duplicates: u32,
    pub commands: u32,
}

/// One call connection's state and outbox.
#[durable_object]
pub struct CallObject {
    state: State,
    env: Env,
    session: RefCell<Option<CallSession>>,
    /// The call index entry last written to KV (or found with the stored session): written
    /// again only when it changes.
    indexed: RefCell<Option<String>>,
    /// The applied callback events (loaded on first use).
    callbacks: RefCell<Option<CallbackLog>>,
    /// `callbacks` changed since it was last stored.
    callbacks_changed: Cell<bool>,
}

impl core::fmt::Debug for CallObject {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CallObject").finish_non_exhaustive()
    }
}

impl DurableObject for CallObject {
    fn new(state: State, env: Env) -> Self {
        CallObject {
            state,
            env,
            session: RefCell::new(None),
            indexed: RefCell::new(None),
            callbacks: RefCell::new(None),
            callbacks_changed: Cell::new(false),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let result = match (req.method(), req.path().as_str()) {
            (Method::Post, "/setup") => self.setup(req.json().await?).await,
            (Method::Post, "/events") => self.events(req.json().await?).await,
            (Method::Post, "/admin") => self.admin(req.json().await?).await,
            (Method::Post, "/proxied") => self.proxied(req.json().await?).await,
            (Method::Get, "/state") => self.view(callbacks_after(&req)).await,
            (Method::Get, "/replay") => self.replay().await,
            _ => Err(EdgeError::not_found("call object route")),
        };
        result.or_else(|e| e.to_response())
    }

    async fn alarm(&self) -> worker::Result<Response> {
        match self.on_alarm().await {
            Ok(()) => Response::ok("sent"),
            // An error here (e.g. storage) makes workerd retry the alarm with backoff.
            Err(e) => Err(worker::Error::RustError(e.message)),
        }
    }
}

impl CallObject {
    /// The alarm: send what is queued, then fire the session's timer when it is due (a park's
    /// wait), and send what that queued.
    async fn on_alarm(&self) -> EdgeResult<()> {
        self.flush_outbox().await?;
        let now = now_ms();
        let fired = self
            .with_session("", |s| {
                let due = s.next_timer().is_some_and(|t| t <= now);
                if due {
                    s.handle_timer(now);
                }
                due
            })
            .await?;
        if fired {
            self.persist().await?;
            self.flush_outbox().await?;
        }
        Ok(())
    }

    /// Loads the session (once per object lifetime) and runs `f` on it.
    async fn with_session<T>(
        &self,
        id: &str,
        f: impl FnOnce(&mut CallSession) -> T,
    ) -> EdgeResult<T> {
        if self.session.borrow().is_none() {
            let stored: Option<String> = self.state.storage().get(STORAGE_KEY).await?;
            let session: CallSession = match stored {
                Some(text) => {
                    let session = serde_json::from_str(&text)?;
                    // Stored means indexed (persist writes the session, then the index).
                    *self.indexed.borrow_mut() = summary(&session).map(|(_, v)| v);
                    session
                }
                None => CallSession::new(id),
            };
            let mut slot = self.session.borrow_mut();
            if slot.is_none() {
                *slot = Some(session);
            }
        }
        let mut slot = self.session.borrow_mut();
        let session = slot
            .as_mut()
            .ok_or_else(|| EdgeError::new(500, "StateError", "session not loaded"))?;
        if session.call_connection_id.is_empty() {
            session.call_connection_id = id.to_owned();
        }
        Ok(f(session))
    }

    /// Persists the session, schedules the alarm when commands are waiting, and updates the
    /// call index entry when it changed (status, server call id, end).
    async fn persist(&self) -> EdgeResult<()> {
        let (text, pending, timer, summary) = {
            let slot = self.session.borrow();
            let s = slot
                .as_ref()
                .ok_or_else(|| EdgeError::new(500, "StateError", "session not loaded"))?;
            (
                serde_json::to_string(s)?,
                !s.outbox().is_empty(),
                s.next_timer(),
                summary(s),
            )
        };
        let storage = self.state.storage();
        if self.callbacks_changed.get() {
            // One put, one transaction: the log never holds an event the session did not apply.
            let callbacks = serde_json::to_string(&*self.callbacks.borrow())?;
            let values = js_sys::Object::new();
            for (key, value) in [(STORAGE_KEY, text), (CALLBACKS_KEY, callbacks)] {
                js_sys::Reflect::set(&values, &key.into(), &value.into())
                    .map_err(|_| EdgeError::new(500, "StateError", "storage entries"))?;
            }
            storage.put_multiple_raw(values).await?;
            self.callbacks_changed.set(false);
        } else {
            storage.put(STORAGE_KEY, text).await?;
        }
        if pending {
            storage.set_alarm(Duration::from_millis(1)).await?;
        } else if let Some(at) = timer {
            storage.set_alarm((at - now_ms()).max(1)).await?;
        }
        let fresh = summary.filter(|(_, v)| self.indexed.borrow().as_deref() != Some(v.as_str()));
        if let (Ok(kv), Some((key, value))) = (self.env.kv(KV), fresh) {
            kv.put(&key, value.clone())?.execute().await?;
            *self.indexed.borrow_mut() = Some(value);
        }
        Ok(())
    }

    async fn setup(&self, body: SetupBody) -> EdgeResult<Response> {
        let applied = self
            .with_session(&body.call_connection_id, |s| s.handle_setup(body.setup))
            .await?;
        self.persist().await?;
        Ok(json(&serde_json::json!({ "applied": applied }), 200)?)
    }

    async fn events(&self, body: EventsBody) -> EdgeResult<Response> {
        self.load_callbacks().await?;
        let outcome = self
            .with_session(&body.call_connection_id, |s| {
                let mut out = EventsOutcome::default();
                let mut log = self.callbacks.borrow_mut();
                let log = log.get_or_insert_with(CallbackLog::default);
                for Delivered { event, cloud_event } in body.events {
                    match s.handle_event(&event) {
                        Handled::Duplicate => out.duplicates += 1,
                        Handled::Applied { commands } => {
                            out.applied += 1;
                            out.commands += commands as u32;
                            log.push(cloud_event);
                            self.callbacks_changed.set(true);
                        }
                    }
                }
                out
            })
            .await?;
        self.persist().await?;
        Ok(json(&outcome, 200)?)
    }

    /// Loads the callback log (once per object lifetime; empty for a call that has none).
    async fn load_callbacks(&self) -> EdgeResult<()> {
        if self.callbacks.borrow().is_some() {
            return Ok(());
        }
        let stored: Option<String> = self.state.storage().get(CALLBACKS_KEY).await?;
        let log = match stored {
            Some(text) => serde_json::from_str(&text)?,
            None => CallbackLog::default(),
        };
        self.callbacks.borrow_mut().get_or_insert(log);
        Ok(())
    }

    async fn admin(&self, body: AdminBody) -> EdgeResult<Response> {
        let now = now_ms();
        let cmd = self
            .with_session(&body.call_connection_id, |s| {
                s.handle_admin(body.action, &body.request_id, now)
            })
            .await??;
        self.persist().await?;
        Ok(json(&cmd, 202)?)
    }

    /// Puts a request the page sent through the proxy on the timeline; 404 for a call this
    /// worker never stored (nothing is created for it).
    async fn proxied(&self, body: ProxiedBody) -> EdgeResult<Response> {
        if self.session.borrow().is_none() {
            let stored: Option<String> = self.state.storage().get(STORAGE_KEY).await?;
            if stored.is_none() {
                return Err(EdgeError::not_found("call"));
            }
        }
        self.with_session(&body.call_connection_id, |s| {
            s.handle_proxied(body.proxied);
        })
        .await?;
        self.persist().await?;
        Ok(json(&serde_json::json!({ "recorded": true }), 200)?)
    }

    /// The admin view of the call; with `callbacks_after` (the live stream's last seen
    /// number), also `callbacks`: the callback events numbered after it, if any
    /// ([`CallbackLog::after`]).
    async fn view(&self, callbacks_after: Option<u64>) -> EdgeResult<Response> {
        let stored: Option<String> = self.state.storage().get(STORAGE_KEY).await?;
        if stored.is_none() {
            return Err(EdgeError::not_found("call"));
        }
        let mut view = self.with_session("", view_of).await?;
        if let Some(seen) = callbacks_after {
            self.load_callbacks().await?;
            let log = self.callbacks.borrow();
            let batch = log.as_ref().and_then(|l| l.after(seen));
            if let (Some(obj), Some(batch)) = (view.as_object_mut(), batch) {
                obj.insert("callbacks".into(), serde_json::to_value(batch)?);
            }
        }
        Ok(json(&view, 200)?)
    }

    /// What a replay of this call needs ([`crate::routing::simulate::replay_script`]): the call
    /// and the script its applied callback events make, with the path it took and its end.
    async fn replay(&self) -> EdgeResult<Response> {
        let stored: Option<String> = self.state.storage().get(STORAGE_KEY).await?;
        if stored.is_none() {
            return Err(EdgeError::not_found("call"));
        }
        self.load_callbacks().await?;
        let events: Vec<CallEvent> = {
            let log = self.callbacks.borrow();
            log.as_ref()
                .map(|l| l.events().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
                .into_iter()
                .filter_map(|v| {
                    let body = serde_json::to_vec(&[v]).ok()?;
                    let decoded = callsteer::events::decode_callback_events(&body).ok()?;
                    CallEvent::from_callback(decoded.first()?).ok()
                })
                .collect()
        };
        let out = self
            .with_session("", |s| {
                crate::routing::simulate::replay_script(s, &events).map(|(call, script)| {
                    serde_json::json!({
                        "call": call,
                        "script": script,
                        "path": s.flow.path,
                        "end": s.flow.end.map(crate::routing::simulate::end_name),
                    })
                })
            })
            .await?
            .ok_or_else(|| EdgeError::bad_request("the call has no routing setup to replay"))?;
        Ok(json(&out, 200)?)
    }

    /// Sends queued commands in order until the outbox is empty.
    async fn flush_outbox(&self) -> EdgeResult<()> {
        let cfg = Config::from_env(&self.env)?;
        loop {
            let next = self.with_session("", |s| {
                let callee = s
                    .setup
                    .as_ref()
                    .map(|x| x.callee.trim_start_matches("4:").to_owned());
                s.outbox()
                    .first()
                    .cloned()
                    .map(|c| (c, s.call_connection_id.clone(), callee))
            });
            let Some((cmd, id, callee)) = next.await? else {
                return Ok(());
            };
            if let CommandKind::Webhook {
                url,
                body,
                timeout_ms,
            } = &cmd.kind
            {
                self.with_session(&id, |s| s.handle_sent(&cmd.id, Ok(())))
                    .await?;
                self.persist().await?;
                let reply = app_webhook::send(&self.env, url, body, *timeout_ms).await;
                if let Err(no) = &reply {
                    worker::console_log!("webhook step {}: {}", cmd.id, no.reason());
                }
                let now = now_ms();
                self.with_session(&id, |s| s.handle_webhook(&cmd.id, reply, now))
                    .await?;
                self.persist().await?;
                continue;
            }
            let result = match command_request(&cmd, &id, callee.as_deref(), &cfg.api_version) {
                Err(e) => Err(e.to_string()),
                Ok(req) => self.send_with_retries(&cfg, &req, &id, &cmd.id).await?,
            };
            let invitation = match (&cmd.kind, &result) {
                (CommandKind::AddParticipant { target, .. }, Ok(reply)) => {
                    invitation_id(&id, target, reply)
                }
                _ => None,
            };
            self.with_session(&id, |s| {
                if let Some(invitation) = &invitation {
                    s.handle_invitation(&cmd.id, invitation);
                }
                s.handle_sent(&cmd.id, result.map(|_| ()));
            })
            .await?;
            self.persist().await?;
        }
    }

    /// Sends one command through the core's send loop, recording each retry in the timeline
    /// (and persisting it) before waiting.
    async fn send_with_retries(
        &self,
        cfg: &Config,
        req: &callsteer::http::Request,
        call_id: &str,
        cmd_id: &str,
    ) -> EdgeResult<Result<callsteer::send::Reply, String>> {
        let transport = CommandTransport {
            object: self,
            call_id,
            cmd_id,
        };
        Ok(match acs::send_with(cfg, req, &transport).await {
            Ok(reply) if (200..300).contains(&reply.status) => Ok(reply),
            Ok(reply) => Err(callsteer::send::failure_reason(&reply)),
            Err(e) => Err(format!("transport: {}", e.message)),
        })
    }
}

/// The worker's transport, plus a timeline entry for each retry of one command.
struct CommandTransport<'a> {
    object: &'a CallObject,
    call_id: &'a str,
    cmd_id: &'a str,
}

impl callsteer::send::Transport for CommandTransport<'_> {
    async fn exchange(
        &self,
        request: &callsteer::http::Request,
        endpoint: &callsteer::http::Endpoint,
    ) -> Result<callsteer::send::Reply, String> {
        acs::EdgeTransport.exchange(request, endpoint).await
    }

    async fn sleep(&self, ms: u64) {
        acs::EdgeTransport.sleep(ms).await;
    }

    fn now_unix(&self) -> u64 {
        acs::EdgeTransport.now_unix()
    }

    async fn retrying(&self, attempt: u32, reason: &str, _after_ms: u64) {
        let (id, cmd) = (self.call_id, self.cmd_id);
        let recorded = async {
            self.object
                .with_session(id, |s| s.handle_retry(cmd, attempt, reason))
                .await?;
            self.object.persist().await
        };
        // The send goes on either way; a lost timeline entry is only logged.
        if let Err(e) = recorded.await {
            worker::console_error!("recording a retry of {cmd} failed: {}", e.message);
        }
    }
}

/// The invitation id of an accepted add-participant (what cancelling it needs), read by the
/// core's decoder of the operation's response.
fn invitation_id(call_id: &str, target: &str, reply: &callsteer::send::Reply) -> Option<String> {
    use callsteer::api::Operation;
    let op = callsteer::api::AddParticipant::new(call_id, identifier(target));
    op.decode(&reply.as_response()).ok()?.invitation_id
}

/// `?callbacksAfter=<n>` of a `/state` request.
fn callbacks_after(req: &Request) -> Option<u64> {
    let url = req.url().ok()?;
    let n = url.query_pairs().find(|(k, _)| k == "callbacksAfter")?.1;
    n.parse().ok()
}

/// The admin view of a call: the session without its dedup set, plus the derived status.
pub(crate) fn view_of(s: &mut CallSession) -> serde_json::Value {
    let mut v = serde_json::to_value(&*s).unwrap_or_default();
    if let Some(obj) = v.as_object_mut() {
        obj.remove("seen");
        obj.insert("status".into(), s.status().into());
        obj.insert(
            "outbox".into(),
            serde_json::to_value(s.outbox()).unwrap_or_default(),
        );
    }
    v
}

/// The call index entry (`call:<id>` in KV) for the admin list.
fn summary(s: &CallSession) -> Option<(String, String)> {
    let setup = s.setup.as_ref();
    let value = serde_json::json!({
        "callConnectionId": s.call_connection_id,
        "serverCallId": s.server_call_id,
        "status": s.status(),
        "rule": setup.and_then(|x| x.rule.clone()),
        "caller": setup.map(|x| x.caller.clone()),
        "callee": setup.map(|x| x.callee.clone()),
        "answeredAtMs": setup.map(|x| x.answered_at_ms),
        "endedAtMs": s.ended_at_ms,
    });
    Some((format!("call:{}", s.call_connection_id), value.to_string()))
}

/// Sends `body` to the object of call `id` at `path`.
///
/// # Errors
/// Worker errors from the binding or the stub.
pub(crate) async fn call(
    env: &Env,
    id: &str,
    method: Method,
    path: &str,
    body: Option<String>,
) -> EdgeResult<Response> {
    let stub = env.durable_object(CALLS)?.id_from_name(id)?.get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(method);
    if let Some(b) = body {
        init.with_body(Some(b.into()));
    }
    let req = Request::new_with_init(&format!("https://call.internal{path}"), &init)?;
    Ok(stub.fetch_with_request(req).await?)
}
