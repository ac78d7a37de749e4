//! Verifying who sent an inbound webhook request.
//!
//! Call Automation signs each callback with an RS256 JWT (`Authorization: Bearer …`, issuer
//! [`ACS_CALLBACK_ISSUER`], audience = the ACS resource's immutable id, 5-minute lifetime).
//! [`JwtVerifier::verify_authorization`] checks it against a [`Jwks`] and a `now` you pass,
//! in pure Rust, so the same code runs natively, in the npm package and in the Worker
//! (measurements in `BENCHMARKS.md`, "JWT verification (issue 3)"). A face with a faster
//! RSA primitive (WebCrypto in a Worker) can split the work: [`JwtVerifier::prepare`] does
//! the parsing, algorithm pinning and key choice, the face checks the signature, and
//! [`JwtVerifier::finish`] checks the claims.
//!
//! Event Grid deliveries (`IncomingCall` and the subscription handshakes) carry no signature of
//! their own: [`DeliveryAuth`] authenticates them by an Entra token ([`EntraWebhookApp`]) or a
//! shared secret ([`WebhookSecret`]).
//!
//! The other direction: the edge worker's flow webhooks (requests it sends to an operator's
//! app) carry a [`SIGNATURE_HEADER`] (`Callsteer-Signature`), made by [`sign`] and checked by
//! [`verify`] under a [`WebhookSigningSecret`] (the npm package exports the same verifier).
//!
//! ```
//! use callsteer::webhook::{Jwks, JwtError, JwtVerifier};
//! let verifier = JwtVerifier::new("6d889502-3d7a-41a8-befa-d21fd80e8767");
//! let jwks = Jwks::from_json(br#"{"keys":[]}"#).unwrap();
//! assert_eq!(verifier.verify_authorization(None, &jwks, 1_700_000_000), Err(JwtError::Missing));
//! ```

mod callsteer_signature;
mod delivery;
mod jwks;
mod jwt;
mod token;

pub use callsteer_signature::{
    sign, verify, SignatureError, WebhookSigningSecret, DEFAULT_TOLERANCE_SECONDS, SIGNATURE_HEADER,
};
pub use delivery::{
    secrets_equal, Authenticated, DeliveryAuth, DeliveryAuthError, EntraWebhookApp, WebhookSecret,
    ENTRA_PUBLIC_AUTHORITY, ENTRA_PUBLIC_V1_ISSUER_HOST, MIN_SECRET_LEN, SECRET_QUERY_PARAM,
};
pub use jwks::{Jwks, MAX_RSA_BITS, MIN_RSA_BITS};
pub use jwt::{
    bearer_token, JwtError, JwtVerifier, VerifiedClaims, ACS_CALLBACK_ISSUER, DEFAULT_LEEWAY_SECS,
    MAX_LEEWAY_SECS, MAX_TOKEN_BYTES,
};
pub use token::PreparedToken;
