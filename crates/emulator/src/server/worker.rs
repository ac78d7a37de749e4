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

/// Fans jobs out to one ordered queue per receiver (scheme + authority), so a slow or
/// hung receiver delays only its own events.
pub(super) async fn delivery_loop(app: Arc<App>, mut rx: mpsc::UnboundedReceiver<Job>) {
    let mut queues: HashMap<String, mpsc::UnboundedSender<Job>> = HashMap::new();
    while let Some(job) = rx.recv().await {
        let key = origin(&job.target);
        let queue = queues.entry(key).or_insert_with(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(receiver_queue(app.clone(), rx));
            tx
        });
        let _ = queue.send(job);
    }
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

/// Delivers one receiver's jobs one at a time, in order, applying the duplicate /
/// reorder faults.
async fn receiver_queue(app: Arc<App>, mut rx: mpsc::UnboundedReceiver<Job>) {
    let mut held: Option<Job> = None;
    loop {
        let job = match &held {
            // A held event waits briefly for a successor to swap with.
            Some(_) => match tokio::time::timeout(Duration::from_millis(300), rx.recv()).await {
                Ok(Some(j)) => Some(j),
                Ok(None) => return,
                Err(_) => None,
            },
            None => match rx.recv().await {
                Some(j) => Some(j),
                None => return,
            },
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

async fn send(app: &App, job: &Job, twice: bool) {
    if let Some(t) = job.not_before {
        tokio::time::sleep_until(t).await;
    }
    let times = if twice { 2 } else { 1 };
    for _ in 0..times {
        if let Err(e) = app.deliverer.deliver(job).await {
            let _ = writeln!(
                std::io::stderr(),
                "callsteer-emulator: delivery failed: {e}"
            );
        }
    }
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
}
