//! Shared request-building and input checks for the operation structs.

use super::routes::OperationId;
use crate::http::{Method, Repeatability, Request};
use crate::identifier::PhoneNumberModel;
use crate::validate;
use crate::{CommunicationIdentifier, Error};

pub(crate) use crate::validate::{call_connection_id, caller_id, identifier, optional_callback};
use serde::Serialize;

/// The request of `op` (its method and path, from the operation table) for `ids` (the path
/// parameters, in template order), with the `api-version` query parameter.
///
/// # Errors
/// [`Error::InvalidInput`] for an empty `api-version`.
pub(crate) fn op(op: OperationId, ids: &[&str], api_version: &str) -> Result<Request, Error> {
    request(op.method(), op.path(ids), api_version)
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
    op: OperationId,
    ids: &[&str],
    api_version: &str,
    body: Option<&T>,
    repeatability: Option<&Repeatability>,
) -> Result<Request, Error> {
    let mut req = self::op(op, ids, api_version)?;
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
    op: OperationId,
    ids: &[&str],
    api_version: &str,
    body: &T,
    repeatability: Option<&Repeatability>,
) -> Result<Request, Error> {
    post(op, ids, api_version, Some(body), repeatability)
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
    ($ty:ty, $op:ident, $status:literal) => {
        impl $crate::api::Operation for $ty {
            type Output = ();
            fn id(&self) -> $crate::api::routes::OperationId {
                $crate::api::routes::OperationId::$op
            }
            fn to_request(
                &self,
                api_version: &str,
            ) -> Result<$crate::http::Request, $crate::Error> {
                self.validate()?;
                $crate::api::media::call_action_json(
                    $crate::api::Operation::id(self),
                    &self.call_connection_id,
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
