//! Shared request-building and input checks for the operation structs.

use crate::http::{encode_path_segment, Method, Repeatability, Request};
use crate::identifier::PhoneNumberModel;
use crate::validate;
use crate::{CommunicationIdentifier, Error};

pub(crate) use crate::validate::{call_connection_id, caller_id, identifier, optional_callback};
use serde::Serialize;

/// `/calling/callConnections/{callConnectionId}` with the id percent-encoded.
pub(crate) fn call_connection_path(call_connection_id: &str) -> String {
    // Concatenation, not `format!`: the npm engine builds participant pages through here and
    // links no formatting code (src/js/mod.rs).
    [
        "/calling/callConnections/",
        &encode_path_segment(call_connection_id),
    ]
    .concat()
}

/// A request with the `api-version` query parameter.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty `api-version`.
pub(crate) fn request(method: Method, path: String, api_version: &str) -> Result<Request, Error> {
    validate::non_empty("api-version", api_version)?;
    Ok(Request::new(method, path).query("api-version", api_version))
}

/// A POST with an optional JSON body and the repeatability headers when given.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty `api-version` or an unserializable body.
pub(crate) fn post<T: Serialize>(
    path: String,
    api_version: &str,
    body: Option<&T>,
    repeatability: Option<&Repeatability>,
) -> Result<Request, Error> {
    let mut req = request(Method::Post, path, api_version)?;
    if let Some(body) = body {
        req = req.json(body)?;
    }
    if let Some(r) = repeatability {
        r.apply(&mut req);
    }
    Ok(req)
}

/// [`post`] with a JSON body: the common shape of a call or participant operation.
///
/// # Errors
/// As [`post`].
pub(crate) fn post_json<T: Serialize>(
    path: String,
    api_version: &str,
    body: &T,
    repeatability: Option<&Repeatability>,
) -> Result<Request, Error> {
    post(path, api_version, Some(body), repeatability)
}

/// A caller id from an E.164 string.
pub(crate) fn phone_model(number: String) -> PhoneNumberModel {
    PhoneNumberModel {
        value: number,
        is_anonymous: None,
        asserted_id: None,
    }
}

/// True for a PSTN identifier.
pub(crate) fn is_phone(id: &CommunicationIdentifier) -> bool {
    matches!(id, CommunicationIdentifier::PhoneNumber { .. })
}

/// Generates chained setters for optional body fields: `name: Type => conversion`.
macro_rules! body_setters {
    ($( $(#[$doc:meta])* $name:ident : $ty:ty => $conv:expr ;)*) => {
        $(
            $(#[$doc])*
            #[must_use]
            pub fn $name(mut self, value: $ty) -> Self {
                self.body.$name = Some($conv(value.into()));
                self
            }
        )*
    };
}
pub(crate) use body_setters;

/// Generates the `repeatability` setter (the op must have a `repeatability` field).
macro_rules! repeatability_setter {
    () => {
        /// Sends `Repeatability-Request-ID`/`Repeatability-First-Sent` so the service applies
        /// a retried request once. Without it the headers are absent.
        #[must_use]
        pub fn repeatability(mut self, repeatability: $crate::http::Repeatability) -> Self {
            self.repeatability = Some(repeatability);
            self
        }
    };
}
pub(crate) use repeatability_setter;

/// Implements [`Operation`](crate::api::Operation) for a media operation whose struct is its
/// own wire body: `self.validate()`, then `POST …/callConnections/{id}:{action}` with the
/// struct as JSON; success is `status` with no body to read.
macro_rules! action_operation {
    ($ty:ty, $action:literal, $status:literal) => {
        impl $crate::api::Operation for $ty {
            type Output = ();
            fn to_request(
                &self,
                api_version: &str,
            ) -> Result<$crate::http::Request, $crate::Error> {
                self.validate()?;
                $crate::api::media::call_action_json(
                    &self.call_connection_id,
                    $action,
                    api_version,
                    self,
                )
            }
            fn decode(&self, response: &$crate::http::Response<'_>) -> Result<(), $crate::Error> {
                $crate::api::response::expect_status(response, &[$status])
            }
        }
    };
}
pub(crate) use action_operation;

/// Generates the `repeatability` setter and the `body()` getter of an op that keeps its
/// wire body (of type `$body`) in a `body` field.
macro_rules! body_op_accessors {
    ($body:ty) => {
        $crate::api::build::repeatability_setter!();

        /// The wire body this operation sends.
        pub fn body(&self) -> &$body {
            &self.body
        }
    };
}
pub(crate) use body_op_accessors;
