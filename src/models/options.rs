//! Media streaming, transcription and call intelligence options (stable spec shapes).
//!
//! The spec makes `MediaStreamingOptions` and `TranscriptionOptions` polymorphic on
//! `transportType`; `websocket` is the only transport it defines, so each is one struct
//! carrying the base fields plus the `WebSocket…Options` fields.

use crate::validate;
use crate::Error;
use serde::{Deserialize, Serialize};

/// Spec `CallIntelligenceOptions`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallIntelligenceOptions {
    /// Azure AI services endpoint used for TTS/STT in this call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cognitive_services_endpoint: Option<String>,
}

impl CallIntelligenceOptions {
    /// Options naming the Azure AI services endpoint.
    pub fn cognitive_services_endpoint(endpoint: impl Into<String>) -> Self {
        CallIntelligenceOptions {
            cognitive_services_endpoint: Some(endpoint.into()),
        }
    }
}

/// Spec `StreamingTransportType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum StreamingTransportType {
    #[default]
    Websocket,
}

/// Spec `MediaStreamingAudioChannelType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum MediaStreamingAudioChannelType {
    Mixed,
    Unmixed,
}

/// Spec `MediaStreamingContentType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum MediaStreamingContentType {
    Audio,
}

/// Spec `AudioFormat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum AudioFormat {
    #[serde(rename = "pcm16KMono")]
    Pcm16KMono,
    #[serde(rename = "pcm24KMono")]
    Pcm24KMono,
}

/// Spec `MediaStreamingOptions` with `transportType: websocket`
/// (`WebSocketMediaStreamingOptions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaStreamingOptions {
    pub transport_type: StreamingTransportType,
    pub audio_channel_type: MediaStreamingAudioChannelType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<MediaStreamingContentType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_media_streaming: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_bidirectional: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_format: Option<AudioFormat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_dtmf_tones: Option<bool>,
}

impl MediaStreamingOptions {
    /// WebSocket media streaming of `audio_channel_type` audio.
    pub fn websocket(audio_channel_type: MediaStreamingAudioChannelType) -> Self {
        MediaStreamingOptions {
            transport_type: StreamingTransportType::Websocket,
            audio_channel_type,
            transport_url: None,
            content_type: None,
            start_media_streaming: None,
            enable_bidirectional: None,
            audio_format: None,
            enable_dtmf_tones: None,
        }
    }
    /// The `wss://` URL the service streams to.
    #[must_use]
    pub fn transport_url(mut self, url: impl Into<String>) -> Self {
        self.transport_url = Some(url.into());
        self
    }
    /// What is streamed (only `audio` today).
    #[must_use]
    pub fn content_type(mut self, content_type: MediaStreamingContentType) -> Self {
        self.content_type = Some(content_type);
        self
    }
    /// Start streaming as soon as the call connects.
    #[must_use]
    pub fn start_media_streaming(mut self, start: bool) -> Self {
        self.start_media_streaming = Some(start);
        self
    }
    /// Let the app send audio back over the socket.
    #[must_use]
    pub fn enable_bidirectional(mut self, enable: bool) -> Self {
        self.enable_bidirectional = Some(enable);
        self
    }
    /// PCM format of the streamed audio.
    #[must_use]
    pub fn audio_format(mut self, format: AudioFormat) -> Self {
        self.audio_format = Some(format);
        self
    }
    /// Also stream DTMF tones.
    #[must_use]
    pub fn enable_dtmf_tones(mut self, enable: bool) -> Self {
        self.enable_dtmf_tones = Some(enable);
        self
    }

    /// # Errors
    /// [`Error::InvalidInput`] for `{field}.transportUrl` when it is not `wss://`.
    pub fn validate(&self, field: &str) -> Result<(), Error> {
        match &self.transport_url {
            Some(url) => websocket_url(&format!("{field}.transportUrl"), url),
            None => Ok(()),
        }
    }
}

/// Spec `TranscriptionOptions` with `transportType: websocket`
/// (`WebSocketTranscriptionOptions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptionOptions {
    pub transport_type: StreamingTransportType,
    /// BCP-47 locale of the speech, e.g. `en-US`.
    pub locale: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speech_model_endpoint_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_transcription: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_intermediate_results: Option<bool>,
}

impl TranscriptionOptions {
    /// WebSocket transcription in `locale`.
    pub fn websocket(locale: impl Into<String>) -> Self {
        TranscriptionOptions {
            transport_type: StreamingTransportType::Websocket,
            locale: locale.into(),
            transport_url: None,
            speech_model_endpoint_id: None,
            start_transcription: None,
            enable_intermediate_results: None,
        }
    }
    /// The `wss://` URL transcripts are sent to.
    #[must_use]
    pub fn transport_url(mut self, url: impl Into<String>) -> Self {
        self.transport_url = Some(url.into());
        self
    }
    /// A custom speech model endpoint id.
    #[must_use]
    pub fn speech_model_endpoint_id(mut self, id: impl Into<String>) -> Self {
        self.speech_model_endpoint_id = Some(id.into());
        self
    }
    /// Start transcribing as soon as the call connects.
    #[must_use]
    pub fn start_transcription(mut self, start: bool) -> Self {
        self.start_transcription = Some(start);
        self
    }
    /// Also send intermediate (non-final) results.
    #[must_use]
    pub fn enable_intermediate_results(mut self, enable: bool) -> Self {
        self.enable_intermediate_results = Some(enable);
        self
    }

    /// # Errors
    /// [`Error::InvalidInput`] for `{field}.locale` (empty) or `{field}.transportUrl` (not `wss://`).
    pub fn validate(&self, field: &str) -> Result<(), Error> {
        validate::non_empty(&format!("{field}.locale"), &self.locale)?;
        match &self.transport_url {
            Some(url) => websocket_url(&format!("{field}.transportUrl"), url),
            None => Ok(()),
        }
    }
}

/// A streaming transport URL must be `wss://` (`ws://` only for loopback hosts), the
/// WebSocket twin of the callback URI rule.
fn websocket_url(field: &str, url: &str) -> Result<(), Error> {
    let (scheme, rest) = url.trim().split_once("://").unwrap_or(("", url));
    // The service's transport URL may carry a query (e.g. a token); the host rule ignores it.
    let authority_and_path = rest.split(['?', '#']).next().unwrap_or_default();
    let as_http = match scheme.to_ascii_lowercase().as_str() {
        "wss" => format!("https://{authority_and_path}"),
        "ws" => format!("http://{authority_and_path}"),
        _ => {
            return Err(Error::invalid(
                field,
                format!("must be a wss:// URL, got {url:?}"),
            ))
        }
    };
    validate::callback_uri(field, &as_http).map_err(|e| match e {
        Error::InvalidInput { .. } => Error::invalid(
            field,
            "must be an absolute wss:// URL (ws:// is allowed only for localhost/127.0.0.1/[::1])",
        ),
        other => other,
    })
}

/// Spec `MediaStreamingSubscription` (in call connection properties). Kept as strings so
/// that states added by the service later still decode.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaStreamingSubscription {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscribed_content_types: Vec<String>,
}

/// Spec `TranscriptionSubscription` (in call connection properties).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptionSubscription {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscribed_result_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websocket_urls() {
        assert!(websocket_url("f", "wss://media.example/ws?token=1").is_ok());
        assert!(websocket_url("f", "ws://127.0.0.1:9000/ws").is_ok());
        let Err(Error::InvalidInput { field, reason }) =
            websocket_url("f", "ws://media.example/ws")
        else {
            panic!("plain ws to a public host must be refused")
        };
        assert_eq!(field, "f");
        assert!(reason.contains("wss"), "{reason}");
        assert!(websocket_url("f", "https://media.example/ws").is_err());
    }
}
