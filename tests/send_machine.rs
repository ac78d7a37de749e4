//! The send machine on its own, in virtual time (no sockets, no sleeps): what each attempt
//! carries, how long it waits, when it stops — and the generic `send` loop over a scripted
//! transport.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer::api::{AnswerCall, Operation};
use callsteer::auth::{sign_for_endpoint, AccessKey, Credential};
use callsteer::http::{Endpoint, Repeatability, Request};
use callsteer::retry::RetryPolicy;
use callsteer::send::{send, Attempts, Next, Reply, Transport};
use callsteer::Error;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

const NOW: u64 = 1_649_873_352; // Wed, 13 Apr 2022 18:09:12 GMT

fn request() -> Request {
    AnswerCall::new("ctx", "https://app.example/cb")
        .repeatability(Repeatability::from_random([7; 16], NOW))
        .to_request(callsteer::DEFAULT_API_VERSION)
        .unwrap()
}

fn key() -> Credential {
    Credential::Key(AccessKey::from_base64("cHc9PQ==").unwrap())
}

fn endpoint() -> Endpoint {
    Endpoint::parse("https://contoso.communication.azure.com/").unwrap()
}

fn header<'a>(r: &'a Request, name: &str) -> &'a str {
    r.get_header(name).unwrap()
}

fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect()
}

/// A transport whose futures are always ready: a script of replies, a virtual clock that
/// `sleep` advances, and a log of what was sent, waited and reported.
struct Scripted {
    replies: RefCell<Vec<Result<Reply, String>>>,
    now_ms: Cell<u64>,
    sent: RefCell<Vec<Request>>,
    slept: RefCell<Vec<u64>>,
    retried: RefCell<Vec<(u32, String, u64)>>,
}

impl Scripted {
    fn new(replies: Vec<Result<Reply, String>>) -> Self {
        Scripted {
            replies: RefCell::new(replies.into_iter().rev().collect()),
            now_ms: Cell::new(NOW * 1000),
            sent: RefCell::default(),
            slept: RefCell::default(),
            retried: RefCell::default(),
        }
    }
}

impl Transport for Scripted {
    async fn exchange(&self, request: &Request, _: &Endpoint) -> Result<Reply, String> {
        self.sent.borrow_mut().push(request.clone());
        self.replies
            .borrow_mut()
            .pop()
            .expect("the script has a reply for every attempt")
    }
    async fn sleep(&self, ms: u64) {
        self.slept.borrow_mut().push(ms);
        self.now_ms.set(self.now_ms.get() + ms);
    }
    fn now_unix(&self) -> u64 {
        self.now_ms.get() / 1000
    }
    async fn retrying(&self, attempt: u32, reason: &str, after_ms: u64) {
        self.retried
            .borrow_mut()
            .push((attempt, reason.to_owned(), after_ms));
    }
}

fn reply(status: u16, headers: &[(&str, &str)]) -> Result<Reply, String> {
    Ok(Reply {
        status,
        headers: h(headers),
        body: Vec::new(),
    })
}

/// Runs a future whose every await is ready at once (the scripted transport's are).
fn run<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    match f.as_mut().poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("virtual time never waits"),
    }
}

fn send_scripted(t: &Scripted, policy: RetryPolicy) -> Result<Reply, Error> {
    run(send(t, request(), policy, &key(), &endpoint()))
}

#[test]
fn every_attempt_is_the_same_request_signed_at_its_own_time() {
    let t = Scripted::new(vec![reply(503, &[("Retry-After", "2")]), reply(200, &[])]);
    let r = send_scripted(&t, RetryPolicy::default()).unwrap();
    assert_eq!(r.status, 200);
    let sent = t.sent.borrow();
    assert_eq!(sent.len(), 2);
    assert_eq!(*t.slept.borrow(), vec![2000]);
    for name in [
        "repeatability-request-id",
        "repeatability-first-sent",
        "x-ms-content-sha256",
    ] {
        assert_eq!(
            header(&sent[0], name),
            header(&sent[1], name),
            "{name} is the same on the retry"
        );
    }
    assert_eq!(
        header(&sent[0], "x-ms-date"),
        "Wed, 13 Apr 2022 18:09:12 GMT"
    );
    assert_eq!(
        header(&sent[1], "x-ms-date"),
        "Wed, 13 Apr 2022 18:09:14 GMT",
        "signed 2 s later"
    );
    assert_ne!(
        header(&sent[0], "authorization"),
        header(&sent[1], "authorization")
    );
    // Each signature is exactly the core's signature of that attempt.
    let mut expected = request();
    let Credential::Key(k) = key() else {
        unreachable!()
    };
    sign_for_endpoint(&mut expected, &k, &endpoint(), NOW + 2);
    assert_eq!(
        header(&sent[1], "authorization"),
        header(&expected, "authorization")
    );
}

#[test]
fn server_hints_in_every_form_are_honoured() {
    for (hint, ms) in [
        (("retry-after-ms", "250"), 250),
        (("x-ms-retry-after-ms", "1500"), 1500),
        (("Retry-After", "3"), 3000),
        (("Retry-After", "Wed, 13 Apr 2022 18:09:22 GMT"), 10_000),
    ] {
        let t = Scripted::new(vec![reply(429, &[hint]), reply(202, &[])]);
        assert_eq!(
            send_scripted(&t, RetryPolicy::default()).unwrap().status,
            202
        );
        assert_eq!(*t.slept.borrow(), vec![ms], "{hint:?}");
    }
}

#[test]
fn without_hints_it_backs_off_and_hands_back_the_last_reply_when_the_budget_is_spent() {
    let t = Scripted::new((0..4).map(|_| reply(503, &[])).collect());
    let r = send_scripted(&t, RetryPolicy::default()).unwrap();
    assert_eq!(
        r.status, 503,
        "the final error status comes back to be decoded"
    );
    assert_eq!(t.sent.borrow().len(), 4, "first attempt + 3 retries");
    assert_eq!(*t.slept.borrow(), vec![800, 1600, 3200]);
    let attempts: Vec<u32> = t.retried.borrow().iter().map(|r| r.0).collect();
    assert_eq!(attempts, vec![1, 2, 3], "attempts count from 1");
}

#[test]
fn final_statuses_are_not_retried() {
    for status in [200, 201, 202, 204, 400, 401, 403, 404, 409, 412] {
        let t = Scripted::new(vec![reply(status, &[("Retry-After", "1")])]);
        assert_eq!(
            send_scripted(&t, RetryPolicy::default()).unwrap().status,
            status
        );
        assert!(t.slept.borrow().is_empty(), "{status}");
    }
}

#[test]
fn transport_failures_are_retried_then_reported() {
    let t = Scripted::new(vec![Err("connection reset".into()), reply(200, &[])]);
    assert_eq!(
        send_scripted(&t, RetryPolicy::default()).unwrap().status,
        200
    );
    assert_eq!(
        t.retried.borrow()[0],
        (1, "transport: connection reset".to_owned(), 800)
    );

    let t = Scripted::new((0..4).map(|_| Err("no route to host".to_owned())).collect());
    match send_scripted(&t, RetryPolicy::default()) {
        Err(Error::Transport { reason }) => assert_eq!(reason, "no route to host"),
        other => panic!("{other:?}"),
    }
    assert_eq!(t.sent.borrow().len(), 4);
}

#[test]
fn a_long_server_delay_is_handed_back_unless_clamped() {
    let policy = RetryPolicy {
        max_delay_ms: 10_000,
        ..RetryPolicy::default()
    };
    let t = Scripted::new(vec![reply(429, &[("Retry-After", "3600")])]);
    assert_eq!(send_scripted(&t, policy).unwrap().status, 429);
    let clamped = RetryPolicy {
        clamp_server_delay: true,
        ..policy
    };
    let t = Scripted::new(vec![
        reply(429, &[("Retry-After", "3600")]),
        reply(202, &[]),
    ]);
    assert_eq!(send_scripted(&t, clamped).unwrap().status, 202);
    assert_eq!(*t.slept.borrow(), vec![10_000]);
}

#[test]
fn the_retry_reason_quotes_the_service_error() {
    let body = br#"{"error":{"code":"ServiceUnavailable","message":"try later"}}"#.to_vec();
    let t = Scripted::new(vec![
        Ok(Reply {
            status: 503,
            headers: h(&[("Retry-After", "1")]),
            body,
        }),
        reply(200, &[]),
    ]);
    send_scripted(&t, RetryPolicy::default()).unwrap();
    assert_eq!(t.retried.borrow()[0].1, "503 ServiceUnavailable: try later");
}

#[test]
fn the_machine_resumes_with_the_attempts_already_made() {
    let policy = RetryPolicy::default();
    let mut a = Attempts::resume(request(), policy, 2);
    let signed = a.sign(&key(), &endpoint(), NOW);
    assert_eq!(a.made(), 3);
    assert!(signed.get_header("authorization").is_some());
    assert!(
        a.request().get_header("authorization").is_none(),
        "the kept request stays unsigned"
    );
    assert_eq!(a.on_response(503, &[], NOW), Next::Retry { after_ms: 3200 });
    a.sign(&key(), &endpoint(), NOW);
    assert_eq!(
        a.on_response(503, &[], NOW),
        Next::Finish,
        "4 attempts = 3 retries: done"
    );
    assert_eq!(a.on_transport_error(), Next::Finish);
}

#[test]
fn an_endpoint_with_a_base_path_signs_the_path_on_the_wire() {
    let base = Endpoint::parse("https://proxy.example/acs/").unwrap();
    let mut a = Attempts::new(request(), RetryPolicy::default());
    let signed = a.sign(&key(), &base, NOW);
    let mut expected = request();
    let Credential::Key(k) = key() else {
        unreachable!()
    };
    sign_for_endpoint(&mut expected, &k, &base, NOW);
    assert_eq!(
        header(&signed, "authorization"),
        header(&expected, "authorization")
    );
    let mut plain = request();
    callsteer::auth::sign(&mut plain, &k, base.authority(), NOW);
    assert_ne!(
        header(&signed, "authorization"),
        header(&plain, "authorization"),
        "signing without the base path would be refused"
    );
}
