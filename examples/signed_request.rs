//! Builds two Call Automation requests, signs them with an access key, and prints them
//! exactly as they would go on the wire. Nothing is sent.
//!
//! ```text
//! cargo run --example signed_request
//! CALLSTEER_CONNECTION_STRING='endpoint=https://<resource>.communication.azure.com/;accesskey=<key>' \
//! CALLSTEER_NOW=1649873352 cargo run --example signed_request
//! ```
//!
//! * `CALLSTEER_CONNECTION_STRING` — your resource's connection string; without it a demo
//!   one is used (`endpoint=https://contoso.communication.azure.com/;accesskey=` + base64
//!   of `callsteer-demo-key-not-a-secret`), so the output is reproducible.
//! * `CALLSTEER_NOW` — Unix seconds to sign at; without it the system clock is read (the
//!   example may read a clock; the library never does).
//! * `CALLSTEER_CALL_CONNECTION_ID` — the call to address; a demo id otherwise.
//!
//! The printed `authorization` header is a signature derived from the key, valid for this
//! request and time only; the key itself is never printed.

use callsteer::api::{AddParticipant, GetCall, Operation};
use callsteer::auth::{sign_for_endpoint, ConnectionString};
use callsteer::http::{Repeatability, Request};
use callsteer::{CommunicationIdentifier, Error, DEFAULT_API_VERSION};
use std::time::{SystemTime, UNIX_EPOCH};

/// `accesskey` is base64 of "callsteer-demo-key-not-a-secret".
const DEMO_CONNECTION_STRING: &str = "endpoint=https://contoso.communication.azure.com/;\
     accesskey=Y2FsbHN0ZWVyLWRlbW8ta2V5LW5vdC1hLXNlY3JldA==";
const DEMO_CALL_CONNECTION_ID: &str = "421f0b00-6a1e-4a54-8b4d-6b7b2d7c1a00";

fn main() {
    if let Err(e) = run() {
        // Errors never carry the key (see tests/connection_string.rs).
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Error> {
    let text = std::env::var("CALLSTEER_CONNECTION_STRING").ok();
    let connection: ConnectionString = text.as_deref().unwrap_or(DEMO_CONNECTION_STRING).parse()?;
    let now = signing_time()?;
    let id = std::env::var("CALLSTEER_CALL_CONNECTION_ID")
        .unwrap_or_else(|_| DEMO_CALL_CONNECTION_ID.to_owned());

    let get_call = GetCall::new(id.as_str()).to_request(DEFAULT_API_VERSION)?;
    // The repeatability id is derived from a seed here so the output is reproducible;
    // a real client passes 16 random bytes (Repeatability::from_random).
    let add_participant =
        AddParticipant::new(id.as_str(), CommunicationIdentifier::phone("+14255550123"))
            .source_caller_id_number("+18005550100")
            .operation_context("add-pstn-1")
            .repeatability(Repeatability::derive("signed_request example", now))
            .to_request(DEFAULT_API_VERSION)?;

    for mut req in [get_call, add_participant] {
        sign_for_endpoint(
            &mut req,
            connection.access_key(),
            connection.endpoint(),
            now,
        );
        print_request(&req, &connection);
    }
    Ok(())
}

/// `CALLSTEER_NOW` or the system clock.
fn signing_time() -> Result<u64, Error> {
    match std::env::var("CALLSTEER_NOW") {
        Ok(v) => v
            .trim()
            .parse()
            .map_err(|_| Error::invalid("CALLSTEER_NOW", "must be Unix seconds")),
        Err(_) => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .map_err(|_| Error::invalid("system clock", "is before 1970")),
    }
}

/// Prints method, URL, headers (plus the `host` the transport adds) and body.
fn print_request(req: &Request, connection: &ConnectionString) {
    let endpoint = connection.endpoint();
    println!("{} {}", req.method.as_str(), req.url(endpoint));
    println!("host: {}", endpoint.authority());
    for (name, value) in &req.headers {
        println!("{name}: {value}");
    }
    println!();
    if let Some(body) = &req.body {
        println!("{body}");
    }
    println!("----");
}
