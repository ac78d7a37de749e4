//! Scenario tests: placing, answering, connecting and ending calls against the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod emulator_common;

use callsteer::api::{
    AnswerCall, ConnectCall, CreateCall, GetCall, HangUpCall, ListParticipants, RedirectCall,
    RejectCall, TerminateCall,
};
use callsteer::models::CallLocator;
use emulator_common::*;
use serde_json::json;

#[tokio::test]
async fn outbound_one_to_one_call_connects_then_hangs_up() {
    let h = Harness::start().await;
    let props = h
        .send(
            &CreateCall::new([acs("alice_delay200")], h.cb("calls")).operation_context("create-1"),
        )
        .await
        .unwrap();
    let id = props.call_connection_id.clone().unwrap();
    assert_eq!(props.callback_uri.as_deref(), Some(h.cb("calls").as_str()));
    let events = h
        .expect(&id, &["ParticipantsUpdated", "CallConnected"])
        .await;
    assert_eq!(
        events[0]["data"]["participants"][0]["identifier"]["rawId"],
        acs("alice_delay200").raw_id()
    );
    assert_eq!(events[0]["data"]["sequenceNumber"], 1);
    assert_eq!(events[1]["data"]["operationContext"], "create-1");
    assert_eq!(events[1]["source"], format!("calling/callConnections/{id}"));
    assert_eq!(events[1]["specversion"], "1.0");
    let got = h.send(&GetCall::new(&id)).await.unwrap();
    assert_eq!(
        serde_json::to_value(got.call_connection_state).unwrap(),
        "connected"
    );
    h.send(&HangUpCall::new(&id)).await.unwrap();
    let ev = h.expect(&id, &["CallDisconnected"]).await;
    assert_eq!(ev[0]["data"]["resultInformation"]["subCode"], 7000);
    let err = h.send(&ListParticipants::new(&id)).await.unwrap_err();
    assert!(
        matches!(err, callsteer::Error::Service(ref s) if s.status == 404),
        "{err:?}"
    );
    h.stop().await;
}

#[tokio::test]
async fn outbound_group_call_connects_on_first_answer() {
    let h = Harness::start().await;
    let props = h
        .send(
            &CreateCall::new(
                [acs("a_reject"), acs("b"), phone("+15551051234")],
                h.cb("g"),
            )
            .source_caller_id_number("+14255550100"),
        )
        .await
        .unwrap();
    let id = props.call_connection_id.unwrap();
    let ev = h
        .expect(
            &id,
            &[
                "ParticipantsUpdated",
                "CallConnected",
                "ParticipantsUpdated",
            ],
        )
        .await;
    let last = ev[2]["data"]["participants"].as_array().unwrap();
    assert_eq!(last.len(), 2, "the rejecting target never joins");
    assert_eq!(ev[2]["data"]["sequenceNumber"], 2);
    h.stop().await;
}

#[tokio::test]
async fn busy_and_unreachable_targets_fail_the_call() {
    let h = Harness::start().await;
    let id = h
        .send(&CreateCall::new([acs("bob_busy")], h.cb("c")))
        .await
        .unwrap()
        .call_connection_id
        .unwrap();
    let ev = h
        .expect(&id, &["CreateCallFailed", "CallDisconnected"])
        .await;
    assert_eq!(ev[0]["data"]["resultInformation"]["code"], 486);
    h.stop().await;
}

#[tokio::test]
async fn answer_an_incoming_call() {
    let h = Harness::start().await;
    let data = incoming(&h, "+14255550123", &acs("bot").raw_id()).await;
    assert_eq!(data["from"]["phoneNumber"]["value"], "+14255550123");
    let ctx = data["incomingCallContext"].as_str().unwrap();
    let props = h
        .send(&AnswerCall::new(ctx, h.cb("answer")).operation_context("answered"))
        .await
        .unwrap();
    let id = props.call_connection_id.unwrap();
    assert_eq!(
        props.server_call_id.as_deref(),
        data["serverCallId"].as_str()
    );
    let ev = h
        .expect(&id, &["ParticipantsUpdated", "CallConnected"])
        .await;
    assert_eq!(
        ev[0]["data"]["participants"][0]["identifier"]["rawId"],
        "4:+14255550123"
    );
    assert_eq!(ev[1]["data"]["correlationId"], data["correlationId"]);
    // The caller hangs up: the 1:1 call ends.
    let (s, _) = h
        .control(
            "/emulator/hangup",
            json!({ "callConnectionId": id, "participant": "+14255550123" }),
        )
        .await;
    assert_eq!(s, 202);
    let ev = h.expect(&id, &["CallDisconnected"]).await;
    assert_eq!(ev[0]["data"]["resultInformation"]["subCode"], 5001);
    // The context is spent.
    let err = h
        .send(&AnswerCall::new(ctx, h.cb("answer")))
        .await
        .unwrap_err();
    assert!(matches!(err, callsteer::Error::Service(ref s) if s.status == 400));
    h.stop().await;
}

#[tokio::test]
async fn reject_and_redirect_an_incoming_call() {
    let h = Harness::start().await;
    let data = incoming(&h, "+14255550123", &acs("bot").raw_id()).await;
    let ctx = data["incomingCallContext"].as_str().unwrap();
    h.send(&RejectCall::new(ctx)).await.unwrap();
    let err = h.send(&AnswerCall::new(ctx, h.cb("x"))).await.unwrap_err();
    assert!(matches!(err, callsteer::Error::Service(ref s) if s.status == 400));

    let (url, mut rx) = event_grid_receiver(true).await;
    h.control("/emulator/event-subscriptions", json!({ "endpoint": url }))
        .await;
    rx.recv().await.unwrap();
    let (_, created) = h
        .control(
            "/emulator/incoming-calls",
            json!({ "from": acs("carol").raw_id(), "to": acs("bot").raw_id() }),
        )
        .await;
    let _first = rx.recv().await.unwrap();
    let ctx = created["incomingCallContext"].as_str().unwrap();
    h.send(&RedirectCall::new(ctx, acs("desk"))).await.unwrap();
    let (_, redirected) = rx.recv().await.unwrap();
    assert_eq!(redirected["data"]["to"]["rawId"], acs("desk").raw_id());
    assert_eq!(redirected["data"]["serverCallId"], created["serverCallId"]);
    h.stop().await;
}

#[tokio::test]
async fn connect_to_server_group_and_room_calls() {
    let h = Harness::start().await;
    let first = connected_call(&h, acs("alice")).await;
    let server = h
        .send(&GetCall::new(&first))
        .await
        .unwrap()
        .server_call_id
        .unwrap();
    let props = h
        .send(&ConnectCall::new(
            CallLocator::ServerCall(server.clone()),
            h.cb("connect"),
        ))
        .await
        .unwrap();
    let second = props.call_connection_id.unwrap();
    let ev = h
        .expect(&second, &["ParticipantsUpdated", "CallConnected"])
        .await;
    assert_eq!(
        ev[0]["data"]["participants"][0]["identifier"]["rawId"],
        acs("alice").raw_id()
    );
    assert_eq!(ev[1]["data"]["serverCallId"], server);

    let g = h
        .send(&ConnectCall::new(
            CallLocator::GroupCall("4b3f3e43-1c11-4bb6-9c2f-7b1e4c7c9e11".into()),
            h.cb("grp"),
        ))
        .await
        .unwrap();
    h.expect(
        &g.call_connection_id.unwrap(),
        &["ParticipantsUpdated", "CallConnected"],
    )
    .await;

    let err = h
        .send(&ConnectCall::new(
            CallLocator::Room("no-such-room".into()),
            h.cb("r"),
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, callsteer::Error::Service(ref s) if s.status == 404));
    let (s, room) = h
        .control("/emulator/rooms", json!({ "pstnDialOutEnabled": false }))
        .await;
    assert_eq!(s, 201);
    let r = h
        .send(&ConnectCall::new(
            CallLocator::Room(room["roomId"].as_str().unwrap().into()),
            h.cb("room"),
        ))
        .await
        .unwrap();
    let rid = r.call_connection_id.unwrap();
    h.expect(&rid, &["ParticipantsUpdated", "CallConnected"])
        .await;
    let add = callsteer::api::AddParticipant::new(&rid, phone("+15550001234"))
        .source_caller_id_number("+14255550100");
    let err = h.send(&add).await.unwrap_err();
    assert!(
        matches!(err, callsteer::Error::Service(ref s) if s.status == 403),
        "{err:?}"
    );
    let (_, open) = h
        .control(
            "/emulator/rooms",
            json!({ "roomId": "open-room", "pstnDialOutEnabled": true }),
        )
        .await;
    assert_eq!(open["roomId"], "open-room");
    let r = h
        .send(&ConnectCall::new(
            CallLocator::Room("open-room".into()),
            h.cb("open"),
        ))
        .await
        .unwrap();
    let oid = r.call_connection_id.unwrap();
    h.expect(&oid, &["ParticipantsUpdated", "CallConnected"])
        .await;
    let add = callsteer::api::AddParticipant::new(&oid, phone("+15550001234"))
        .source_caller_id_number("+14255550100");
    h.send(&add).await.unwrap();
    h.expect(&oid, &["ParticipantsUpdated", "AddParticipantSucceeded"])
        .await;
    h.stop().await;
}

#[tokio::test]
async fn hang_up_leaves_a_group_call_but_terminate_ends_it_for_everyone() {
    let h = Harness::start().await;
    let a = h
        .send(&CreateCall::new([acs("x"), acs("y")], h.cb("a")))
        .await
        .unwrap()
        .call_connection_id
        .unwrap();
    h.expect(
        &a,
        &[
            "ParticipantsUpdated",
            "CallConnected",
            "ParticipantsUpdated",
        ],
    )
    .await;
    let server = h
        .send(&GetCall::new(&a))
        .await
        .unwrap()
        .server_call_id
        .unwrap();
    let b = h
        .send(&ConnectCall::new(
            CallLocator::ServerCall(server.clone()),
            h.cb("b"),
        ))
        .await
        .unwrap()
        .call_connection_id
        .unwrap();
    h.expect(&b, &["ParticipantsUpdated", "CallConnected"])
        .await;

    h.send(&HangUpCall::new(&b)).await.unwrap();
    h.expect(&b, &["CallDisconnected"]).await;
    h.expect_quiet(&a, 300).await;
    assert_eq!(
        h.send(&ListParticipants::new(&a))
            .await
            .unwrap()
            .values
            .len(),
        2
    );

    let c = h
        .send(&ConnectCall::new(
            CallLocator::ServerCall(server),
            h.cb("c"),
        ))
        .await
        .unwrap()
        .call_connection_id
        .unwrap();
    h.expect(&c, &["ParticipantsUpdated", "CallConnected"])
        .await;
    h.send(&TerminateCall::new(&a)).await.unwrap();
    h.expect(&a, &["CallDisconnected"]).await;
    h.expect(&c, &["CallDisconnected"]).await;
    h.stop().await;
}

#[tokio::test]
async fn a_second_application_leaving_a_one_to_one_call_does_not_end_it() {
    let h = Harness::start().await;
    let a = connected_call(&h, acs("alice")).await;
    let server = h
        .send(&GetCall::new(&a))
        .await
        .unwrap()
        .server_call_id
        .unwrap();
    let b = h
        .send(&ConnectCall::new(
            CallLocator::ServerCall(server),
            h.cb("b"),
        ))
        .await
        .unwrap()
        .call_connection_id
        .unwrap();
    h.expect(&b, &["ParticipantsUpdated", "CallConnected"])
        .await;
    h.send(&HangUpCall::new(&b)).await.unwrap();
    h.expect(&b, &["CallDisconnected"]).await;
    h.expect_quiet(&a, 300).await;
    let got = h.send(&GetCall::new(&a)).await.unwrap();
    assert_eq!(
        serde_json::to_value(got.call_connection_state).unwrap(),
        "connected"
    );
    h.stop().await;
}
