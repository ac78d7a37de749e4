//! Media: play, recognize, DTMF, transcription and media streaming.
//!
//! One media operation runs at a time per call; others queue in order unless they
//! set `interruptCallMediaOperation`. Durations: a file plays for the `durationMs`
//! found in its URI (query or fragment, e.g. `…/hello.wav#durationMs=1500`) or 2 s;
//! text and SSML take 60 ms per character (at least 500 ms). A file whose URI contains
//! `notfound` fails with `PlayFailed` (400/8535) and its `failedPlaySourceIndex`.

use super::model::{MediaKind, MediaOp, MediaTimer, Recognizer, Timer};
use super::requests::{context, ident, op_callback};
use super::To;
use super::{fields, Reply, Simulation};
use crate::error::ApiError;
use crate::events::ResultInfo;
use crate::wire;
use serde_json::{json, Value};

/// Wire names of DTMF tones, with the key that produces each.
pub(crate) const TONES: [(&str, char); 16] = [
    ("zero", '0'),
    ("one", '1'),
    ("two", '2'),
    ("three", '3'),
    ("four", '4'),
    ("five", '5'),
    ("six", '6'),
    ("seven", '7'),
    ("eight", '8'),
    ("nine", '9'),
    ("a", 'A'),
    ("b", 'B'),
    ("c", 'C'),
    ("d", 'D'),
    ("pound", '#'),
    ("asterisk", '*'),
];

const FILE_DEFAULT_MS: u64 = 2_000;
/// Longest duration a media source may claim.
const MAX_MEDIA_MS: u64 = 86_400_000;

pub(super) fn completed() -> ResultInfo {
    ResultInfo::new(200, 0, "Action completed successfully.")
}

pub(super) fn check_tone(field: &str, t: &str) -> Result<(), ApiError> {
    if TONES.iter().any(|(n, _)| *n == t) {
        Ok(())
    } else {
        Err(ApiError::field(
            field,
            format!("{t:?} is not a tone (zero..nine, a..d, pound, asterisk)"),
        ))
    }
}

/// How long one play source lasts.
fn source_ms(field: &str, s: &wire::PlaySource) -> Result<u64, ApiError> {
    let speech_ms = |text: &str| (text.chars().count() as u64 * 60).clamp(500, MAX_MEDIA_MS);
    match (s.kind.as_str(), &s.file, &s.text, &s.ssml) {
        ("file", Some(f), _, _) => {
            let rest = f
                .uri
                .strip_prefix("https://")
                .or_else(|| f.uri.strip_prefix("http://"));
            if rest.is_none_or(|r| r.is_empty() || r.starts_with('/')) {
                return Err(ApiError::field(
                    &format!("{field}.file.uri"),
                    "must be an absolute http(s) URL",
                ));
            }
            Ok(duration_in_uri(&f.uri).unwrap_or(FILE_DEFAULT_MS))
        }
        ("text", _, Some(t), _) if !t.text.trim().is_empty() => Ok(speech_ms(&t.text)),
        ("ssml", _, _, Some(x)) if !x.ssml_text.trim().is_empty() => Ok(speech_ms(&x.ssml_text)),
        ("file" | "text" | "ssml", ..) => Err(ApiError::field(
            field,
            format!("kind {} needs a non-empty {} object", s.kind, s.kind),
        )),
        _ => Err(ApiError::field(
            &format!("{field}.kind"),
            "must be file, text or ssml",
        )),
    }
}

/// A file source the emulator pretends it cannot download (URI contains `notfound`).
fn unreachable_file(s: &wire::PlaySource) -> bool {
    s.file
        .as_ref()
        .is_some_and(|f| f.uri.to_ascii_lowercase().contains("notfound"))
}

fn duration_in_uri(uri: &str) -> Option<u64> {
    let i = uri.find("durationMs=")?;
    let digits: String = uri[i + 11..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    // At most a day: durations come from user input and feed timer arithmetic.
    digits.parse::<u64>().ok().map(|ms| ms.min(MAX_MEDIA_MS))
}

impl Simulation {
    pub(super) fn play(
        &mut self,
        call_id: &str,
        b: wire::Play,
        now: u64,
    ) -> Result<Reply, ApiError> {
        op_callback(&b.operation_callback_uri)?;
        context(&b.operation_context)?;
        if b.play_sources.is_empty() {
            return Err(ApiError::field(
                "playSources",
                "must contain at least one source",
            ));
        }
        let mut duration_ms = 0;
        for (i, s) in b.play_sources.iter().enumerate() {
            duration_ms =
                (duration_ms + source_ms(&format!("playSources[{i}]"), s)?).min(MAX_MEDIA_MS);
        }
        let server_id = self.connected_call(call_id)?.server_call_id.clone();
        for (i, m) in b.play_to.iter().flatten().enumerate() {
            let who = ident(&format!("playTo[{i}]"), m)?;
            self.require_participant(&server_id, &who.raw_id())?;
        }
        let looped = b.play_options.is_some_and(|o| o.looped);
        let failed_source = b.play_sources.iter().position(unreachable_file);
        let kind = MediaKind::Play {
            duration_ms,
            looped,
            failed_source,
        };
        self.submit(
            call_id,
            kind,
            b.operation_context,
            b.operation_callback_uri,
            b.interrupt_call_media_operation.unwrap_or(false),
            now,
        );
        Ok(Reply::empty(202))
    }

    pub(super) fn recognize(
        &mut self,
        call_id: &str,
        b: wire::Recognize,
        now: u64,
    ) -> Result<Reply, ApiError> {
        op_callback(&b.operation_callback_uri)?;
        context(&b.operation_context)?;
        let r = recognizer(&b)?;
        let server_id = self.connected_call(call_id)?.server_call_id.clone();
        self.require_participant(&server_id, &r.target)?;
        let interrupt = b.interrupt_call_media_operation.unwrap_or(false);
        self.submit(
            call_id,
            MediaKind::Recognize(Box::new(r)),
            b.operation_context,
            b.operation_callback_uri,
            interrupt,
            now,
        );
        Ok(Reply::empty(202))
    }

    fn submit(
        &mut self,
        call_id: &str,
        kind: MediaKind,
        ctx: Option<String>,
        uri: Option<String>,
        interrupt: bool,
        now: u64,
    ) {
        if interrupt {
            self.cancel_media(call_id, now);
        }
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        call.media.next_op += 1;
        let op = MediaOp {
            id: call.media.next_op,
            context: ctx,
            uri,
            kind,
        };
        if call.media.current.is_some() {
            call.media.queue.push_back(op);
        } else {
            self.start_op(call_id, op, now);
        }
    }

    fn start_op(&mut self, call_id: &str, op: MediaOp, now: u64) {
        let (id, ctx, uri) = (op.id, op.context.clone(), op.uri.clone());
        let timer = match &op.kind {
            MediaKind::Play {
                failed_source: Some(index),
                ..
            } => {
                let res =
                    ResultInfo::new(400, 8535, "Action failed, file could not be downloaded.");
                let f = fields([("failedPlaySourceIndex", json!(index))]);
                let to = To::new(uri.as_deref(), ctx.as_deref());
                self.emit(call_id, to, "PlayFailed", Some(&res), f, now);
                self.finish_op(call_id, now);
                return;
            }
            MediaKind::Play {
                duration_ms,
                looped,
                ..
            } => (!*looped).then_some((now + duration_ms, MediaTimer::PlayDone)),
            MediaKind::Recognize(r) => Some((
                now + r.prompt_ms + r.initial_silence_ms,
                MediaTimer::InitialSilence,
            )),
        };
        let is_play = matches!(op.kind, MediaKind::Play { .. });
        if let Some(call) = self.calls.get_mut(call_id) {
            call.media.current = Some(op);
        }
        if is_play {
            self.emit(
                call_id,
                To::new(uri.as_deref(), ctx.as_deref()),
                "PlayStarted",
                Some(&completed()),
                fields([]),
                now,
            );
        }
        if let Some((at, what)) = timer {
            self.schedule(
                at,
                Timer::Media {
                    call_id: call_id.to_owned(),
                    op_id: id,
                    what,
                },
            );
        }
    }

    /// Ends the running operation and starts the next queued one.
    pub(super) fn finish_op(&mut self, call_id: &str, now: u64) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        call.media.current = None;
        if let Some(next) = call.media.queue.pop_front() {
            self.start_op(call_id, next, now);
        }
    }

    pub(super) fn media_timer(&mut self, call_id: &str, op_id: u64, what: MediaTimer, now: u64) {
        let Some(op) = self
            .calls
            .get(call_id)
            .and_then(|c| c.media.current.clone())
            .filter(|op| op.id == op_id)
        else {
            return;
        };
        match (what, &op.kind) {
            (MediaTimer::PlayDone, MediaKind::Play { .. }) => {
                self.emit(
                    call_id,
                    To::new(op.uri.as_deref(), op.context.as_deref()),
                    "PlayCompleted",
                    Some(&completed()),
                    fields([]),
                    now,
                );
            }
            (MediaTimer::InitialSilence, MediaKind::Recognize(r)) if !r.input_seen => {
                let res =
                    ResultInfo::new(400, 8510, "Action failed, initial silence timeout reached.");
                self.emit(
                    call_id,
                    To::new(op.uri.as_deref(), op.context.as_deref()),
                    "RecognizeFailed",
                    Some(&res),
                    fields([]),
                    now,
                );
            }
            (MediaTimer::InterTone, MediaKind::Recognize(r))
                if !r.tones.is_empty() && now >= r.last_tone_ms + r.inter_tone_ms =>
            {
                let res = ResultInfo::new(
                    200,
                    8532,
                    "Action completed, inter-digit silence timeout reached.",
                );
                self.recognized(call_id, &op, "dtmf", json!({ "tones": r.tones }), res, now);
                return;
            }
            _ => return,
        }
        self.finish_op(call_id, now);
    }

    /// `RecognizeCompleted` for the running operation, then the queue moves on.
    pub(super) fn recognized(
        &mut self,
        call_id: &str,
        op: &MediaOp,
        kind: &str,
        result: Value,
        res: ResultInfo,
        now: u64,
    ) {
        let key = match kind {
            "dtmf" => "dtmfResult",
            "speech" => "speechResult",
            _ => "choiceResult",
        };
        let f = fields([("recognitionType", json!(kind)), (key, result)]);
        self.emit(
            call_id,
            To::new(op.uri.as_deref(), op.context.as_deref()),
            "RecognizeCompleted",
            Some(&res),
            f,
            now,
        );
        self.finish_op(call_id, now);
    }

    fn cancel_media(&mut self, call_id: &str, now: u64) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        let mut ops: Vec<MediaOp> = call.media.current.take().into_iter().collect();
        ops.extend(call.media.queue.drain(..));
        for op in ops {
            let kind = if matches!(op.kind, MediaKind::Play { .. }) {
                "PlayCanceled"
            } else {
                "RecognizeCanceled"
            };
            let r = ResultInfo::new(400, 8508, "Action failed, the operation was canceled.");
            self.emit(
                call_id,
                To::new(op.uri.as_deref(), op.context.as_deref()),
                kind,
                Some(&r),
                fields([]),
                now,
            );
        }
    }

    pub(super) fn cancel_all_media(&mut self, call_id: &str, now: u64) -> Result<Reply, ApiError> {
        self.connected_call(call_id)?;
        self.cancel_media(call_id, now);
        Ok(Reply::empty(202))
    }
}

/// Validates a recognize request into a [`Recognizer`].
fn recognizer(b: &wire::Recognize) -> Result<Recognizer, ApiError> {
    let input = b.recognize_input_type.as_str();
    if !["dtmf", "speech", "speechOrDtmf", "choices"].contains(&input) {
        return Err(ApiError::field(
            "recognizeInputType",
            "must be dtmf, speech, speechOrDtmf or choices",
        ));
    }
    let o = &b.recognize_options;
    let target = ident("recognizeOptions.targetParticipant", &o.target_participant)?.raw_id();
    let silence = o.initial_silence_timeout_in_seconds.unwrap_or(5);
    if !(0..=300).contains(&silence) {
        return Err(ApiError::field(
            "recognizeOptions.initialSilenceTimeoutInSeconds",
            "must be between 0 and 300",
        ));
    }
    let dtmf = o.dtmf_options.clone().unwrap_or(wire::DtmfOptions {
        inter_tone_timeout_in_seconds: None,
        max_tones_to_collect: None,
        stop_tones: None,
    });
    let inter = dtmf.inter_tone_timeout_in_seconds.unwrap_or(2);
    if !(1..=60).contains(&inter) {
        return Err(ApiError::field(
            "recognizeOptions.dtmfOptions.interToneTimeoutInSeconds",
            "must be between 1 and 60",
        ));
    }
    let max = dtmf.max_tones_to_collect.unwrap_or(1);
    if !(1..=100).contains(&max) {
        return Err(ApiError::field(
            "recognizeOptions.dtmfOptions.maxTonesToCollect",
            "must be between 1 and 100",
        ));
    }
    let stop = dtmf.stop_tones.unwrap_or_default();
    for (i, t) in stop.iter().enumerate() {
        check_tone(&format!("recognizeOptions.dtmfOptions.stopTones[{i}]"), t)?;
    }
    let choices = o.choices.clone().unwrap_or_default();
    if input == "choices" && choices.is_empty() {
        return Err(ApiError::field(
            "recognizeOptions.choices",
            "must contain at least one choice for recognizeInputType choices",
        ));
    }
    let mut prompt_ms = 0;
    let prompts = b.play_prompt.iter().chain(b.play_prompts.iter().flatten());
    for (i, p) in prompts.enumerate() {
        prompt_ms = (prompt_ms + source_ms(&format!("playPrompts[{i}]"), p)?).min(MAX_MEDIA_MS);
    }
    Ok(Recognizer {
        input: input.to_owned(),
        target,
        prompt_ms,
        initial_silence_ms: silence as u64 * 1000,
        inter_tone_ms: inter as u64 * 1000,
        max_tones: max as usize,
        stop_tones: stop,
        choices,
        tones: Vec::new(),
        input_seen: false,
        last_tone_ms: 0,
    })
}
