//! The HTTP face of the emulator: the service API, keys, and the control API; CORS for
//! the service API (`cors.rs`) only when started with `cors` (the service has none).
//!
//! The [`Simulation`] sits behind a mutex that is never held across
//! an `.await`. After every input its outputs are queued for the delivery worker;
//! a timer task sleeps until the simulation's next deadline.

mod control;
mod cors;
mod service;
mod worker;

pub mod routes;

use super::counts::{DeliveryCounts, Fate, RequestCounts};
use super::delivery::{Deliverer, Job};
use super::faults::Faults;
use super::jwt::Signer;
use super::sim::Simulation;
use axum::routing::{get, post};
use axum::Router;
use callsteer::auth::AccessKey;
use rand::{rngs::StdRng, SeedableRng};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot, Notify};

/// How the emulator is started.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (port 0 picks a free port).
    pub listen: SocketAddr,
    /// The access key clients sign with.
    pub access_key: AccessKey,
    /// The immutable resource id: the audience of callback tokens.
    pub resource_id: String,
    /// Answer browser preflights and add CORS headers on the service API (`--cors`). Off by
    /// default, like the real service: a page reaches it through its own backend.
    pub cors: bool,
}

/// A stored first response for a `Repeatability-Request-ID`.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub status: u16,
    pub body: Option<serde_json::Value>,
}

/// Shared state of the running emulator.
#[derive(Debug)]
pub(crate) struct App {
    pub sim: Mutex<Simulation>,
    pub wake: Notify,
    pub jobs: mpsc::UnboundedSender<Job>,
    pub signer: Arc<Signer>,
    /// The emulated Entra issuer's key (Entra-protected Event Grid delivery).
    pub entra: Arc<Signer>,
    pub deliverer: Deliverer,
    pub key: AccessKey,
    pub base_url: String,
    pub faults: Mutex<Faults>,
    pub repeat: Mutex<HashMap<String, Stored>>,
    pub subscriptions: Mutex<Vec<Arc<super::delivery::Subscription>>>,
    pub rng: Mutex<StdRng>,
    /// Every service API request and its fate (`GET /emulator/requests`).
    pub requests: Mutex<RequestCounts>,
    /// Every event delivery attempt (`GET /emulator/deliveries`).
    pub deliveries: Mutex<DeliveryCounts>,
}

/// A running emulator.
#[derive(Debug)]
pub struct Running {
    /// `http://127.0.0.1:PORT` (no trailing slash): the issuer of its tokens.
    pub base_url: String,
    /// The bound address.
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops serving and waits for the server task.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Binds and starts the emulator.
///
/// # Errors
/// A reason when the address cannot be bound or the signing key cannot be made.
pub async fn serve(config: Config) -> Result<Running, String> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let base_url = format!("http://{addr}");
    let mut rng = StdRng::from_entropy();
    let signer = Arc::new(Signer::generate(&mut rng)?);
    let entra = Arc::new(Signer::generate(&mut rng)?);
    let seed = rand::RngCore::next_u64(&mut rng);
    let (jobs, rx) = mpsc::unbounded_channel();
    let app = Arc::new(App {
        sim: Mutex::new(Simulation::new(&config.resource_id, seed)),
        wake: Notify::new(),
        jobs,
        deliverer: Deliverer::new(
            signer.clone(),
            entra.clone(),
            &base_url,
            &config.resource_id,
        ),
        entra,
        signer,
        key: config.access_key,
        base_url: base_url.clone(),
        faults: Mutex::new(Faults::default()),
        repeat: Mutex::new(HashMap::new()),
        subscriptions: Mutex::new(Vec::new()),
        rng: Mutex::new(rng),
        requests: Mutex::new(RequestCounts::default()),
        deliveries: Mutex::new(DeliveryCounts::default()),
    });
    let (stop, stopped) = oneshot::channel::<()>();
    let timers = tokio::spawn(worker::timer_loop(app.clone()));
    let delivery = tokio::spawn(worker::delivery_loop(app.clone(), rx));
    let router = router(app, config.cors);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        timers.abort();
        delivery.abort();
    });
    Ok(Running {
        base_url,
        addr,
        stop,
        task,
    })
}

fn router(app: Arc<App>, cors: bool) -> Router {
    let router = Router::new()
        .route("/calling/keys", get(control::keys))
        .route(
            "/calling/.well-known/acsopenidconfiguration",
            get(control::openid),
        )
        .route(
            "/entra/{tenant}/discovery/v2.0/keys",
            get(control::entra_keys),
        )
        .route(
            "/entra/{tenant}/v2.0/.well-known/openid-configuration",
            get(control::entra_openid),
        )
        .route("/emulator/entra/tokens", post(control::entra_token))
        .route("/emulator/event-subscriptions", post(control::subscribe))
        .route("/emulator/incoming-calls", post(control::incoming_call))
        .route("/emulator/dtmf", post(control::dtmf))
        .route("/emulator/speech", post(control::speech))
        .route("/emulator/hangup", post(control::hangup))
        .route("/emulator/rooms", post(control::room))
        .route("/emulator/tokens", post(control::token))
        .route("/emulator/calls", get(control::calls))
        .route("/emulator/calls/{id}", get(control::call))
        .route("/emulator/requests", get(control::requests))
        .route("/emulator/deliveries", get(control::deliveries))
        .route(
            "/emulator/faults",
            post(control::set_faults)
                .delete(control::clear_faults)
                .get(control::get_faults),
        )
        .fallback(service::handle);
    let router = if cors {
        router.layer(axum::middleware::from_fn(cors::layer))
    } else {
        router
    };
    router.with_state(app)
}

impl App {
    /// Counts one service API request (see [`RequestCounts::record`]).
    pub(crate) fn count(&self, op: Option<&'static str>, call: Option<&str>, fate: Fate) {
        if let Ok(mut c) = self.requests.lock() {
            c.record(op, call, fate);
        }
    }

    /// Queues the simulation's outputs for delivery; returns them too.
    pub(crate) fn drain(&self, sim: &mut Simulation) -> Vec<Job> {
        let subs = self
            .subscriptions
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default();
        let mut out = Vec::new();
        let not_before = Some(tokio::time::Instant::now() + super::delivery::REACTION);
        while let Some(o) = sim.poll_output() {
            match o {
                super::sim::Output::Callback { uri, event } => out.push(Job {
                    target: super::delivery::Target::Callback(uri),
                    event,
                    not_before,
                }),
                super::sim::Output::IncomingCall { event } => {
                    out.extend(subs.iter().map(|s| Job {
                        target: super::delivery::Target::EventGrid(s.clone()),
                        event: event.clone(),
                        not_before,
                    }));
                }
            }
        }
        out
    }

    /// Queues jobs and wakes the timer task (a new deadline may exist).
    pub(crate) fn enqueue(&self, jobs: Vec<Job>) {
        for j in jobs {
            let _ = self.jobs.send(j);
        }
        self.wake.notify_one();
    }
}
