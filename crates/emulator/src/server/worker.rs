//! Background tasks: simulation timers and ordered event delivery.

use super::App;
use crate::delivery::{now_ms, Job, Target};
use std::collections::HashMap;
use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Fires simulation timers at their deadlines.
pub(super) async fn timer_loop(app: Arc<App>) {
    loop {
        let next = app.sim.lock().ok().and_then(|s| s.poll_timeout());
        match next {
            Some(at) => {
                let wait = Duration::from_millis(at.saturating_sub(now_ms()));
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = app.wake.notified() => continue,
                }
            }
            None => app.wake.notified().await,
        }
        let jobs = match app.sim.lock() {
            Ok(mut sim) => {
                sim.handle_timeout(now_ms());
                app.drain(&mut sim)
            }
            Err(_) => return,
        };
        for j in jobs {
            let _ = app.jobs.send(j);
        }
    }
}

/// Fans jobs out to one ordered queue per call at each receiver (scheme + authority, then the
/// event's call connection id, or server call id for Event Grid), so calls are delivered
/// concurrently, as the service does, while each call's events keep their order (and the
/// reorder fault swaps within a call); a slow or hung receiver delays only its own events.
/// A queue with nothing to do for [`QUEUE_IDLE`] closes; its next event opens a new one.
pub(super) async fn delivery_loop(app: Arc<App>, mut rx: mpsc::UnboundedReceiver<Job>) {
    let mut queues: HashMap<String, mpsc::UnboundedSender<Job>> = HashMap::new();
    let mut since_prune = 0usize;
    while let Some(job) = rx.recv().await {
        let key = queue_key(&job);
        let job = match queues.get(&key) {
            Some(q) => match q.send(job) {
                Ok(()) => continue,
                Err(mpsc::error::SendError(job)) => job, // that queue closed: open another
            },
            None => job,
        };
        let (tx, queue_rx) = mpsc::unbounded_channel();
        tokio::spawn(receiver_queue(app.clone(), queue_rx));
        let _ = tx.send(job);
        queues.insert(key, tx);
        since_prune += 1;
        if since_prune >= 256 {
            queues.retain(|_, q| !q.is_closed());
            since_prune = 0;
        }
    }
}

/// How long a call's delivery queue waits for another event before it closes.
const QUEUE_IDLE: Duration = Duration::from_secs(5);

/// The queue a job goes to: its receiver's origin and the call it concerns.
fn queue_key(job: &Job) -> String {
    let data = &job.event["data"];
    let call = data["callConnectionId"]
        .as_str()
        .or_else(|| data["serverCallId"].as_str())
        .unwrap_or("");
    format!("{} {call}", origin(&job.target))
}

/// `scheme://authority` of a delivery target.
fn origin(target: &Target) -> String {
    let uri = target.uri();
    let after_scheme = uri.find("://").map_or(0, |i| i + 3);
    let end = uri[after_scheme..]
        .find('/')
        .map_or(uri.len(), |i| after_scheme + i);
    uri[..end].to_ascii_lowercase()
}

/// Delivers one queue's jobs one at a time, in order, applying the duplicate /
/// reorder faults. Closes itself when idle, delivering whatever raced in first.
async fn receiver_queue(app: Arc<App>, mut rx: mpsc::UnboundedReceiver<Job>) {
    let mut held: Option<Job> = None;
    loop {
        let wait = if held.is_some() {
            // A held event waits briefly for a successor to swap with.
            Duration::from_millis(300)
        } else {
            QUEUE_IDLE
        };
        let job = match tokio::time::timeout(wait, rx.recv()).await {
            Ok(Some(j)) => Some(j),
            Ok(None) => return,
            Err(_) if held.is_none() => {
                rx.close();
                while let Ok(j) = rx.try_recv() {
                    send(&app, &j, false).await;
                }
                return;
            }
            Err(_) => None,
        };
        let faults = app.faults.lock().map(|f| f.clone()).unwrap_or_default();
        match (job, held.take()) {
            (Some(j), None) if faults.reorder_events => held = Some(j),
            (Some(j), Some(h)) => {
                send(&app, &j, faults.duplicate_events).await;
                send(&app, &h, faults.duplicate_events).await;
            }
            (Some(j), None) => send(&app, &j, faults.duplicate_events).await,
            (None, Some(h)) => send(&app, &h, faults.duplicate_events).await,
            (None, None) => {}
        }
    }
}

async fn send(app: &Arc<App>, job: &Job, twice: bool) {
    if let Some(t) = job.not_before {
        tokio::time::sleep_until(t).await;
    }
    let times = if twice { 2 } else { 1 };
    for _ in 0..times {
        deliver_counted(app, job).await;
    }
}

/// When a failed Event Grid delivery is tried again, after the first attempt: the start of
/// Event Grid's documented schedule (10 s, 30 s, 1 min, 5 min, … up to 24 hours). The emulator
/// stops after these three — an IncomingCall has stopped ringing long before the rest — and
/// sends no dead letters. Callbacks are not redelivered (docs/emulator.md).
pub(crate) const EVENT_GRID_RETRIES: [Duration; 3] = [
    Duration::from_secs(10),
    Duration::from_secs(30),
    Duration::from_secs(60),
];

/// True when Event Grid tries a delivery that got `status` (`None`: no response) again: not
/// for a 2xx, nor for the statuses it documents as final for webhooks (400, 401, 403, 413).
pub(crate) fn event_grid_retries(status: Option<u16>) -> bool {
    match status {
        Some(s) if (200..300).contains(&s) => false,
        Some(400 | 401 | 403 | 413) => false,
        _ => true,
    }
}

/// Delivers `job` once, counting the attempt, its status and latency; a failed Event Grid
/// delivery is scheduled again ([`EVENT_GRID_RETRIES`]). Returns the receiver's status.
pub(crate) async fn deliver_counted(app: &Arc<App>, job: &Job) -> Option<u16> {
    let status = attempt(app, job).await;
    if matches!(job.target, Target::EventGrid(_)) && event_grid_retries(status) {
        schedule_redelivery(app.clone(), job.clone(), 0);
    }
    status
}

async fn attempt(app: &App, job: &Job) -> Option<u16> {
    let started = tokio::time::Instant::now();
    let result = app.deliverer.deliver(job).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let status = match result {
        Ok(s) => Some(s),
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "callsteer-emulator: delivery failed: {e}"
            );
            None
        }
    };
    if let Ok(mut d) = app.deliveries.lock() {
        d.record(status, ms);
    }
    status
}

fn schedule_redelivery(app: Arc<App>, job: Job, retry: usize) {
    let Some(delay) = EVENT_GRID_RETRIES.get(retry).copied() else {
        if let Ok(mut d) = app.deliveries.lock() {
            d.abandoned();
        }
        return;
    };
    if let Ok(mut d) = app.deliveries.lock() {
        d.redelivery_scheduled();
    }
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let status = attempt(&app, &job).await;
        if event_grid_retries(status) {
            schedule_redelivery(app, job, retry + 1);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_group_by_receiver() {
        let o = |u: &str| origin(&Target::Callback(u.into()));
        assert_eq!(o("http://127.0.0.1:9/a/b?x=1"), "http://127.0.0.1:9");
        assert_eq!(o("http://127.0.0.1:9"), "http://127.0.0.1:9");
        assert_eq!(o("HTTPS://Host.Example/cb"), "https://host.example");
        let sub = crate::delivery::Subscription {
            endpoint: "nonsense".into(),
            auth: None,
        };
        assert_eq!(origin(&Target::EventGrid(Arc::new(sub))), "nonsense");
    }

    #[test]
    fn each_call_has_its_own_queue_at_a_receiver() {
        let key = |uri: &str, field: &str, id: &str| {
            queue_key(&Job {
                target: Target::Callback(uri.into()),
                event: serde_json::json!({ "data": { field: id } }),
                not_before: None,
            })
        };
        let a = key("http://h:1/cb", "callConnectionId", "a");
        let a2 = key("http://h:1/other", "callConnectionId", "a");
        let b = key("http://h:1/cb", "callConnectionId", "b");
        let incoming = key("http://h:1/cb", "serverCallId", "s");
        assert_eq!(a, a2, "one call's events keep their order at one receiver");
        assert_ne!(a, b);
        assert_ne!(a, incoming);
    }

    #[test]
    fn event_grid_retries_what_it_documents() {
        for s in [
            None,
            Some(404),
            Some(408),
            Some(429),
            Some(500),
            Some(502),
            Some(503),
        ] {
            assert!(event_grid_retries(s), "{s:?} is retried");
        }
        for s in [
            Some(200),
            Some(202),
            Some(400),
            Some(401),
            Some(403),
            Some(413),
        ] {
            assert!(!event_grid_retries(s), "{s:?} is final");
        }
    }
}
