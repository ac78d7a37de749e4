//! What to play: `PlaySource` (file, text-to-speech or SSML) and its parts.

use crate::validate::non_empty;
use crate::Error;
use serde::{Deserialize, Serialize};

/// Something to play (spec `PlaySource`): exactly one of a file, text or SSML, plus an
/// optional cache id. The exactly-one rule is the type: [`PlaySourceKind`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaySource {
    pub kind: PlaySourceKind,
    /// Wire `playSourceCacheId`: lets the service cache the rendered media.
    pub play_source_cache_id: Option<String>,
}

/// The three kinds of play source (wire `kind`: `file`, `text`, `ssml`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlaySourceKind {
    File(FileSource),
    Text(TextSource),
    Ssml(SsmlSource),
}

impl PlaySource {
    /// An audio file at `uri` (wire `{kind:"file", file:{uri}}`).
    pub fn file(uri: impl Into<String>) -> Self {
        FileSource::new(uri).into()
    }

    /// Text to speak (wire `{kind:"text", text:{…}}`); see [`TextSource`] for voice options.
    pub fn text(source: TextSource) -> Self {
        source.into()
    }

    /// SSML to speak (wire `{kind:"ssml", ssml:{…}}`).
    pub fn ssml(source: SsmlSource) -> Self {
        source.into()
    }

    /// Sets `playSourceCacheId`.
    #[must_use]
    pub fn play_source_cache_id(mut self, id: impl Into<String>) -> Self {
        self.play_source_cache_id = Some(id.into());
        self
    }

    /// Checks the source; `field` is its wire path (e.g. `playSources[0]`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `{field}.file.uri` (not an absolute http(s) URL),
    /// `{field}.text.text` / `{field}.ssml.ssmlText` (empty), or an empty
    /// `{field}.playSourceCacheId`.
    pub fn validate(&self, field: &str) -> Result<(), Error> {
        if let Some(id) = &self.play_source_cache_id {
            non_empty(&format!("{field}.playSourceCacheId"), id)?;
        }
        match &self.kind {
            PlaySourceKind::File(f) => absolute_http_url(&format!("{field}.file.uri"), &f.uri),
            PlaySourceKind::Text(t) => non_empty(&format!("{field}.text.text"), &t.text),
            PlaySourceKind::Ssml(s) => non_empty(&format!("{field}.ssml.ssmlText"), &s.ssml_text),
        }
    }
}

impl From<FileSource> for PlaySource {
    fn from(f: FileSource) -> Self {
        PlaySource {
            kind: PlaySourceKind::File(f),
            play_source_cache_id: None,
        }
    }
}
impl From<TextSource> for PlaySource {
    fn from(t: TextSource) -> Self {
        PlaySource {
            kind: PlaySourceKind::Text(t),
            play_source_cache_id: None,
        }
    }
}
impl From<SsmlSource> for PlaySource {
    fn from(s: SsmlSource) -> Self {
        PlaySource {
            kind: PlaySourceKind::Ssml(s),
            play_source_cache_id: None,
        }
    }
}

/// An audio file (spec `FileSource`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSource {
    /// Absolute `https` (or `http`) URL the service fetches; a query (SAS token) is allowed.
    pub uri: String,
}

impl FileSource {
    /// A file at `uri`.
    pub fn new(uri: impl Into<String>) -> Self {
        FileSource { uri: uri.into() }
    }
}

/// Text-to-speech (spec `TextSource`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextSource {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_locale: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice_kind: Option<VoiceKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_voice_endpoint_id: Option<String>,
}

impl TextSource {
    /// Speak `text`.
    pub fn new(text: impl Into<String>) -> Self {
        TextSource {
            text: text.into(),
            ..Default::default()
        }
    }
    /// Sets `sourceLocale` (e.g. `en-US`).
    #[must_use]
    pub fn source_locale(mut self, locale: impl Into<String>) -> Self {
        self.source_locale = Some(locale.into());
        self
    }
    /// Sets `voiceKind`.
    #[must_use]
    pub fn voice_kind(mut self, kind: VoiceKind) -> Self {
        self.voice_kind = Some(kind);
        self
    }
    /// Sets `voiceName` (e.g. `en-US-NancyNeural`).
    #[must_use]
    pub fn voice_name(mut self, name: impl Into<String>) -> Self {
        self.voice_name = Some(name.into());
        self
    }
    /// Sets `customVoiceEndpointId`.
    #[must_use]
    pub fn custom_voice_endpoint_id(mut self, id: impl Into<String>) -> Self {
        self.custom_voice_endpoint_id = Some(id.into());
        self
    }
}

/// SSML (spec `SsmlSource`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SsmlSource {
    pub ssml_text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_voice_endpoint_id: Option<String>,
}

impl SsmlSource {
    /// Speak `ssml_text`.
    pub fn new(ssml_text: impl Into<String>) -> Self {
        SsmlSource {
            ssml_text: ssml_text.into(),
            custom_voice_endpoint_id: None,
        }
    }
    /// Sets `customVoiceEndpointId`.
    #[must_use]
    pub fn custom_voice_endpoint_id(mut self, id: impl Into<String>) -> Self {
        self.custom_voice_endpoint_id = Some(id.into());
        self
    }
}

/// Spec `PlayOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayOptions {
    /// Wire `loop`: play the sources again and again until cancelled.
    pub r#loop: bool,
}

/// Spec `VoiceKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum VoiceKind {
    Male,
    Female,
}

// Wire shape of PlaySource: `kind` plus the one sub-object it names.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WirePlaySource {
    kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    play_source_cache_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<FileSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<TextSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ssml: Option<SsmlSource>,
}

impl Serialize for PlaySource {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut w = WirePlaySource {
            kind: String::new(),
            play_source_cache_id: self.play_source_cache_id.clone(),
            file: None,
            text: None,
            ssml: None,
        };
        match &self.kind {
            PlaySourceKind::File(f) => (w.kind, w.file) = ("file".into(), Some(f.clone())),
            PlaySourceKind::Text(t) => (w.kind, w.text) = ("text".into(), Some(t.clone())),
            PlaySourceKind::Ssml(x) => (w.kind, w.ssml) = ("ssml".into(), Some(x.clone())),
        }
        w.serialize(s)
    }
}

impl<'de> Deserialize<'de> for PlaySource {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = WirePlaySource::deserialize(d)?;
        let kind = match (w.kind.as_str(), w.file, w.text, w.ssml) {
            ("file", Some(f), None, None) => PlaySourceKind::File(f),
            ("text", None, Some(t), None) => PlaySourceKind::Text(t),
            ("ssml", None, None, Some(x)) => PlaySourceKind::Ssml(x),
            (k, ..) => {
                return Err(serde::de::Error::custom(format!(
                    "playSource of kind {k:?} needs exactly the matching one of file/text/ssml"
                )))
            }
        };
        Ok(PlaySource {
            kind,
            play_source_cache_id: w.play_source_cache_id,
        })
    }
}

/// `value` must be an absolute `http`/`https` URL with a host. Unlike callback URIs, a
/// query is allowed (blob SAS tokens) and `http` is not limited to loopback: the service,
/// not the caller, fetches the file.
fn absolute_http_url(field: &str, value: &str) -> Result<(), Error> {
    let lower = value.trim().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
    match host {
        Some(h) if !h.is_empty() && !h.contains(char::is_whitespace) => Ok(()),
        _ => Err(Error::invalid(
            field,
            format!("must be an absolute https URL, got {value:?}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_each_kind() {
        for src in [
            PlaySource::file("https://a.example/x.wav").play_source_cache_id("c1"),
            PlaySource::text(TextSource::new("hi").voice_kind(VoiceKind::Female)),
            PlaySource::ssml(SsmlSource::new("<speak/>")),
        ] {
            let json = serde_json::to_value(&src).unwrap();
            assert_eq!(serde_json::from_value::<PlaySource>(json).unwrap(), src);
        }
    }

    #[test]
    fn refuses_mismatched_kind() {
        let bad = serde_json::json!({"kind": "text", "file": {"uri": "https://a/x"}});
        assert!(serde_json::from_value::<PlaySource>(bad).is_err());
    }

    #[test]
    fn file_uri_rules() {
        assert!(absolute_http_url("f", "https://blob.example/c/a.wav?sv=1&sig=x").is_ok());
        assert!(absolute_http_url("f", "http://127.0.0.1:8089/a.wav").is_ok());
        assert!(absolute_http_url("f", "a.wav").is_err());
        assert!(absolute_http_url("f", "https:///a.wav").is_err());
        assert!(absolute_http_url("f", "ftp://h/a.wav").is_err());
    }
}
