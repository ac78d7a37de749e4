//! The macro that writes the 38 callback event structs.
//!
//! Every callback event of the spec carries the same ids (`callConnectionId`, `serverCallId`,
//! `correlationId`) and a `resultInformation`; all but two also carry `operationContext`.
//! Writing those by hand 38 times would hide the fields that differ, so each struct is
//! declared with only its own fields and the macro adds the shared ones. No `serde(flatten)`:
//! flattened structs serialize as maps, which serde-wasm-bindgen turns into JS `Map`s.

use super::common::ResultInformation;

/// The fields every callback event shares, whatever its kind.
pub trait CallEventData {
    /// `callConnectionId`.
    fn call_connection_id(&self) -> Option<&str>;
    /// `serverCallId`.
    fn server_call_id(&self) -> Option<&str>;
    /// `correlationId`.
    fn correlation_id(&self) -> Option<&str>;
    /// `operationContext`; `None` for kinds that have none (`ParticipantsUpdated`,
    /// `RecordingStateChanged`).
    fn operation_context(&self) -> Option<&str>;
    /// `resultInformation`.
    fn result_information(&self) -> Option<&ResultInformation>;
}

/// `call_event!(Name { fields })` adds the shared ids, `operationContext` and
/// `resultInformation`; `call_event!(no_context Name { fields })` leaves out `operationContext`.
macro_rules! call_event {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $crate::events::define::call_event!(@struct $(#[$doc])* $name {
            /// `operationContext`: the value the action that caused this event was sent with.
            operation_context: Option<String>,
            $($(#[$fdoc])* $field: $ty,)*
        });
        impl $crate::events::define::CallEventData for $name {
            $crate::events::define::call_event!(@ids);
            fn operation_context(&self) -> Option<&str> {
                self.operation_context.as_deref()
            }
        }
    };
    (no_context $(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $crate::events::define::call_event!(@struct $(#[$doc])* $name { $($(#[$fdoc])* $field: $ty,)* });
        impl $crate::events::define::CallEventData for $name {
            $crate::events::define::call_event!(@ids);
            fn operation_context(&self) -> Option<&str> {
                None
            }
        }
    };
    (@ids) => {
        fn call_connection_id(&self) -> Option<&str> {
            self.call_connection_id.as_deref()
        }
        fn server_call_id(&self) -> Option<&str> {
            self.server_call_id.as_deref()
        }
        fn correlation_id(&self) -> Option<&str> {
            self.correlation_id.as_deref()
        }
        fn result_information(&self) -> Option<&$crate::events::ResultInformation> {
            self.result_information.as_ref()
        }
    };
    (@struct $(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct $name {
            /// `callConnectionId`: the call connection the event belongs to.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub call_connection_id: Option<String>,
            /// `serverCallId`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub server_call_id: Option<String>,
            /// `correlationId` (the call's chain id).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub correlation_id: Option<String>,
            /// `resultInformation`: code, sub-code, message, SIP/Q.850 details.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub result_information: Option<$crate::events::ResultInformation>,
            $(
                $(#[$fdoc])*
                #[serde(default, skip_serializing_if = "crate::events::common::Absent::is_absent")]
                pub $field: $ty,
            )*
        }
    };
}
pub(crate) use call_event;

#[cfg(test)]
#[allow(unreachable_pub)] // the macro declares `pub` structs, as for the real events
mod tests {
    use super::*;

    call_event!(
        /// A test event.
        Probe { extra: Option<u32> }
    );
    call_event!(no_context
        /// A test event without context.
        Bare {}
    );

    #[test]
    fn shared_fields_are_added_and_skipped_when_absent() {
        let p: Probe =
            serde_json::from_str(r#"{"operationContext":"x","extra":3,"zzz":1}"#).unwrap();
        assert_eq!(p.operation_context(), Some("x"));
        assert_eq!(p.extra, Some(3));
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"operationContext":"x","extra":3}"#
        );
        let b: Bare =
            serde_json::from_str(r#"{"operationContext":"x","callConnectionId":"c"}"#).unwrap();
        assert_eq!(b.operation_context(), None);
        assert_eq!(b.call_connection_id(), Some("c"));
    }
}
