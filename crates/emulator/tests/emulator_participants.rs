//! Scenario tests: adding, cancelling, removing, moving, muting, holding and
//! transferring participants.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod emulator_common;

use callsteer::api::{
    AddParticipant, CancelAddParticipant, GetParticipant, Hold, ListParticipants, MoveParticipants,
    MuteParticipant, RemoveParticipant, TransferCallToParticipant, Unhold,
};
use emulator_common::*;

#[tokio::test]
async fn add_participant_succeeds_and_the_roster_grows() {
    let h = Harness::start().await;
    let id = connected_call(&h, acs("alice")).await;
    let r = h
        .send(&AddParticipant::new(&id, acs("bob_delay100")).operation_context("add-bob"))
        .await
        .unwrap();
    assert!(r.invitation_id.is_some());
    let ev = h
        .expect(&id, &["ParticipantsUpdated", "AddParticipantSucceeded"])
        .await;
    assert_eq!(ev[0]["data"]["participants"].as_array().unwrap().len(), 2);
    assert_eq!(
        ev[1]["data"]["participant"]["rawId"],
        acs("bob_delay100").raw_id()
    );
    assert_eq!(ev[1]["data"]["operationContext"], "add-bob");
    let p = h
        .send(&GetParticipant::new(&id, acs("bob_delay100").raw_id()))
        .await
        .unwrap();
    assert_eq!(p.is_muted, Some(false));
    h.stop().await;
}

#[tokio::test]
async fn add_participant_failures_follow_the_script() {
    let h = Harness::start().await;
    let id = connected_call(&h, acs("alice")).await;
    h.send(&AddParticipant::new(&id, acs("bob_reject")))
        .await
        .unwrap();
    let ev = h.expect(&id, &["AddParticipantFailed"]).await;
    assert_eq!(ev[0]["data"]["resultInformation"]["code"], 603);
    h.send(&AddParticipant::new(&id, acs("carl_noanswer")).invitation_timeout_in_seconds(1))
        .await
        .unwrap();
    let ev = h.expect(&id, &["AddParticipantFailed"]).await;
    assert_eq!(ev[0]["data"]["resultInformation"]["code"], 408);
    h.stop().await;
}

#[tokio::test]
async fn cancel_add_participant_while_ringing_and_after() {
    let h = Harness::start().await;
    let id = connected_call(&h, acs("alice")).await;
    let r = h
        .send(&AddParticipant::new(&id, acs("dan_noanswer")))
        .await
        .unwrap();
    let inv = r.invitation_id.unwrap();
    let c = h
        .send(&CancelAddParticipant::new(&id, &inv).operation_context("cancel-dan"))
        .await
        .unwrap();
    assert_eq!(c.invitation_id.as_deref(), Some(inv.as_str()));
    let ev = h.expect(&id, &["CancelAddParticipantSucceeded"]).await;
    assert_eq!(ev[0]["data"]["invitationId"], inv);
    assert_eq!(ev[0]["data"]["resultInformation"]["subCode"], 5300);
    h.send(&CancelAddParticipant::new(&id, &inv)).await.unwrap();
    h.expect(&id, &["CancelAddParticipantFailed"]).await;
    h.stop().await;
}

#[tokio::test]
async fn remove_participant_and_unknown_participant_is_404() {
    let h = Harness::start().await;
    let id = h
        .send(&callsteer::api::CreateCall::new(
            [acs("a"), acs("b")],
            h.cb("g"),
        ))
        .await
        .unwrap()
        .call_connection_id
        .unwrap();
    h.expect(
        &id,
        &[
            "ParticipantsUpdated",
            "CallConnected",
            "ParticipantsUpdated",
        ],
    )
    .await;
    h.send(&RemoveParticipant::new(&id, acs("b")).operation_context("rm"))
        .await
        .unwrap();
    let ev = h
        .expect(&id, &["RemoveParticipantSucceeded", "ParticipantsUpdated"])
        .await;
    assert_eq!(ev[0]["data"]["participant"]["rawId"], acs("b").raw_id());
    assert_eq!(ev[1]["data"]["participants"].as_array().unwrap().len(), 1);
    let err = h
        .send(&RemoveParticipant::new(&id, acs("nobody")))
        .await
        .unwrap_err();
    assert!(
        matches!(err, callsteer::Error::Service(ref s) if s.status == 404),
        "{err:?}"
    );
    // Removing the last participant ends the call.
    h.send(&RemoveParticipant::new(&id, acs("a")))
        .await
        .unwrap();
    h.expect(&id, &["RemoveParticipantSucceeded", "CallDisconnected"])
        .await;
    h.stop().await;
}

#[tokio::test]
async fn mute_hold_and_unhold_show_in_the_roster() {
    let h = Harness::start().await;
    let id = connected_call(&h, acs("alice")).await;
    let r = h
        .send(&MuteParticipant::new(&id, acs("alice")).operation_context("mute"))
        .await
        .unwrap();
    assert_eq!(r.operation_context.as_deref(), Some("mute"));
    let ev = h.expect(&id, &["ParticipantsUpdated"]).await;
    assert_eq!(ev[0]["data"]["participants"][0]["isMuted"], true);
    h.send(&Hold::new(&id, acs("alice"))).await.unwrap();
    let ev = h.expect(&id, &["ParticipantsUpdated"]).await;
    assert_eq!(ev[0]["data"]["participants"][0]["isOnHold"], true);
    h.send(&Unhold::new(&id, acs("alice"))).await.unwrap();
    let ev = h.expect(&id, &["ParticipantsUpdated"]).await;
    assert_eq!(ev[0]["data"]["participants"][0]["isOnHold"], false);
    let listed = h.send(&ListParticipants::new(&id)).await.unwrap();
    assert_eq!(listed.values[0].is_muted, Some(true));
    h.stop().await;
}

#[tokio::test]
async fn transfer_one_to_one_hands_the_call_over() {
    let h = Harness::start().await;
    let id = connected_call(&h, phone("+14255550123")).await;
    let r = h
        .send(&TransferCallToParticipant::new(&id, acs("agent_delay100")).operation_context("xfer"))
        .await
        .unwrap();
    assert_eq!(r.operation_context.as_deref(), Some("xfer"));
    let ev = h
        .expect(&id, &["CallTransferAccepted", "CallDisconnected"])
        .await;
    assert_eq!(
        ev[0]["data"]["transferTarget"]["rawId"],
        acs("agent_delay100").raw_id()
    );
    assert_eq!(ev[0]["data"]["transferee"]["rawId"], "4:+14255550123");
    h.stop().await;
}

#[tokio::test]
async fn transfer_with_transferee_in_a_group_call_and_a_failed_transfer() {
    let h = Harness::start().await;
    let id = h
        .send(&callsteer::api::CreateCall::new(
            [acs("a"), acs("b")],
            h.cb("g"),
        ))
        .await
        .unwrap()
        .call_connection_id
        .unwrap();
    h.expect(
        &id,
        &[
            "ParticipantsUpdated",
            "CallConnected",
            "ParticipantsUpdated",
        ],
    )
    .await;
    let err = h
        .send(&TransferCallToParticipant::new(&id, acs("c")))
        .await
        .unwrap_err();
    assert!(
        matches!(err, callsteer::Error::Service(ref s) if s.status == 400),
        "transferee required: {err:?}"
    );
    h.send(&TransferCallToParticipant::new(&id, acs("c")).transferee(acs("b")))
        .await
        .unwrap();
    let ev = h
        .expect(&id, &["ParticipantsUpdated", "CallTransferAccepted"])
        .await;
    assert_eq!(ev[1]["data"]["transferee"]["rawId"], acs("b").raw_id());
    let raws: Vec<_> = ev[0]["data"]["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["identifier"]["rawId"].clone())
        .collect();
    assert_eq!(
        raws,
        [
            serde_json::json!(acs("a").raw_id()),
            serde_json::json!(acs("c").raw_id())
        ]
    );
    h.send(&TransferCallToParticipant::new(&id, acs("d_busy")).transferee(acs("c")))
        .await
        .unwrap();
    h.expect(&id, &["CallTransferFailed"]).await;
    h.stop().await;
}

#[tokio::test]
async fn move_participants_between_calls() {
    let h = Harness::start().await;
    let a = connected_call(&h, acs("alice")).await;
    let b = h
        .send(&callsteer::api::CreateCall::new(
            [acs("bob"), acs("eve")],
            h.cb("b"),
        ))
        .await
        .unwrap()
        .call_connection_id
        .unwrap();
    h.expect(
        &b,
        &[
            "ParticipantsUpdated",
            "CallConnected",
            "ParticipantsUpdated",
        ],
    )
    .await;
    let r = h
        .send(&MoveParticipants::new(&a, &b, [acs("eve")]).operation_context("move"))
        .await
        .unwrap();
    assert_eq!(r.from_call.as_deref(), Some(b.as_str()));
    let ev = h
        .expect(&a, &["ParticipantsUpdated", "MoveParticipantSucceeded"])
        .await;
    assert_eq!(ev[0]["data"]["participants"].as_array().unwrap().len(), 2);
    assert_eq!(ev[1]["data"]["fromCall"], b);
    let ev = h.expect(&b, &["ParticipantsUpdated"]).await;
    assert_eq!(ev[0]["data"]["participants"].as_array().unwrap().len(), 1);
    h.stop().await;
}

#[tokio::test]
async fn operation_callback_uri_overrides_the_call_callback() {
    let h = Harness::start().await;
    let id = connected_call(&h, acs("alice")).await;
    let add = AddParticipant::new(&id, acs("bob")).operation_callback_uri(h.cb("per-operation"));
    h.send(&add).await.unwrap();
    let roster = h.next_event(&id).await;
    assert_eq!(
        roster.path, "/calls",
        "the roster goes to the call's callback"
    );
    let done = h.next_event(&id).await;
    assert_eq!(event_type(&done.event), "AddParticipantSucceeded");
    assert_eq!(done.path, "/per-operation");
    h.stop().await;
}
