//! DTMF: continuous recognition and sending tones.

use super::media::{check_tone, completed};
use super::model::Timer;
use super::requests::{ident, op_callback};
use super::To;
use super::{fields, Reply, Simulation};
use crate::error::ApiError;
use crate::events::ResultInfo;
use crate::wire;
use serde_json::json;

impl Simulation {
    pub(super) fn continuous_dtmf(
        &mut self,
        call_id: &str,
        b: wire::ContinuousDtmf,
        start: bool,
        now: u64,
    ) -> Result<Reply, ApiError> {
        op_callback(&b.operation_callback_uri)?;
        let who = ident("targetParticipant", &b.target_participant)?;
        let server_id = self.connected_call(call_id)?.server_call_id.clone();
        self.require_participant(&server_id, &who.raw_id())?;
        let Some(call) = self.calls.get_mut(call_id) else {
            return Ok(Reply::empty(200));
        };
        if start {
            call.media.continuous.insert(
                who.raw_id(),
                (b.operation_context, b.operation_callback_uri, 1),
            );
        } else if call.media.continuous.remove(&who.raw_id()).is_some() {
            let uri = b.operation_callback_uri.clone();
            self.emit(
                call_id,
                To::new(uri.as_deref(), b.operation_context.as_deref()),
                "ContinuousDtmfRecognitionStopped",
                Some(&completed()),
                fields([]),
                now,
            );
        } else {
            return Err(ApiError::bad_request(
                "Continuous DTMF recognition is not running for this participant.",
            ));
        }
        Ok(Reply::empty(200))
    }

    pub(super) fn send_dtmf(
        &mut self,
        call_id: &str,
        b: wire::SendDtmf,
        now: u64,
    ) -> Result<Reply, ApiError> {
        op_callback(&b.operation_callback_uri)?;
        if b.tones.is_empty() || b.tones.len() > 18 {
            return Err(ApiError::field("tones", "must contain 1 to 18 tones"));
        }
        for (i, t) in b.tones.iter().enumerate() {
            check_tone(&format!("tones[{i}]"), t)?;
        }
        let who = ident("targetParticipant", &b.target_participant)?;
        let server_id = self.connected_call(call_id)?.server_call_id.clone();
        self.require_participant(&server_id, &who.raw_id())?;
        let at = now + 100 * b.tones.len() as u64;
        self.schedule(
            at,
            Timer::SendDtmfDone {
                call_id: call_id.to_owned(),
                context: b.operation_context.clone(),
                uri: b.operation_callback_uri,
            },
        );
        Ok(Reply::json(
            202,
            json!({ "operationContext": b.operation_context }),
        ))
    }

    pub(super) fn send_dtmf_done(
        &mut self,
        call_id: &str,
        ctx: Option<String>,
        uri: Option<String>,
        now: u64,
    ) {
        if self.live_call(call_id).is_ok() {
            self.emit(
                call_id,
                To::new(uri.as_deref(), ctx.as_deref()),
                "SendDtmfTonesCompleted",
                Some(&ResultInfo::ok()),
                fields([]),
                now,
            );
        }
    }
}
