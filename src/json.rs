//! A small JSON reader and writer for the boundaries of the wasm faces.
//!
//! The npm engine takes JSON text from its JS shell (`JSON.stringify` of an option bag, an
//! event batch, a response body) and hands JSON text back (`JSON.parse` on the other side).
//! `serde_json` would do the same work with several times the wasm (BENCHMARKS.md, "npm
//! package … Size"), so this module is the engine's codec:
//!
//! * [`parse`] builds a [`Json`] tree that **borrows** the input: strings and numbers keep
//!   their raw text, so a value the engine passes through is written back byte for byte
//!   ([`Json::write`]) with no unescaping, re-escaping or float round trip;
//! * a node is a `serde::Deserializer` (`impl Deserializer for &Json`), so the core's own
//!   serde models (`CommunicationIdentifierModel`, …) read from it: their field names stay
//!   in one place, the derive attributes;
//! * [`write_str`] escapes a Rust string for output.
//!
//! The grammar is RFC 8259's, as strict as `JSON.parse`: no trailing commas, comments,
//! leading zeros, control characters in strings or bad escapes; nesting deeper than
//! [`MAX_DEPTH`] is refused instead of recursing without bound. Duplicate keys are kept in
//! order; [`Json::get`] returns the last one, as `JSON.parse` does.

use crate::Error;
use std::borrow::Cow;

/// How deeply arrays and objects may nest (the reader recurses once per level).
pub const MAX_DEPTH: usize = 128;

/// A parsed JSON value borrowing the text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as its raw text (valid JSON number grammar).
    Number(&'a str),
    /// A string, as its raw text between the quotes (escapes not yet resolved).
    String(JsonStr<'a>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// An object's members in input order.
    Object(Vec<(JsonStr<'a>, Json<'a>)>),
}

/// A JSON string as it appeared in the input, between its quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonStr<'a> {
    raw: &'a str,
    escaped: bool,
}

impl<'a> JsonStr<'a> {
    /// A string of plain text as a member name or value for a tree being built.
    ///
    /// # Panics
    /// When `text` has a character that JSON must escape (`"`, `\\`, a control character):
    /// meant for literals in code.
    pub fn plain(text: &'a str) -> Self {
        assert!(
            !text.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20),
            "JsonStr::plain needs text without escapes"
        );
        JsonStr {
            raw: text,
            escaped: false,
        }
    }

    /// The text between the quotes, escapes unresolved.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// The string's value: borrowed when it has no escapes. A `\u` escape of a lone
    /// surrogate (which JS strings allow and Rust strings cannot hold) becomes U+FFFD.
    pub fn value(&self) -> Cow<'a, str> {
        if !self.escaped {
            return Cow::Borrowed(self.raw);
        }
        Cow::Owned(unescape(self.raw))
    }

    /// Whether the value equals `s`.
    pub fn is(&self, s: &str) -> bool {
        if self.escaped {
            self.value() == s
        } else {
            self.raw == s
        }
    }
}

impl<'a> Json<'a> {
    /// The member `key` of an object (the last one when repeated); `None` otherwise.
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(members) => members
                .iter()
                .rev()
                .find(|(k, _)| k.is(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value of a string; `None` for other types.
    pub fn as_str(&self) -> Option<Cow<'a, str>> {
        match self {
            Json::String(s) => Some(s.value()),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// Appends this value as JSON text, strings and numbers exactly as they were read.
    pub fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => {
                out.push('"');
                out.push_str(s.raw);
                out.push('"');
            }
            Json::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push('"');
                    out.push_str(k.raw);
                    out.push_str("\":");
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Appends `s` as a JSON string literal (quotes included). Runs that need no escaping are
/// copied whole (per-character pushes made this the engine's hot spot).
pub fn write_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        if escape.is_empty() {
            out.push_str("\\u00");
            crate::text::push_hex(out, b);
        } else {
            out.push_str(escape);
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// Appends `"key":` (the key escaped), for writing object members.
pub fn write_key(out: &mut String, key: &str) {
    write_str(out, key);
    out.push(':');
}

/// Parses one JSON text (surrounding whitespace allowed, nothing else after it).
///
/// # Errors
/// [`Error::Decode`] whose `what` is `what` and whose reason names the byte offset and what
/// was expected there.
pub fn parse<'a>(text: &'a str, what: &str) -> Result<Json<'a>, Error> {
    let mut r = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let parsed = r.value(0).and_then(|v| {
        r.space();
        if r.at == r.bytes.len() {
            Ok(v)
        } else {
            Err(r.fail("end of input"))
        }
    });
    parsed.map_err(|reason| Error::decode(what, reason))
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn fail(&self, expected: &str) -> String {
        let mut s = String::with_capacity(48);
        s.push_str("invalid JSON at byte ");
        crate::text::push_decimal(&mut s, self.at as u64, 1);
        s.push_str(": expected ");
        s.push_str(expected);
        s
    }

    #[inline(always)] // the release profile optimises for size, which would leave these as calls per byte
    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    #[inline(always)] // the release profile optimises for size, which would leave these as calls per byte
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    #[inline(always)] // the release profile optimises for size, which would leave these as calls per byte
    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn word(&mut self, w: &str, v: Json<'a>) -> Result<Json<'a>, String> {
        if self.bytes[self.at..].starts_with(w.as_bytes()) {
            self.at += w.len();
            Ok(v)
        } else {
            Err(self.fail("a JSON value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json<'a>, String> {
        self.space();
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            Some(b'n') => self.word("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.fail("a JSON value")),
        }
    }

    fn nested(&self, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            Err(self.fail("less nesting (more than 128 levels)"))
        } else {
            Ok(())
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json<'a>, String> {
        self.nested(depth)?;
        self.at += 1;
        let mut items = Vec::new();
        self.space();
        if self.eat(b']') {
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.space();
            if self.eat(b']') {
                return Ok(Json::Array(items));
            }
            if !self.eat(b',') {
                return Err(self.fail("',' or ']'"));
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json<'a>, String> {
        self.nested(depth)?;
        self.at += 1;
        let mut members = Vec::new();
        self.space();
        if self.eat(b'}') {
            return Ok(Json::Object(members));
        }
        loop {
            self.space();
            if self.peek() != Some(b'"') {
                return Err(self.fail("a member name"));
            }
            let key = self.string()?;
            self.space();
            if !self.eat(b':') {
                return Err(self.fail("':'"));
            }
            members.push((key, self.value(depth)?));
            self.space();
            if self.eat(b'}') {
                return Ok(Json::Object(members));
            }
            if !self.eat(b',') {
                return Err(self.fail("',' or '}'"));
            }
        }
    }

    /// At the opening quote.
    fn string(&mut self) -> Result<JsonStr<'a>, String> {
        self.at += 1;
        let start = self.at;
        let mut escaped = false;
        loop {
            match self.peek() {
                None => return Err(self.fail("'\"' closing the string")),
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    self.at += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.at += 1
                        }
                        Some(b'u') => {
                            let hex = self.bytes.get(self.at + 1..self.at + 5);
                            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                                return Err(self.fail("four hex digits after \\u"));
                            }
                            self.at += 5;
                        }
                        _ => return Err(self.fail("a valid escape")),
                    }
                }
                Some(b) if b < 0x20 => return Err(self.fail("no control character in a string")),
                Some(_) => {
                    self.at += 1;
                    // The common case: a run of plain bytes.
                    while let Some(&b) = self.bytes.get(self.at) {
                        if b == b'"' || b == b'\\' || b < 0x20 {
                            break;
                        }
                        self.at += 1;
                    }
                }
            }
        }
        let raw = &self.text[start..self.at];
        self.at += 1;
        Ok(JsonStr { raw, escaped })
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Json<'a>, String> {
        let start = self.at;
        self.eat(b'-');
        let int_start = self.at;
        match self.digits() {
            0 => return Err(self.fail("a digit")),
            n if n > 1 && self.bytes[int_start] == b'0' => {
                self.at = int_start + 1;
                return Err(self.fail("no leading zero"));
            }
            _ => {}
        }
        if self.eat(b'.') && self.digits() == 0 {
            return Err(self.fail("a digit after '.'"));
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits() == 0 {
                return Err(self.fail("a digit in the exponent"));
            }
        }
        Ok(Json::Number(&self.text[start..self.at]))
    }
}

fn hex4(h: &[u8]) -> u32 {
    h.iter()
        .fold(0, |n, &b| n * 16 + char::from(b).to_digit(16).unwrap_or(0))
}

/// Resolves the escapes of a raw string the reader accepted.
fn unescape(raw: &str) -> String {
    let b = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    let mut plain = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(&raw[plain..i]);
        let c = b.get(i + 1).copied().unwrap_or(b'\\');
        i += 2;
        match c {
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let hi = hex4(b.get(i..i + 4).unwrap_or(&[]));
                i += 4;
                let low = (0xD800..0xDC00)
                    .contains(&hi)
                    .then(|| b.get(i..i + 6))
                    .flatten()
                    .filter(|s| s[0] == b'\\' && s[1] == b'u')
                    .map(|s| hex4(&s[2..]))
                    .filter(|lo| (0xDC00..0xE000).contains(lo));
                let code = match low {
                    Some(lo) => {
                        i += 6;
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    }
                    None => hi,
                };
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            other => out.push(char::from(other)),
        }
        plain = i;
    }
    out.push_str(&raw[plain..]);
    out
}

// ---- serde: a node as a Deserializer, so the core's models read from it ----

/// The error of reading a serde model from a [`Json`] node, or of writing one ([`to_string`]).
#[derive(Debug)]
pub struct DeError(String);

impl core::fmt::Display for DeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DeError {}

/// The messages are built without `core::fmt` in wasm (the formatting machinery, with float
/// printing for serde's `Unexpected`, would be most of the npm engine's size): they name the
/// field or variant but not the unexpected value. Native builds keep serde's full message.
impl serde::de::Error for DeError {
    fn custom<T: core::fmt::Display>(msg: T) -> Self {
        #[cfg(target_arch = "wasm32")]
        {
            let _ = msg;
            DeError("invalid value".into())
        }
        #[cfg(not(target_arch = "wasm32"))]
        DeError(msg.to_string())
    }
    fn invalid_type(_: serde::de::Unexpected<'_>, _: &dyn serde::de::Expected) -> Self {
        DeError("invalid type".into())
    }
    fn invalid_value(_: serde::de::Unexpected<'_>, _: &dyn serde::de::Expected) -> Self {
        DeError("invalid value".into())
    }
    fn invalid_length(_: usize, _: &dyn serde::de::Expected) -> Self {
        DeError("invalid length".into())
    }
    fn unknown_variant(variant: &str, _: &'static [&'static str]) -> Self {
        DeError(["unknown variant `", variant, "`"].concat())
    }
    fn unknown_field(field: &str, _: &'static [&'static str]) -> Self {
        DeError(["unknown field `", field, "`"].concat())
    }
    fn missing_field(field: &'static str) -> Self {
        DeError(["missing field `", field, "`"].concat())
    }
    fn duplicate_field(field: &'static str) -> Self {
        DeError(["duplicate field `", field, "`"].concat())
    }
}

impl serde::ser::Error for DeError {
    fn custom<T: core::fmt::Display>(msg: T) -> Self {
        <Self as serde::de::Error>::custom(msg)
    }
}

impl<'de> serde::Deserializer<'de> for &'de Json<'de> {
    type Error = DeError;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        use serde::de::value::{MapDeserializer, SeqDeserializer};
        match self {
            Json::Null => v.visit_unit(),
            Json::Bool(b) => v.visit_bool(*b),
            Json::Number(n) => {
                if let Ok(u) = n.parse::<u64>() {
                    v.visit_u64(u)
                } else if let Ok(i) = n.parse::<i64>() {
                    v.visit_i64(i)
                } else {
                    number(n, v)
                }
            }
            Json::String(s) => match s.value() {
                Cow::Borrowed(b) => v.visit_borrowed_str(b),
                Cow::Owned(o) => v.visit_string(o),
            },
            Json::Array(items) => {
                let mut seq = SeqDeserializer::new(items.iter());
                let out = v.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(out)
            }
            Json::Object(members) => {
                let mut map = MapDeserializer::new(members.iter().map(|(k, val)| (Key(*k), val)));
                let out = v.visit_map(&mut map)?;
                map.end()?;
                Ok(out)
            }
        }
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self {
            Json::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_enum<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        use serde::de::IntoDeserializer;
        match self {
            // Unit variants, the only enum form the wire models use.
            Json::String(s) => v.visit_enum(s.value().into_owned().into_deserializer()),
            _ => Err(DeError("expected a string".into())),
        }
    }

    // What a model asks for is read directly, so a derive's visitor is instantiated only for
    // the form it can take (an object for a struct, a string for a field name): forwarding all
    // of them to `deserialize_any` would compile every visitor's sequence, map and number
    // paths too (measured: most of the engine's growth when it first read identifier models).
    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(v)
    }

    fn deserialize_map<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        use serde::de::value::MapDeserializer;
        match self {
            Json::Object(members) => {
                let mut map = MapDeserializer::new(members.iter().map(|(k, val)| (Key(*k), val)));
                let out = v.visit_map(&mut map)?;
                map.end()?;
                Ok(out)
            }
            _ => Err(DeError("expected an object".into())),
        }
    }

    fn deserialize_str<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self {
            Json::String(s) => match s.value() {
                Cow::Borrowed(b) => v.visit_borrowed_str(b),
                Cow::Owned(o) => v.visit_string(o),
            },
            _ => Err(DeError("expected a string".into())),
        }
    }

    fn deserialize_string<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_identifier<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_bool<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self {
            Json::Bool(b) => v.visit_bool(*b),
            _ => Err(DeError("expected true or false".into())),
        }
    }

    /// An ignored member needs no reading at all: the tree is already parsed.
    fn deserialize_ignored_any<V: serde::de::Visitor<'de>>(
        self,
        v: V,
    ) -> Result<V::Value, DeError> {
        v.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct
    }
}

/// A number that is no 64-bit integer. Natively it is read as `f64`; the wasm faces refuse
/// it (`str::parse::<f64>` is several kB of wasm, and no model they read has a float).
fn number<'de, V: serde::de::Visitor<'de>>(n: &str, v: V) -> Result<V::Value, DeError> {
    #[cfg(not(target_arch = "wasm32"))]
    if let Ok(f) = n.parse::<f64>() {
        return v.visit_f64(f);
    }
    let _ = (n, v);
    Err(DeError("number is not a 64-bit integer".into()))
}

impl<'de> serde::de::IntoDeserializer<'de, DeError> for &'de Json<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

/// An object key as a deserializer (struct field names).
struct Key<'a>(JsonStr<'a>);

impl<'de> serde::de::IntoDeserializer<'de, DeError> for Key<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> serde::Deserializer<'de> for Key<'de> {
    type Error = DeError;
    fn deserialize_any<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self.0.value() {
            Cow::Borrowed(b) => v.visit_borrowed_str(b),
            Cow::Owned(o) => v.visit_string(o),
        }
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// Reads a serde model from a node.
///
/// # Errors
/// [`Error::Decode`] with `what` and serde's reason.
pub fn from_json<'de, T: serde::Deserialize<'de>>(
    node: &'de Json<'de>,
    what: &str,
) -> Result<T, Error> {
    T::deserialize(node).map_err(|e| Error::decode(what, e.0))
}

// ---- serde: models written as JSON text without serde_json ----

/// Writes a serde model as compact JSON text (`skip_serializing_if` members are left out, as
/// with serde_json). Integers are written exactly; a float is written as an integer when it is
/// one, and through `core::fmt` otherwise (only linked where a model has a float member).
///
/// # Errors
/// [`Error::InvalidInput`] with `field` when a map key is not a string or a float is not
/// finite (JSON has no NaN or Infinity).
pub fn to_string<T: serde::Serialize + ?Sized>(value: &T, field: &str) -> Result<String, Error> {
    let mut out = String::with_capacity(128);
    value
        .serialize(Writer { out: &mut out })
        .map_err(|e| Error::invalid(field, e.0))?;
    Ok(out)
}

struct Writer<'o> {
    out: &'o mut String,
}

/// A compound (array, object) being written: whether a member was written yet.
struct Compound<'o> {
    out: &'o mut String,
    first: bool,
}

impl Compound<'_> {
    fn comma(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }
}

fn int(out: &mut String, negative: bool, magnitude: u64) -> Result<(), DeError> {
    if negative {
        out.push('-');
    }
    crate::text::push_decimal(out, magnitude, 1);
    Ok(())
}

impl<'o> serde::Serializer for Writer<'o> {
    type Ok = ();
    type Error = DeError;
    type SerializeSeq = Compound<'o>;
    type SerializeTuple = Compound<'o>;
    type SerializeTupleStruct = Compound<'o>;
    type SerializeTupleVariant = serde::ser::Impossible<(), DeError>;
    type SerializeMap = Compound<'o>;
    type SerializeStruct = Compound<'o>;
    type SerializeStructVariant = serde::ser::Impossible<(), DeError>;

    fn serialize_bool(self, v: bool) -> Result<(), DeError> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), DeError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), DeError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), DeError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), DeError> {
        int(self.out, v < 0, v.unsigned_abs())
    }
    fn serialize_u8(self, v: u8) -> Result<(), DeError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), DeError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), DeError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), DeError> {
        int(self.out, false, v)
    }
    fn serialize_f32(self, v: f32) -> Result<(), DeError> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), DeError> {
        if !v.is_finite() {
            return Err(DeError("must be a finite number".into()));
        }
        if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 {
            return int(self.out, v < 0.0, v.abs() as u64);
        }
        self.out.push_str(&v.to_string());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), DeError> {
        write_str(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), DeError> {
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), DeError> {
        Err(DeError("bytes have no JSON form".into()))
    }
    fn serialize_none(self) -> Result<(), DeError> {
        self.serialize_unit()
    }
    fn serialize_some<T: serde::Serialize + ?Sized>(self, v: &T) -> Result<(), DeError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), DeError> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), DeError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
    ) -> Result<(), DeError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(
        self,
        _n: &'static str,
        v: &T,
    ) -> Result<(), DeError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(
        self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), DeError> {
        self.out.push('{');
        write_key(self.out, variant);
        v.serialize(Writer {
            out: &mut *self.out,
        })?;
        self.out.push('}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'o>, DeError> {
        self.out.push('[');
        Ok(Compound {
            out: self.out,
            first: true,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'o>, DeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _n: &'static str, len: usize) -> Result<Compound<'o>, DeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, DeError> {
        Err(DeError("tuple variants have no JSON form here".into()))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'o>, DeError> {
        self.out.push('{');
        Ok(Compound {
            out: self.out,
            first: true,
        })
    }
    fn serialize_struct(self, _n: &'static str, len: usize) -> Result<Compound<'o>, DeError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, DeError> {
        Err(DeError("struct variants have no JSON form here".into()))
    }
}

impl serde::ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = DeError;
    fn serialize_element<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), DeError> {
        self.comma();
        v.serialize(Writer {
            out: &mut *self.out,
        })
    }
    fn end(self) -> Result<(), DeError> {
        self.out.push(']');
        Ok(())
    }
}

impl serde::ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = DeError;
    fn serialize_element<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), DeError> {
        serde::ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<(), DeError> {
        serde::ser::SerializeSeq::end(self)
    }
}

impl serde::ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = DeError;
    fn serialize_field<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), DeError> {
        serde::ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<(), DeError> {
        serde::ser::SerializeSeq::end(self)
    }
}

/// Map keys: strings only, as JSON requires.
struct KeyWriter<'o> {
    out: &'o mut String,
}

impl serde::ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = DeError;
    fn serialize_key<T: serde::Serialize + ?Sized>(&mut self, key: &T) -> Result<(), DeError> {
        self.comma();
        key.serialize(KeyWriter {
            out: &mut *self.out,
        })?;
        self.out.push(':');
        Ok(())
    }
    fn serialize_value<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), DeError> {
        v.serialize(Writer {
            out: &mut *self.out,
        })
    }
    fn end(self) -> Result<(), DeError> {
        self.out.push('}');
        Ok(())
    }
}

impl serde::ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = DeError;
    fn serialize_field<T: serde::Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), DeError> {
        self.comma();
        write_key(self.out, key);
        v.serialize(Writer {
            out: &mut *self.out,
        })
    }
    fn end(self) -> Result<(), DeError> {
        self.out.push('}');
        Ok(())
    }
}

macro_rules! key_only_strings {
    ($($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method(self $(, _: $arg)*) -> Result<(), DeError> {
            Err(DeError("object keys must be strings".into()))
        })*
    };
}

impl serde::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = DeError;
    type SerializeSeq = serde::ser::Impossible<(), DeError>;
    type SerializeTuple = serde::ser::Impossible<(), DeError>;
    type SerializeTupleStruct = serde::ser::Impossible<(), DeError>;
    type SerializeTupleVariant = serde::ser::Impossible<(), DeError>;
    type SerializeMap = serde::ser::Impossible<(), DeError>;
    type SerializeStruct = serde::ser::Impossible<(), DeError>;
    type SerializeStructVariant = serde::ser::Impossible<(), DeError>;

    fn serialize_str(self, v: &str) -> Result<(), DeError> {
        write_str(self.out, v);
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _n: &'static str,
        _i: u32,
        variant: &'static str,
    ) -> Result<(), DeError> {
        self.serialize_str(variant)
    }
    key_only_strings! {
        serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
        serialize_i64(i64), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32),
        serialize_u64(u64), serialize_f32(f32), serialize_f64(f64), serialize_char(char),
        serialize_bytes(&[u8]), serialize_none(), serialize_unit(), serialize_unit_struct(&'static str),
    }
    fn serialize_some<T: serde::Serialize + ?Sized>(self, v: &T) -> Result<(), DeError> {
        v.serialize(self)
    }
    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(
        self,
        _n: &'static str,
        v: &T,
    ) -> Result<(), DeError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _value: &T,
    ) -> Result<(), DeError> {
        Err(DeError("object keys must be strings".into()))
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, DeError> {
        Err(DeError("object keys must be strings".into()))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, DeError> {
        Err(DeError("object keys must be strings".into()))
    }
    fn serialize_tuple_struct(
        self,
        _n: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, DeError> {
        Err(DeError("object keys must be strings".into()))
    }
    fn serialize_tuple_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, DeError> {
        Err(DeError("object keys must be strings".into()))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, DeError> {
        Err(DeError("object keys must be strings".into()))
    }
    fn serialize_struct(
        self,
        _n: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, DeError> {
        Err(DeError("object keys must be strings".into()))
    }
    fn serialize_struct_variant(
        self,
        _n: &'static str,
        _i: u32,
        _v: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, DeError> {
        Err(DeError("object keys must be strings".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(text: &str) -> String {
        let v = parse(text, "t").unwrap();
        let mut out = String::new();
        v.write(&mut out);
        out
    }

    #[test]
    fn values_are_written_back_as_read() {
        assert_eq!(
            round(
                r#" { "a" : [1, -0.5e+3, true, false, null, "x\"y\u00e9\ud83d\ude00"], "b":{} } "#
            ),
            r#"{"a":[1,-0.5e+3,true,false,null,"x\"y\u00e9\ud83d\ude00"],"b":{}}"#
        );
        assert_eq!(round("[]"), "[]");
        assert_eq!(round("\"\""), "\"\"");
    }

    #[test]
    fn what_json_parse_refuses_is_refused_with_the_offset() {
        for (bad, at) in [
            ("", 0),
            ("[1,]", 3),
            ("{\"a\":1,}", 7),
            ("01", 1),
            ("1.", 2),
            ("1e", 2),
            ("-", 1),
            ("\"a\u{1}\"", 2),
            ("\"\\x\"", 2),
            ("\"\\u12g4\"", 2),
            ("{a:1}", 1),
            ("[1 2]", 3),
            ("tru", 0),
            ("1 2", 2),
            ("\"open", 5),
            ("{\"a\" 1}", 5),
        ] {
            let err = parse(bad, "body").unwrap_err();
            let Error::Decode { what, reason } = &err else {
                panic!("{err:?}")
            };
            assert_eq!(what, "body");
            let expected = format!("invalid JSON at byte {at}:");
            assert!(reason.starts_with(&expected), "{bad:?}: {reason}");
        }
    }

    /// Found by the `npm_engine` fuzz target: a number beyond `f64` is valid JSON (`JSON.parse`
    /// reads `Infinity`) and is kept as written, where `serde_json` refuses it.
    #[test]
    fn numbers_are_kept_as_written() {
        assert_eq!(round("[5E55555,-0,1e-400]"), "[5E55555,-0,1e-400]");
        assert!(serde_json::from_str::<serde_json::Value>("5E55555").is_err());
    }

    #[test]
    fn nesting_is_bounded() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok, "t").is_ok());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep, "t")
            .unwrap_err()
            .to_string()
            .contains("nesting"));
        // Far deeper input fails the same way, without exhausting the stack.
        let very = "[".repeat(100_000);
        assert!(parse(&very, "t").is_err());
    }

    #[test]
    fn escapes_resolve_like_json_parse() {
        let v = parse(
            r#"["a\nb\t\\\/\"", "\ud83d\ude00", "\ud800x", "\u00e9", "plain"]"#,
            "t",
        )
        .unwrap();
        let Json::Array(items) = &v else { panic!() };
        let s: Vec<String> = items
            .iter()
            .map(|i| i.as_str().unwrap().into_owned())
            .collect();
        assert_eq!(s, ["a\nb\t\\/\"", "😀", "\u{FFFD}x", "é", "plain"]);
        assert!(matches!(items[4].as_str(), Some(Cow::Borrowed("plain"))));
    }

    #[test]
    fn get_takes_the_last_duplicate_and_compares_unescaped_keys() {
        let v = parse(r#"{"a":1,"\u0061":2,"b":null}"#, "t").unwrap();
        assert_eq!(v.get("a"), Some(&Json::Number("2")));
        assert!(v.get("b").unwrap().is_null());
        assert_eq!(v.get("c"), None);
        assert_eq!(Json::Null.get("a"), None);
    }

    #[test]
    fn written_strings_parse_back_to_themselves() {
        for s in ["", "plain", "quote\" back\\ nl\n tab\t ctl\u{1}\u{1f} é 😀"] {
            let mut out = String::new();
            write_str(&mut out, s);
            assert_eq!(parse(&out, "t").unwrap().as_str().unwrap(), s);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s);
        }
    }

    #[test]
    fn serde_models_read_from_nodes() {
        use crate::identifier::CommunicationIdentifierModel;
        let text = r#"{"rawId":"4:+1425","kind":"phoneNumber","phoneNumber":{"value":"+1425","isAnonymous":false},"extra":[1,{"x":2.5}]}"#;
        let node = parse(text, "t").unwrap();
        let ours: CommunicationIdentifierModel = from_json(&node, "identifier").unwrap();
        let reference: CommunicationIdentifierModel = serde_json::from_str(text).unwrap();
        assert_eq!(ours, reference);
        let cloud = parse(r#"{"userId":"u","cloud":"gcch"}"#, "t").unwrap();
        let m: crate::identifier::MicrosoftTeamsUserModel = from_json(&cloud, "t").unwrap();
        assert_eq!(m.cloud, Some(crate::CommunicationCloud::Gcch));
        let bad = parse(r#"{"phoneNumber":{"value":5}}"#, "t").unwrap();
        let err = from_json::<CommunicationIdentifierModel>(&bad, "identifier").unwrap_err();
        assert!(
            matches!(err, Error::Decode { ref what, .. } if what == "identifier"),
            "{err:?}"
        );
    }

    #[test]
    fn models_are_written_as_serde_json_writes_them() {
        use crate::{CommunicationCloud, CommunicationIdentifier};
        let ids = [
            CommunicationIdentifier::user("8:acs:a\"b"),
            CommunicationIdentifier::anonymous_phone(),
            CommunicationIdentifier::teams_user("u\n", CommunicationCloud::Gcch),
            CommunicationIdentifier::Unknown { id: "x".into() },
        ];
        for id in &ids {
            let model = id.to_model();
            assert_eq!(
                to_string(&model, "id").unwrap(),
                serde_json::to_string(&model).unwrap()
            );
        }
        let mut map = std::collections::BTreeMap::new();
        map.insert("k", (vec![1i64, -2], Some(0.5f64), None::<u8>, 3.0f64));
        // Integral floats as `JSON.stringify` writes them (serde_json would write `3.0`).
        assert_eq!(
            to_string(&map, "m").unwrap(),
            r#"{"k":[[1,-2],0.5,null,3]}"#
        );
        let err = to_string(&f64::NAN, "options.x").unwrap_err();
        assert_eq!(err, Error::invalid("options.x", "must be a finite number"));
        let mut bad = std::collections::BTreeMap::new();
        bad.insert(1u8, 2u8);
        assert!(to_string(&bad, "m").is_err());
    }
}
