//! Checks of the npm face's wasm exports that need a real JS engine: shared by
//! `wasm_node.rs` (Node) and `wasm_browser.rs` (headless Chromium). The JS wrapper around
//! them is tested end to end by tests/js/package.

use callsteer_npm::webhook::{webhook_sign, webhook_verify};
use callsteer_npm::{
    call_ended_kind, convert_member, event_plan, identifier_from_model, identifier_from_raw_id,
    outbound_audio, response, service_error, settling_kinds, streaming_frame, uuid, Engine,
};

/// One `#[wasm_bindgen_test]` per check below: `wasm_node.rs` and `wasm_browser.rs` differ
/// only in where the tests run.
macro_rules! shared_tests {
    ($($name:ident),* $(,)?) => {$(
        #[wasm_bindgen_test::wasm_bindgen_test]
        fn $name() {
            wasm_shared::$name();
        }
    )*};
}

/// Every shared check.
macro_rules! all_shared_tests {
    () => {
        shared_tests!(
            bad_credentials_throw_js_errors,
            signs_the_official_vectors,
            randomness_comes_from_the_host_crypto,
            retry_decisions_cross_the_boundary,
            recording_urls_are_checked,
            a_proxy_endpoint_with_a_base_path_and_a_token,
            memory_stays_bounded_under_many_requests,
            settling_kinds_come_from_the_operation_table,
            events_and_identifiers_cross_as_json_text,
            service_errors_are_the_cores,
            responses_and_frames_cross_as_json_text,
            requests_are_built_by_the_engine,
            webhook_signatures_cross_the_boundary,
        );
    };
}
use wasm_bindgen::{JsCast, JsValue};

fn prop(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn text(v: &JsValue, key: &str) -> Option<String> {
    prop(v, key).as_string()
}

fn assert_invalid(err: &JsValue, field: &str) {
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(text(err, "name").as_deref(), Some("InvalidInputError"));
    assert_eq!(text(err, "code").as_deref(), Some("InvalidInput"));
    assert_eq!(text(err, "field").as_deref(), Some(field));
}

/// The `pw==` key and clock of the official HMAC vectors (tests/fixtures/hmac-vectors.md).
const NOW_MS: f64 = 1_649_873_352_000.0;

/// A malformed connection string or key throws an `Error` naming the field, never the key.
pub(crate) fn bad_credentials_throw_js_errors() {
    let err = Engine::new("endpoint=https://x/", None, false).expect_err("no access key");
    assert_invalid(&err, "accesskey");
    let err =
        Engine::new("https://x.example", Some("%%%secret".into()), false).expect_err("bad key");
    assert!(!text(&err, "message").unwrap_or_default().contains("secret"));
    let err = Engine::new("ftp://x", None, true).expect_err("bad endpoint");
    assert_invalid(&err, "endpoint");
}

/// The value of header `name` in an export's `[first, name, value, …]` answer.
fn header(list: &[String], name: &str) -> Option<String> {
    list[1..]
        .chunks(2)
        .find(|p| p[0].eq_ignore_ascii_case(name))
        .map(|p| p[1].clone())
}

/// Signing through the export gives the official vectors (J1, J2) byte for byte, with every
/// header the attempt carries named by the engine.
pub(crate) fn signs_the_official_vectors() {
    let e = Engine::new("endpoint=https://example.com/;accesskey=pw==", None, false).unwrap();
    let j1 = e.sign("GET", "/testPath?testQuery=test", "", NOW_MS, None, false);
    assert_eq!(j1[0], "https://example.com/testPath?testQuery=test");
    assert_eq!(
        header(&j1, "x-ms-date").unwrap(),
        "Wed, 13 Apr 2022 18:09:12 GMT"
    );
    assert_eq!(
        header(&j1, "x-ms-content-sha256").unwrap(),
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    );
    let auth = header(&j1, "authorization").unwrap();
    assert!(
        auth.ends_with("Signature=DGdgwggJWnQyc6EHjR/Vbqg1ES64KpD6U2XwTDDj3tU="),
        "{auth}"
    );
    assert_eq!(header(&j1, "accept").unwrap(), "application/json");
    assert_eq!(
        header(&j1, "content-type"),
        None,
        "no body, no content type"
    );
    assert_eq!(header(&j1, "host"), None, "the transport sets the host");
    let j2 = e.sign("GET", "/testPath", "", NOW_MS, None, true);
    let auth = header(&j2, "authorization").unwrap();
    assert!(
        auth.ends_with("Signature=+6tWkg3lNKVjQHHmxkdGQcJjUgzclsWTMebnuCz1ngU="),
        "{auth}"
    );
    let bearer = Engine::new("https://example.com", None, true).unwrap();
    let b = bearer.sign("POST", "/x", "{}", NOW_MS, Some("tok".into()), false);
    assert_eq!(header(&b, "x-ms-content-sha256"), None);
    assert_eq!(header(&b, "authorization").unwrap(), "Bearer tok");
    assert_eq!(header(&b, "content-type").unwrap(), "application/json");
}

/// Repeatability ids and operation contexts are random v4 UUIDs from `crypto.getRandomValues`.
pub(crate) fn randomness_comes_from_the_host_crypto() {
    let e = Engine::new("endpoint=https://example.com/;accesskey=pw==", None, false).unwrap();
    let [id_name, a, date_name, date]: [String; 4] = e.repeatability(NOW_MS).try_into().unwrap();
    assert_eq!(id_name.to_ascii_lowercase(), "repeatability-request-id");
    assert_eq!(date_name.to_ascii_lowercase(), "repeatability-first-sent");
    assert_eq!(date, "Wed, 13 Apr 2022 18:09:12 GMT");
    let b = uuid();
    assert_ne!(a, b);
    for id in [&a, &b] {
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4", "{id}");
        assert!("89ab".contains(&id[19..20]), "{id}");
    }
}

/// The core's send machine as the wrapper sees it, after attempt number `made` (1-based):
/// milliseconds to wait, or -1.
pub(crate) fn retry_decisions_cross_the_boundary() {
    let mut e = Engine::new("endpoint=https://example.com/;accesskey=pw==", None, false).unwrap();
    assert_eq!(e.delay(1, 503, "Retry-After\n2\n", NOW_MS), 2000.0);
    assert_eq!(e.delay(1, 429, "x-ms-retry-after-ms\n20\n", NOW_MS), 20.0);
    assert_eq!(
        e.delay(1, 429, "retry-after-ms\n30\nretry-after\n9\n", NOW_MS),
        30.0
    );
    assert_eq!(e.delay(1, 400, "", NOW_MS), -1.0);
    assert_eq!(e.delay(1, 0, "", NOW_MS), 800.0, "no response: backoff");
    assert_eq!(e.delay(2, 503, "", NOW_MS), 1600.0, "doubles");
    assert_eq!(
        e.delay(4, 503, "", NOW_MS),
        -1.0,
        "budget spent (4 attempts = 3 retries)"
    );
    e.retry(Some(0.0), None, None);
    assert_eq!(e.delay(1, 0, "", NOW_MS), -1.0);
}

/// Recording URLs outside the recording hosts never get a signed request.
pub(crate) fn recording_urls_are_checked() {
    let e = Engine::new("endpoint=https://example.com/;accesskey=pw==", None, false).unwrap();
    let ok = e
        .recording(
            false,
            "https://eu.asm.skype.com/v1/objects/a/content",
            Some(10.0),
            Some(5.0),
        )
        .unwrap();
    assert_eq!(
        ok,
        [
            "/v1/objects/a/content",
            "x-ms-host",
            "example.com",
            "range",
            "bytes=10-14"
        ]
    );
    let err = e
        .recording(true, "https://evil.example/r", None, None)
        .unwrap_err();
    assert_invalid(&err, "deleteLocationUrl");
    let _ = err.dyn_into::<js_sys::Error>().unwrap();
}

/// A same-origin proxy as the endpoint (the edge worker's `/acs`, plain http on loopback)
/// with a token credential: requests go under the base path with the bearer token, and
/// participant pages are followed only under that base path.
pub(crate) fn a_proxy_endpoint_with_a_base_path_and_a_token() {
    let e = Engine::new("http://127.0.0.1:8787/acs", None, true).unwrap();
    let path = "/calling/callConnections/c/participants?api-version=2026-03-12";
    let s = e.sign("GET", path, "", NOW_MS, Some("admin-token".into()), false);
    assert_eq!(s[0], ["http://127.0.0.1:8787/acs", path].concat());
    assert_eq!(header(&s, "authorization").unwrap(), "Bearer admin-token");
    // The page's `next`, as `Engine::page` answers for a page whose `nextLink` is `link`.
    let next = |link: &str| {
        e.page(&[r#"{"nextLink":""#, link, r#""}"#].concat())
            .map(|out| {
                let start = r#"{"values":[],"next":""#;
                out[start.len()..out.len() - 2].to_owned()
            })
    };
    let page2 = "/calling/callConnections/c/participants?api-version=2026-03-12&skip=2";
    assert_eq!(
        next(&["http://127.0.0.1:8787/acs", page2].concat()).unwrap(),
        page2
    );
    assert_eq!(next(&["/acs", page2].concat()).unwrap(), page2);
    assert_eq!(
        next("/acs/calling/callConnections/c/participants?skip=2").unwrap(),
        "/calling/callConnections/c/participants?skip=2&api-version=2026-03-12"
    );
    for elsewhere in [
        ["https://contoso.communication.azure.com", page2].concat(),
        ["http://127.0.0.1:8788/acs", page2].concat(),
        ["http://127.0.0.1:8787", page2].concat(),
        page2.to_owned(),
    ] {
        let err = next(&elsewhere).expect_err(&elsewhere);
        assert_invalid(&err, "nextLink");
    }
}

/// The package's small global allocator (lol_alloc's free list, crates/npm/src/lib.rs) reuses freed
/// memory: thousands of signatures over bodies of 0–16 kB, with a request built, a roster
/// converted and a response shaped each time (the engine's JSON work since issue 12), leave the
/// wasm memory bounded (a leaking allocator would grow it by the total, ≈ 16 MB here).
pub(crate) fn memory_stays_bounded_under_many_requests() {
    let e = Engine::new("endpoint=https://example.com/;accesskey=pw==", None, false).unwrap();
    let pages = || {
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        js_sys::ArrayBuffer::from(memory.buffer()).byte_length()
    };
    let body = "x".repeat(16 * 1024);
    let mut seed = 7u32;
    let mut sign_some = |n: usize| {
        for _ in 0..n {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let len = (seed >> 8) as usize % body.len();
            let out = e.sign(
                "POST",
                "/calling/callConnections/c:play?api-version=2026-03-12",
                &body[..len],
                NOW_MS,
                None,
                false,
            );
            assert!(header(&out, "authorization").is_some());
            let _ = e.repeatability(NOW_MS);
            // The engine's JSON work: a request built from arguments of varying size, a
            // roster converted, a response shaped (many short-lived strings of many sizes).
            let name = &body[..(seed as usize >> 4) % 512];
            let args = [
                r#"["c",{"targetParticipant":{"communicationUserId":"8:acs:"#,
                name,
                r#""},"sourceDisplayName":""#,
                name,
                r#""},{"operationContext":"x"}]"#,
            ]
            .concat();
            assert!(e.request("addParticipant", &args).is_ok());
            let roster = [
                r#"[{"identifier":{"rawId":"8:acs:"#,
                name,
                r#""},"isMuted":true}]"#,
            ]
            .concat();
            assert!(convert_member(2, &roster).unwrap().is_some());
            assert!(response(0, &[r#"{"callConnectionId":""#, name, r#""}"#].concat()).is_ok());
        }
    };
    sign_some(200);
    let warmed = pages();
    sign_some(2000);
    let grown = pages() - warmed;
    assert!(
        grown <= 1 << 20,
        "wasm memory grew by {grown} bytes over 2000 requests"
    );
}

/// `settlingKinds` gives the core table's events per outcome (Succeeded;Failed;Canceled;
/// Progress) for every operation, and names `operationId` for an unknown one.
pub(crate) fn settling_kinds_come_from_the_operation_table() {
    use callsteer::api::routes::OperationId;
    use callsteer::events::Outcome;
    assert_eq!(
        settling_kinds("CallMedia_Play").unwrap(),
        "PlayCompleted;PlayFailed;PlayCanceled;PlayStarted"
    );
    assert_eq!(settling_kinds("CallMedia_Hold").unwrap(), ";HoldFailed;;");
    assert_eq!(
        settling_kinds("CallMedia_Recognize").unwrap(),
        "RecognizeCompleted;RecognizeFailed;RecognizeCanceled;PlayStarted,PlayCompleted"
    );
    for op in OperationId::ALL {
        let got = settling_kinds(op.as_str()).unwrap();
        let fields: Vec<&str> = got.split(';').collect();
        let outcomes = [
            Outcome::Succeeded,
            Outcome::Failed,
            Outcome::Canceled,
            Outcome::Progress,
        ];
        for (field, outcome) in fields.iter().zip(outcomes) {
            assert_eq!(*field, op.kinds(outcome).join(","), "{op} {outcome:?}");
        }
        assert_eq!(fields.len(), 4);
    }
    assert_invalid(&settling_kinds("Play").unwrap_err(), "operationId");
}

/// The event and identifier exports: JSON text in and out, and the JS error classes the
/// official functions throw (`SyntaxError` for bad JSON).
pub(crate) fn events_and_identifiers_cross_as_json_text() {
    assert_eq!(
        event_plan("Microsoft.Communication.AddParticipantSucceeded"),
        "AddParticipantSucceeded;participant;1"
    );
    assert_eq!(event_plan("Microsoft.Communication.Nope"), "");
    let member = r#"{"rawId":"8:acs:u","communicationUser":{"id":"8:acs:u"}}"#;
    assert_eq!(
        convert_member(1, member).unwrap().as_deref(),
        Some(r#"{"communicationUserId":"8:acs:u"}"#)
    );
    assert_eq!(convert_member(2, "null").unwrap(), None);
    let err = convert_member(1, "[1,").unwrap_err();
    assert!(err.is_instance_of::<js_sys::SyntaxError>());
    assert_eq!(
        identifier_from_raw_id("28:dod:a"),
        r#"{"kind":"microsoftTeamsApp","teamsAppId":"a","cloud":"dod"}"#
    );
    assert_eq!(
        identifier_from_model(r#"{"rawId":"4:+1","phoneNumber":{"value":"+1"}}"#).unwrap(),
        r#"{"phoneNumber":"+1","rawId":"4:+1"}"#
    );
    assert_eq!(call_ended_kind(), "CallDisconnected");
}

/// A failed response becomes the package's error from the core's decoding: code, the core's
/// message, status, sub-code, request id (the core's header preference), target, details.
pub(crate) fn service_errors_are_the_cores() {
    let body = r#"{"error":{"code":"BadRequest","message":"Bad \"cb\"","target":"callbackUri","details":[{"code":"D","message":"m","target":"t"}],"innererror":{"code":"8523"}}}"#;
    let headers =
        "content-type\napplication/json\nx-ms-client-request-id\nc-1\nX-Ms-Request-Id\nr-1\n";
    assert_eq!(
        service_error(400, headers, body),
        r#"{"code":"BadRequest","message":"service error 400 BadRequest: Bad \"cb\" (request id r-1)","statusCode":400,"subCode":8523,"requestId":"r-1","target":"callbackUri","details":[{"code":"D","message":"m"}]}"#
    );
    assert_eq!(
        service_error(503, "", "<html>"),
        r#"{"code":"ServiceError","message":"service error 503: HTTP 503 with no CommunicationErrorResponse body","statusCode":503}"#
    );
}

/// Response bodies, participant pages and streaming frames through the exports; a body that
/// is not JSON is a `DecodeError`, a page link elsewhere an `InvalidInputError`.
pub(crate) fn responses_and_frames_cross_as_json_text() {
    assert_eq!(
        response(
            0,
            r#"{"callConnectionId":"c","answeredBy":{"id":"8:acs:b"}}"#
        )
        .unwrap(),
        r#"{"callConnectionId":"c","answeredby":{"communicationUserId":"8:acs:b"}}"#
    );
    let err = response(3, "<html>").unwrap_err();
    assert_eq!(text(&err, "name").as_deref(), Some("DecodeError"));
    let e = Engine::new("endpoint=https://example.com/;accesskey=pw==", None, false).unwrap();
    let page = e
        .page(
            r#"{"value":[],"nextLink":"https://example.com/calling/callConnections/c/participants?skip=2"}"#,
        )
        .unwrap();
    assert_eq!(
        page,
        r#"{"values":[],"next":"/calling/callConnections/c/participants?skip=2&api-version=2026-03-12"}"#
    );
    let err = e
        .page(r#"{"nextLink":"https://evil.example/x"}"#)
        .unwrap_err();
    assert_invalid(&err, "nextLink");
    assert_eq!(
        streaming_frame(r#"{"kind":"DtmfData","dtmfData":{"data":"5"}}"#).unwrap(),
        r#"{"kind":"DtmfData","result":{"data":"5"}}"#
    );
    assert_eq!(
        outbound_audio(None),
        r#"{"kind":"stopAudio","stopAudio":{}}"#
    );
}

/// `Engine::request`: the method's arguments in, the request out (path from the core's table
/// with the configured api-version, repeatability, the operation a result waits on, the
/// context sent, the body); the core's input rules throw an `InvalidInputError`.
pub(crate) fn requests_are_built_by_the_engine() {
    let mut e = Engine::new("endpoint=https://example.com/;accesskey=pw==", None, false).unwrap();
    e.configure(Some("2099-01-01".into()), Some("8:acs:me".into()));
    let out = e
        .request(
            "removeParticipant",
            r#"["c1",{"phoneNumber":"+14255550123"},{"operationContext":"bye"}]"#,
        )
        .unwrap();
    assert_eq!(
        out,
        r#"["POST","/calling/callConnections/c1/participants:remove?api-version=2099-01-01",true,"CallConnection_RemoveParticipant","bye","{\"participantToRemove\":{\"kind\":\"phoneNumber\",\"rawId\":\"4:+14255550123\",\"phoneNumber\":{\"value\":\"+14255550123\",\"isAnonymous\":false}},\"operationContext\":\"bye\"}"]"#
    );
    let err = e
        .request(
            "createCall",
            r#"[{"targetParticipant":{"phoneNumber":"555"}},"https://a.example/cb"]"#,
        )
        .unwrap_err();
    assert_invalid(
        &err,
        "targetParticipant.targetParticipant.phoneNumber.value",
    );
}

/// The flow-webhook signature through the exports: the first vector of
/// tests/fixtures/webhook-signature.json, refusals as `WebhookSignatureError` with the core's
/// code (never quoting the secret), bad arguments as `InvalidInputError`.
pub(crate) fn webhook_signatures_cross_the_boundary() {
    const SECRET: &str = "callsteer-flow-webhook-secret-1";
    const BODY: &[u8] = br#"{"callConnectionId":"c-1","from":"+14255550123","digits":"2"}"#;
    const HEADER: &str =
        "t=1700000000,v1=c2e11f4e8e0446cce014dcccb9d3bf1d85775f780a029930a4e8a14c84c88500";
    const T_MS: f64 = 1_700_000_000_000.0;
    assert_eq!(webhook_sign(BODY, SECRET, T_MS).unwrap(), HEADER);
    assert_eq!(webhook_sign(BODY, SECRET, T_MS + 999.0).unwrap(), HEADER);
    assert_eq!(
        webhook_verify(BODY, HEADER, SECRET, T_MS + 300_999.0, None).unwrap(),
        1_700_000_000.0
    );
    let refused = |header: &str, now_ms: f64, tolerance: Option<f64>, code: &str| {
        let err = webhook_verify(BODY, header, SECRET, now_ms, tolerance).unwrap_err();
        assert!(err.is_instance_of::<js_sys::Error>());
        assert_eq!(text(&err, "name").as_deref(), Some("WebhookSignatureError"));
        assert_eq!(text(&err, "code").as_deref(), Some(code), "{header}");
        let message = text(&err, "message").unwrap_or_default();
        assert!(message.contains("Callsteer-Signature"), "{message}");
        assert!(!message.contains(SECRET), "{message}");
    };
    refused(HEADER, T_MS + 301_000.0, None, "Expired");
    refused(HEADER, T_MS + 2_000.0, Some(1.0), "Expired");
    refused("t=1700000000", T_MS, None, "MalformedHeader");
    refused("", T_MS, None, "MalformedHeader");
    refused(
        &HEADER.replace("v1=c", "v1=d"),
        T_MS,
        None,
        "InvalidSignature",
    );
    let err = webhook_verify(BODY, HEADER, "short", T_MS, None).unwrap_err();
    assert_invalid(&err, "secret");
    let err = webhook_verify(BODY, HEADER, SECRET, f64::NAN, None).unwrap_err();
    assert_invalid(&err, "now");
    let err = webhook_verify(BODY, HEADER, SECRET, T_MS, Some(-1.0)).unwrap_err();
    assert_invalid(&err, "toleranceInSeconds");
}
