//! Connection strings: `endpoint=https://<resource>.communication.azure.com/;accesskey=<base64>`.

use crate::http::Endpoint;
use crate::Error;
use core::fmt;
use core::str::FromStr;

/// An ACS access key: the base64-decoded HMAC key bytes.
///
/// `Debug` never shows the key.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessKey(Vec<u8>);

impl AccessKey {
    /// Decodes a base64 access key.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (field `accesskey`) when empty or not valid base64.
    pub fn from_base64(key: &str) -> Result<Self, Error> {
        let key = key.trim();
        if key.is_empty() {
            return Err(Error::invalid("accesskey", "is empty"));
        }
        super::base64::decode(key).map(AccessKey).ok_or_else(|| {
            Error::invalid(
                "accesskey",
                "is not valid base64 (standard alphabet, padded)",
            )
        })
    }

    /// The raw key bytes (for HMAC).
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessKey(<redacted>)")
    }
}

/// A parsed connection string.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectionString {
    endpoint: Endpoint,
    access_key: AccessKey,
}

impl ConnectionString {
    /// The service endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }
    /// The decoded access key.
    pub fn access_key(&self) -> &AccessKey {
        &self.access_key
    }
    /// Builds one from parts. Unlike parsing, this does not refuse `http` endpoints on
    /// non-loopback hosts: the caller chose the endpoint explicitly.
    pub fn new(endpoint: Endpoint, access_key: AccessKey) -> Self {
        ConnectionString {
            endpoint,
            access_key,
        }
    }
}

impl fmt::Debug for ConnectionString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionString")
            .field("endpoint", &self.endpoint.to_string())
            .field("access_key", &self.access_key)
            .finish()
    }
}

impl FromStr for ConnectionString {
    type Err = Error;

    /// Parses `endpoint=https://…/;accesskey=<base64>`.
    ///
    /// Names are case-insensitive (`Endpoint`, `AccessKey`) and may come in any order;
    /// whitespace around names, values and parts is ignored; a trailing `;` (and empty
    /// parts) are allowed. The value is everything after the first `=` (keys end in `=`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`], one reason per malformed form, never quoting the input:
    /// * `connectionString`: empty; a part without `=`; a part other than endpoint/accesskey;
    /// * `endpoint` / `accesskey`: missing; given twice; empty;
    /// * `accesskey`: not standard base64 (with padding);
    /// * `endpoint`: not an absolute URL (and the other [`Endpoint::parse`] errors);
    ///   `http://` on a host that is not loopback.
    fn from_str(s: &str) -> Result<Self, Error> {
        if s.trim().is_empty() {
            return Err(Error::invalid("connectionString", "is empty"));
        }
        let (mut endpoint, mut key) = (None, None);
        for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').ok_or_else(|| {
                Error::invalid(
                    "connectionString",
                    "has a part without '=' (expected name=value)",
                )
            })?;
            let slot = match name.trim().to_ascii_lowercase().as_str() {
                "endpoint" => &mut endpoint,
                "accesskey" => &mut key,
                _ => {
                    return Err(Error::invalid(
                        "connectionString",
                        "has an unknown part (expected endpoint and accesskey)",
                    ))
                }
            };
            if slot.is_some() {
                return Err(Error::invalid(
                    name.trim().to_ascii_lowercase(),
                    "appears more than once",
                ));
            }
            *slot = Some(value.trim());
        }
        let endpoint = endpoint
            .ok_or_else(|| Error::invalid("endpoint", "is missing from the connection string"))?;
        let key = key
            .ok_or_else(|| Error::invalid("accesskey", "is missing from the connection string"))?;
        if endpoint.is_empty() {
            return Err(Error::invalid("endpoint", "is empty"));
        }
        let endpoint = Endpoint::parse(endpoint)?;
        // Decision: https only, except on loopback hosts. The Java SDK refuses every
        // http URL ("AzureKeyCredential requires a URL using the HTTPS protocol scheme");
        // we keep http for 127.0.0.1/localhost/[::1] because the emulator serves plain
        // http there. Elsewhere a signed request in clear text could be read and replayed.
        if endpoint.scheme() == "http" && !endpoint.is_loopback() {
            return Err(Error::invalid(
                "endpoint",
                "must use https (http is allowed only for localhost/127.0.0.1/[::1])",
            ));
        }
        Ok(ConnectionString {
            endpoint,
            access_key: AccessKey::from_base64(key)?,
        })
    }
}
