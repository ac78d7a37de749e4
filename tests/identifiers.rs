//! Communication identifiers: raw id ↔ typed ↔ wire model, per kind and as properties.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer::identifier::CommunicationIdentifier as Id;
use callsteer::identifier::{CommunicationCloud, CommunicationIdentifierModel};
use callsteer::Error;
use proptest::prelude::*;
use serde_json::{json, Value};

const ACS_USER: &str =
    "8:acs:b9614373-fd0b-480c-8fd2-cb58b70eab9f_ae9e3307-f56e-44be-8934-80a63f080538";

fn phone(value: &str, asserted: Option<&str>) -> Id {
    Id::PhoneNumber {
        value: value.into(),
        is_anonymous: false,
        asserted_id: asserted.map(Into::into),
    }
}

fn ext(resource: &str, tenant: &str, user: &str, cloud: CommunicationCloud) -> Id {
    Id::TeamsExtensionUser {
        user_id: user.into(),
        tenant_id: tenant.into(),
        resource_id: resource.into(),
        cloud,
    }
}

fn visitor(id: &str) -> Id {
    Id::MicrosoftTeamsUser {
        user_id: id.into(),
        is_anonymous: true,
        cloud: CommunicationCloud::Public,
    }
}

/// Every raw-id rule: the raw id parses to `typed`, and `typed` formats back to it.
#[test]
fn raw_ids_parse_to_their_kind_and_format_back() {
    use CommunicationCloud::*;
    let cases: Vec<(&str, Id)> = vec![
        // ACS users: the whole raw id is the id; two `_` parts is a normal ACS user.
        (ACS_USER, Id::user(ACS_USER)),
        ("8:dod-acs:res_user", Id::user("8:dod-acs:res_user")),
        ("8:gcch-acs:res_user", Id::user("8:gcch-acs:res_user")),
        ("8:acs:single", Id::user("8:acs:single")),
        ("8:acs:a_b_c_d", Id::user("8:acs:a_b_c_d")),
        ("8:spool:res_user", Id::user("8:spool:res_user")),
        // Spool ids are never Teams extension users, even with three parts.
        ("8:spool:r_t_u", Id::user("8:spool:r_t_u")),
        // Three `_` parts under an acs prefix: Teams extension user, per cloud.
        ("8:acs:res_ten_usr", ext("res", "ten", "usr", Public)),
        ("8:dod-acs:res_ten_usr", ext("res", "ten", "usr", Dod)),
        ("8:gcch-acs:res_ten_usr", ext("res", "ten", "usr", Gcch)),
        // Phone numbers: `4:` + the number verbatim, `+` neither added nor stripped.
        ("4:+14255550123", Id::phone("+14255550123")),
        ("4:14255550123", Id::phone("14255550123")),
        ("4:anonymous", Id::anonymous_phone()),
        ("4:+14255550123_a1b2", phone("+14255550123", Some("a1b2"))),
        // The asserted id is after the *last* `_`, and only when something follows it.
        ("4:+1425_x_y", phone("+1425_x", Some("y"))),
        ("4:+14255550123_", Id::phone("+14255550123_")),
        ("4:_x", Id::phone("_x")),
        ("4:", Id::phone("")),
        // Teams users per cloud, and anonymous visitors.
        ("8:orgid:45ab2481", Id::teams_user("45ab2481", Public)),
        ("8:dod:45ab2481", Id::teams_user("45ab2481", Dod)),
        ("8:gcch:45ab2481", Id::teams_user("45ab2481", Gcch)),
        ("8:teamsvisitor:45ab2481", visitor("45ab2481")),
        ("8:orgid:", Id::teams_user("", Public)),
        ("8:orgid:a:b", Id::teams_user("a:b", Public)),
        // Teams apps per cloud.
        ("28:orgid:01234567", Id::teams_app("01234567", Public)),
        ("28:dod:01234567", Id::teams_app("01234567", Dod)),
        ("28:gcch:01234567", Id::teams_app("01234567", Gcch)),
        // Unknown: old bot forms no SDK parses any more, other prefixes, junk.
        (
            "28:01234567",
            Id::Unknown {
                id: "28:01234567".into(),
            },
        ),
        (
            "28:dod-global:0123",
            Id::Unknown {
                id: "28:dod-global:0123".into(),
            },
        ),
        (
            "28:gcch-global:0123",
            Id::Unknown {
                id: "28:gcch-global:0123".into(),
            },
        ),
        (
            "8:other:x",
            Id::Unknown {
                id: "8:other:x".into(),
            },
        ),
        ("48:x", Id::Unknown { id: "48:x".into() }),
        ("8:", Id::Unknown { id: "8:".into() }),
        ("", Id::Unknown { id: String::new() }),
        (
            "anonymous",
            Id::Unknown {
                id: "anonymous".into(),
            },
        ),
    ];
    for (raw, typed) in cases {
        assert_eq!(Id::from_raw_id(raw), typed, "parse {raw:?}");
        assert_eq!(typed.raw_id(), raw, "format {typed:?}");
        assert_eq!(typed.to_string(), raw, "Display is the raw id");
    }
}

/// typed → model JSON (exactly what the service sends) → typed.
#[test]
fn wire_models_are_exact_per_kind() {
    use CommunicationCloud::*;
    let cases: Vec<(Id, Value)> = vec![
        (
            Id::user(ACS_USER),
            json!({"kind": "communicationUser", "rawId": ACS_USER, "communicationUser": {"id": ACS_USER}}),
        ),
        (
            Id::phone("+14255550123"),
            json!({"kind": "phoneNumber", "rawId": "4:+14255550123", "phoneNumber": {"value": "+14255550123"}}),
        ),
        (
            phone("+14255550123", Some("a1b2")),
            json!({"kind": "phoneNumber", "rawId": "4:+14255550123_a1b2",
                   "phoneNumber": {"value": "+14255550123", "assertedId": "a1b2"}}),
        ),
        (
            Id::anonymous_phone(),
            json!({"kind": "phoneNumber", "rawId": "4:anonymous",
                   "phoneNumber": {"value": "anonymous", "isAnonymous": true}}),
        ),
        (
            Id::teams_user("u1", Gcch),
            json!({"kind": "microsoftTeamsUser", "rawId": "8:gcch:u1",
                   "microsoftTeamsUser": {"userId": "u1", "cloud": "gcch"}}),
        ),
        (
            visitor("v1"),
            json!({"kind": "microsoftTeamsUser", "rawId": "8:teamsvisitor:v1",
                   "microsoftTeamsUser": {"userId": "v1", "isAnonymous": true, "cloud": "public"}}),
        ),
        (
            Id::teams_app("app1", Dod),
            json!({"kind": "microsoftTeamsApp", "rawId": "28:dod:app1",
                   "microsoftTeamsApp": {"appId": "app1", "cloud": "dod"}}),
        ),
        (
            ext("res", "ten", "usr", Public),
            json!({"kind": "teamsExtensionUser", "rawId": "8:acs:res_ten_usr",
                   "teamsExtensionUser": {"userId": "usr", "tenantId": "ten", "resourceId": "res", "cloud": "public"}}),
        ),
        (
            Id::Unknown { id: "48:x".into() },
            json!({"kind": "unknown", "rawId": "48:x"}),
        ),
    ];
    for (typed, wire) in cases {
        assert_eq!(
            serde_json::to_value(&typed).unwrap(),
            wire,
            "serialize {typed:?}"
        );
        let back: Id = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(back, typed, "deserialize {wire}");
        let model: CommunicationIdentifierModel = serde_json::from_value(wire).unwrap();
        assert_eq!(model, typed.to_model());
        assert_eq!(Id::from_model(&model).unwrap(), typed);
    }
}

fn decode(v: Value) -> Result<Id, Error> {
    Id::from_model(&serde_json::from_value(v).unwrap())
}

#[test]
fn explicit_unknown_kind_keeps_a_raw_id_that_would_parse_otherwise() {
    let id = Id::Unknown {
        id: ACS_USER.into(),
    };
    assert_eq!(decode(serde_json::to_value(&id).unwrap()).unwrap(), id);
}

#[test]
fn the_sub_object_wins_over_a_disagreeing_raw_id() {
    // The shape of the recorded events: rawId sanitized, the typed id real.
    let v = json!({"rawId": "sanitized", "kind": "communicationUser", "communicationUser": {"id": ACS_USER}});
    assert_eq!(decode(v).unwrap(), Id::user(ACS_USER));
    let v =
        json!({"rawId": "8:orgid:other", "microsoftTeamsUser": {"userId": "u1", "cloud": "dod"}});
    assert_eq!(
        decode(v).unwrap(),
        Id::teams_user("u1", CommunicationCloud::Dod)
    );
}

#[test]
fn request_shapes_without_kind_or_raw_id_decode() {
    // Requests may omit kind and rawId (common.json: "Only required in responses").
    assert_eq!(
        decode(json!({"phoneNumber": {"value": "+1425"}})).unwrap(),
        Id::phone("+1425")
    );
    // Missing cloud means public; missing isAnonymous means false.
    assert_eq!(
        decode(json!({"microsoftTeamsUser": {"userId": "u"}})).unwrap(),
        Id::teams_user("u", CommunicationCloud::Public)
    );
    // rawId alone is parsed.
    assert_eq!(
        decode(json!({"rawId": "4:+1425"})).unwrap(),
        Id::phone("+1425")
    );
    assert_eq!(
        decode(json!({"rawId": "8:acs:r_t_u"})).unwrap(),
        ext("r", "t", "u", CommunicationCloud::Public)
    );
}

#[test]
fn phone_asserted_id_and_anonymity_come_from_either_side() {
    // assertedId only in the raw id (Python derives it from there).
    let v = json!({"rawId": "4:+1425_ab", "phoneNumber": {"value": "+1425"}});
    assert_eq!(decode(v).unwrap(), phone("+1425", Some("ab")));
    // The SDKs' form: the suffix still inside value.
    let v =
        json!({"rawId": "4:+1425_ab", "phoneNumber": {"value": "+1425_ab", "assertedId": "ab"}});
    assert_eq!(decode(v).unwrap(), phone("+1425", Some("ab")));
    // Anonymous without the flag.
    assert_eq!(
        decode(json!({"phoneNumber": {"value": "anonymous"}})).unwrap(),
        Id::anonymous_phone()
    );
    assert_eq!(
        decode(json!({"rawId": "4:anonymous", "phoneNumber": {"value": "anonymous", "isAnonymous": true}})).unwrap(),
        Id::anonymous_phone()
    );
}

#[test]
fn future_kinds_become_unknown_with_their_raw_id() {
    let v = json!({"kind": "microsoftBot", "rawId": "99:bot:x", "microsoftBot": {"botId": "x"}});
    assert_eq!(
        decode(v).unwrap(),
        Id::Unknown {
            id: "99:bot:x".into()
        }
    );
    // A cloud this crate does not know: the typed decoder stays lenient.
    let v = json!({"kind": "microsoftTeamsUser", "rawId": "8:china:u", "microsoftTeamsUser": {"userId": "u", "cloud": "china"}});
    assert_eq!(
        serde_json::from_value::<Id>(v).unwrap(),
        Id::Unknown {
            id: "8:china:u".into()
        }
    );
}

#[test]
fn contradictory_or_empty_models_are_decode_errors() {
    let two =
        json!({"rawId": "x", "communicationUser": {"id": "a"}, "phoneNumber": {"value": "+1"}});
    let mismatch = json!({"kind": "phoneNumber", "rawId": "x", "communicationUser": {"id": "a"}});
    let empty = json!({});
    let unknown_without_raw = json!({"kind": "unknown"});
    for (v, needle) in [
        (two, "more than one"),
        (mismatch, "does not match"),
        (empty, "neither rawId"),
        (unknown_without_raw, "neither rawId"),
    ] {
        match decode(v.clone()) {
            Err(Error::Decode { what, reason }) => {
                assert_eq!(what, "communication identifier");
                assert!(reason.contains(needle), "{v}: {reason}");
            }
            other => panic!("{v}: {other:?}"),
        }
    }
    // Through serde the same models are errors too (no rawId to fall back on, or a bad model).
    assert!(serde_json::from_value::<Id>(json!({})).is_err());
    assert!(serde_json::from_value::<Id>(json!({"microsoftTeamsUser": {"cloud": "dod"}})).is_err());
}

#[test]
fn recorded_event_identifiers_decode_and_re_encode_exactly() {
    let read = |name: &str| -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(format!("tests/fixtures/events/{name}")).unwrap(),
        )
        .unwrap()
    };
    // The docs' IncomingCall (Event Grid schema): real raw ids.
    let incoming = read("incoming-call.eventgrid-schema.docs.json");
    for side in ["to", "from"] {
        let wire = &incoming[0]["data"][side];
        let id: Id = serde_json::from_value(wire.clone()).unwrap();
        assert!(
            matches!(&id, Id::CommunicationUser { id } if id.starts_with("8:acs:")),
            "{id:?}"
        );
        assert_eq!(id.raw_id(), wire["rawId"].as_str().unwrap());
        assert_eq!(&serde_json::to_value(&id).unwrap(), wire);
    }
    // A recorded event: sanitized ids still decode to their kind.
    let added = read("add-participant-succeeded.cloudevent.recorded.json");
    let id: Id = serde_json::from_value(added[0]["data"]["participant"].clone()).unwrap();
    assert_eq!(id, Id::user("sanitized"));
}

// ---- properties -------------------------------------------------------------------

/// Id text the service could issue: no `:` (raw ids split on it in JS/.NET) and no `_`
/// (the asserted-id and extension-user separator).
fn part() -> impl Strategy<Value = String> {
    "[A-Za-z0-9\\-]{1,40}"
}

fn cloud() -> impl Strategy<Value = CommunicationCloud> {
    prop_oneof![
        Just(CommunicationCloud::Public),
        Just(CommunicationCloud::Dod),
        Just(CommunicationCloud::Gcch)
    ]
}

fn identifier() -> impl Strategy<Value = Id> {
    prop_oneof![
        (
            prop_oneof![
                Just("8:acs:"),
                Just("8:spool:"),
                Just("8:dod-acs:"),
                Just("8:gcch-acs:")
            ],
            part(),
            part()
        )
            .prop_map(|(p, r, u)| Id::user(format!("{p}{r}_{u}"))),
        ("\\+?[1-9][0-9]{0,14}", proptest::option::of(part())).prop_map(|(n, a)| Id::PhoneNumber {
            value: n,
            is_anonymous: false,
            asserted_id: a
        }),
        Just(Id::anonymous_phone()),
        (part(), cloud()).prop_map(|(u, c)| Id::teams_user(u, c)),
        part().prop_map(|u| visitor(&u)),
        (part(), cloud()).prop_map(|(a, c)| Id::teams_app(a, c)),
        (part(), part(), part(), cloud()).prop_map(|(r, t, u, c)| ext(&r, &t, &u, c)),
        "[0-9]{1,3}:[a-z]{1,8}".prop_filter_map("known prefix", |s| {
            let id = Id::Unknown { id: s };
            matches!(Id::from_raw_id(&id.raw_id()), Id::Unknown { .. }).then_some(id)
        }),
    ]
}

proptest! {
    #[test]
    fn every_identifier_round_trips_through_its_raw_id(id in identifier()) {
        prop_assert_eq!(Id::from_raw_id(&id.raw_id()), id);
    }

    #[test]
    fn every_identifier_round_trips_through_the_wire_json(id in identifier()) {
        let text = serde_json::to_string(&id).unwrap();
        let back: Id = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &id);
        let model: CommunicationIdentifierModel = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(model.raw_id, Some(id.raw_id()));
        prop_assert_eq!(model.kind.as_deref(), Some(id.kind()));
    }

    #[test]
    fn any_raw_string_parses_without_panic_and_formats_back(raw in any::<String>()) {
        prop_assert_eq!(Id::from_raw_id(&raw).raw_id(), raw);
    }

    #[test]
    fn raw_strings_with_known_prefixes_format_back(
        prefix in prop_oneof![Just("4:"), Just("8:acs:"), Just("8:orgid:"), Just("8:teamsvisitor:"), Just("28:gcch:"), Just("8:gcch-acs:")],
        rest in "[a-z0-9_:+]{0,20}",
    ) {
        let raw = format!("{prefix}{rest}");
        prop_assert_eq!(Id::from_raw_id(&raw).raw_id(), raw);
    }
}
