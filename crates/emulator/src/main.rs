//! `callsteer-emulator --listen 127.0.0.1:PORT (--access-key <base64> | --access-key-file <path>) [--resource-id <guid>] [--cors]`
//!
//! Serves the Call Automation REST API locally, prints its base URL and runs until
//! stopped (Ctrl-C / SIGTERM). `--cors` answers browser preflights on the service API,
//! which the real service does not. See `docs/emulator.md`.

use callsteer::auth::AccessKey;
use callsteer_emulator::{serve, Config};
use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;

const USAGE: &str = "usage: callsteer-emulator --listen 127.0.0.1:PORT (--access-key <base64> | --access-key-file <path>) [--resource-id <guid>] [--cors]\n  --access-key-file  read the key from a file (surrounding whitespace ignored): a key on the\n                     command line is readable by every local user in /proc/<pid>/cmdline\n  --cors  answer CORS preflights on the service API (the real service does not)";

fn parse(args: &[String]) -> Result<Config, String> {
    let (mut listen, mut key, mut resource, mut cors) = (None, None, None, false);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--cors" {
            cors = true;
            continue;
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--listen" => {
                listen = Some(
                    value
                        .parse::<SocketAddr>()
                        .map_err(|_| format!("--listen: {value:?} is not HOST:PORT"))?,
                )
            }
            "--access-key" => key = Some(parse_key(flag, value)?),
            "--access-key-file" => {
                let text = std::fs::read_to_string(value)
                    .map_err(|e| format!("--access-key-file: cannot read {value:?}: {e}"))?;
                key = Some(parse_key(flag, text.trim())?);
            }
            "--resource-id" => resource = Some(value.clone()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    let resource_id = resource.unwrap_or_else(|| "00000000-0000-4000-8000-00000000e1e1".to_owned());
    Ok(Config {
        listen: listen.ok_or("--listen is required")?,
        access_key: key.ok_or("--access-key or --access-key-file is required")?,
        resource_id,
        cors,
    })
}

fn parse_key(flag: &str, base64: &str) -> Result<AccessKey, String> {
    AccessKey::from_base64(base64).map_err(|_| format!("{flag}: is not valid base64"))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let config = match parse(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("callsteer-emulator: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let resource_id = config.resource_id.clone();
    let running = match serve(config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("callsteer-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Write errors (a closed pipe) are ignored: the emulator keeps serving.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "callsteer-emulator listening on {}", running.base_url);
    let _ = writeln!(out, "resource id (callback token audience): {resource_id}");
    let _ = out.flush();
    wait_for_stop().await;
    // Open keep-alive connections must not keep a stopped emulator alive.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), running.stop()).await;
    ExitCode::SUCCESS
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
