#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::js::ops::{plan, Ctx, Decode};
use serde_json::json;

fn model(v: Value) -> Value {
    identifier_model(&v, "t", true).unwrap()
}

#[test]
fn identifiers_serialize_like_communication_common() {
    assert_eq!(
        model(json!({"communicationUserId": "8:acs:a"})),
        json!({"kind": "communicationUser", "rawId": "8:acs:a", "communicationUser": {"id": "8:acs:a"}})
    );
    assert_eq!(
        model(json!({"phoneNumber": "+1425"})),
        json!({"kind": "phoneNumber", "rawId": "4:+1425", "phoneNumber": {"value": "+1425", "isAnonymous": false}})
    );
    assert_eq!(
        model(json!({"microsoftTeamsUserId": "u", "cloud": "gcch"}))["rawId"],
        json!("8:gcch:u")
    );
    assert_eq!(
        model(json!({"microsoftTeamsUserId": "u", "isAnonymous": true}))["rawId"],
        json!("8:teamsvisitor:u")
    );
    assert_eq!(
        model(json!({"teamsAppId": "a"}))["microsoftTeamsApp"],
        json!({"appId": "a", "cloud": "public"})
    );
    assert_eq!(
        model(json!({"userId": "u", "tenantId": "t", "resourceId": "r", "cloud": "dod"}))["rawId"],
        json!("8:dod-acs:r_t_u")
    );
    assert_eq!(
        model(json!({"id": "48:x"})),
        json!({"kind": "unknown", "rawId": "48:x"})
    );
    assert_eq!(
        model(json!({"phoneNumber": "+1", "rawId": "4:+1_x"}))["rawId"],
        json!("4:+1_x")
    );
}

#[test]
fn non_identifiers_are_refused_with_the_field() {
    match identifier_model(&json!({"name": "bob"}), "targets[2]", true) {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "targets[2]"),
        other => panic!("{other:?}"),
    }
    assert!(identifier_model(&json!("8:acs:a"), "t", true).is_err());
}

#[test]
fn play_sources_map_to_wire_kinds() {
    let f = play_source(
        &json!({"kind": "fileSource", "url": "https://a/b.wav", "playSourceCacheId": "c"}),
        "p",
    )
    .unwrap();
    assert_eq!(
        f,
        json!({"kind": "file", "file": {"uri": "https://a/b.wav"}, "playSourceCacheId": "c"})
    );
    let t = play_source(
        &json!({"kind": "textSource", "text": "hi", "voiceKind": "male"}),
        "p",
    )
    .unwrap();
    assert_eq!(
        t,
        json!({"kind": "text", "text": {"text": "hi", "voiceKind": "male"}})
    );
    let e = play_source(&json!({"kind": "ssmlSource"}), "p").unwrap_err();
    assert_eq!(e, Error::invalid("p.ssmlText", "must be a string"));
    assert!(play_source(&json!({"kind": "midi"}), "p").is_err());
}

#[test]
fn custom_calling_context_becomes_header_maps() {
    let v = json!([
        {"kind": "voip", "key": "k", "value": "v"},
        {"kind": "sipuui", "key": "ignored", "value": "u"},
        {"kind": "sipx", "key": "A", "value": "1"},
        {"kind": "sipx", "key": "B", "value": "2", "sipHeaderPrefix": "X-"}
    ]);
    assert_eq!(
        custom_calling_context(Some(&v), "c").unwrap(),
        json!({"voipHeaders": {"k": "v"}, "sipHeaders": {"User-To-User": "u", "X-MS-Custom-A": "1", "X-B": "2"}})
    );
    assert_eq!(
        custom_calling_context(None, "c").unwrap(),
        json!({"voipHeaders": {}, "sipHeaders": {}})
    );
}

#[test]
fn locators_use_the_id_key_of_their_kind() {
    assert_eq!(
        locator(&json!({"kind": "roomCallLocator", "id": "r"}), "l").unwrap(),
        json!({"roomId": "r", "kind": "roomCallLocator"})
    );
    assert_eq!(
        locator(&json!({"id": "s"}), "l").unwrap(),
        json!({"serverCallId": "s", "kind": "serverCallLocator"})
    );
    assert!(locator(&json!({"kind": "groupCallLocator"}), "l").is_err());
}

fn ctx() -> Ctx {
    Ctx {
        api_version: "2026-03-12".into(),
        source_identity: None,
    }
}

#[test]
fn plans_generate_operation_context_where_the_official_package_does() {
    let mut n = 0;
    let mut uuid = || {
        n += 1;
        format!("uuid-{n}")
    };
    let args = [json!("conn 1"), json!({"phoneNumber": "+1"})];
    let p = plan("conn.transferCallToParticipant", &args, &ctx(), &mut uuid).unwrap();
    assert_eq!(
        p.request.path,
        "/calling/callConnections/conn%201:transferToParticipant"
    );
    assert!(p.repeatable);
    let body: Value = serde_json::from_str(p.request.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["operationContext"], json!("uuid-1"));
    let p = plan("conn.muteParticipant", &args, &ctx(), &mut uuid).unwrap();
    let body: Value = serde_json::from_str(p.request.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body.get("operationContext"),
        None,
        "mute keeps no generated context"
    );
}

#[test]
fn recognize_applies_official_defaults() {
    let mut uuid = || "u".to_owned();
    let args = [
        json!("c"),
        json!({"communicationUserId": "8:acs:a"}),
        json!({"kind": "callMediaRecognizeSpeechOrDtmfOptions"}),
    ];
    let p = plan("media.startRecognizing", &args, &ctx(), &mut uuid).unwrap();
    let body: Value = serde_json::from_str(p.request.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["recognizeInputType"], json!("speechOrDtmf"));
    assert_eq!(
        body["recognizeOptions"]["initialSilenceTimeoutInSeconds"],
        json!(5)
    );
    assert_eq!(
        body["recognizeOptions"]["dtmfOptions"]["interToneTimeoutInSeconds"],
        json!(2)
    );
    assert_eq!(
        body["recognizeOptions"]["speechOptions"]["endSilenceTimeoutInMs"],
        json!(2000)
    );
    assert_eq!(body["operationContext"], json!("u"));
}

#[test]
fn hang_up_chooses_terminate_or_delete() {
    let mut uuid = || "u".to_owned();
    let p = plan("conn.hangUp", &[json!("c"), json!(true)], &ctx(), &mut uuid).unwrap();
    assert_eq!(
        (
            p.request.method.as_str(),
            p.request.path.as_str(),
            p.repeatable
        ),
        ("POST", "/calling/callConnections/c:terminate", true)
    );
    let p = plan(
        "conn.hangUp",
        &[json!("c"), json!(false)],
        &ctx(),
        &mut uuid,
    )
    .unwrap();
    assert_eq!(
        (p.request.method.as_str(), p.decode),
        ("DELETE", Decode::Void)
    );
    assert!(plan("conn.hangUp", &[json!(""), json!(false)], &ctx(), &mut uuid).is_err());
    assert!(plan("conn.nope", &[], &ctx(), &mut uuid).is_err());
}

#[test]
fn results_map_identifiers_back() {
    let wire = json!({"callConnectionId": "c", "targets": [{"rawId": "4:+1", "kind": "phoneNumber", "phoneNumber": {"value": "+1"}}],
        "answeredBy": {"id": "8:acs:b"}, "callbackUri": "https://cb"});
    let js = crate::js::results::properties(&wire);
    assert_eq!(
        js["targetParticipants"],
        json!([{"phoneNumber": "+1", "rawId": "4:+1"}])
    );
    assert_eq!(js["answeredby"], json!({"communicationUserId": "8:acs:b"}));
    assert_eq!(
        (js["callbackUri"].clone(), js["callbackUrl"].clone()),
        (json!("https://cb"), json!("https://cb"))
    );
    assert_eq!(
        identifier_from_model(&json!({"rawId": "x"})),
        json!({"id": "x"})
    );
}
