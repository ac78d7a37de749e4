//! The `callsteer-emulator` binary: prints its base URL, serves, refuses bad options.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_callsteer-emulator");

/// Kills the child when the test ends, even on failure.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn get(addr: &str, path: &str) -> String {
    request(addr, "GET", path, "")
}

fn request(addr: &str, method: &str, path: &str, headers: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// Starts the binary with `extra` options; the child and its `HOST:PORT`.
fn start(extra: &[&str]) -> (Child, String) {
    let child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--access-key", "cHc9PQ=="])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Child(child);
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("callsteer-emulator listening on http://")
        .expect(&line)
        .to_owned();
    (child, addr)
}

#[test]
fn cors_only_with_the_flag() {
    let preflight = |addr: &str| {
        request(
            addr,
            "OPTIONS",
            "/calling/callConnections?api-version=2026-03-12",
            "Origin: http://127.0.0.1:1\r\nAccess-Control-Request-Method: POST\r\n",
        )
        .to_ascii_lowercase()
    };
    let (_plain, addr) = start(&[]);
    let answer = preflight(&addr);
    assert!(answer.starts_with("http/1.1 404"), "{answer}");
    assert!(!answer.contains("access-control-"), "{answer}");
    let (_cors, addr) = start(&["--cors"]);
    let answer = preflight(&addr);
    assert!(answer.starts_with("http/1.1 204"), "{answer}");
    assert!(
        answer.contains("access-control-allow-origin: *"),
        "{answer}"
    );
}

#[test]
fn prints_its_base_url_and_serves_keys() {
    let child = Command::new(BIN)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--access-key",
            "cHc9PQ==",
            "--resource-id",
            "abc",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Child(child);
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("callsteer-emulator listening on ")
        .expect(&line)
        .to_owned();
    let addr = base.strip_prefix("http://").unwrap();
    let keys = get(addr, "/calling/keys");
    assert!(keys.starts_with("HTTP/1.1 200"), "{keys}");
    assert!(keys.contains("\"RS256\""));
    let oidc = get(addr, "/calling/.well-known/acsopenidconfiguration");
    assert!(oidc.contains(&format!("\"issuer\":\"{base}\"")), "{oidc}");
    assert!(
        child.0.try_wait().unwrap().is_none(),
        "still running after stdout closed"
    );
}

/// `--access-key-file`: the key from a file (so that it is not in `/proc/<pid>/cmdline`),
/// trailing newline ignored; the emulator then signs callback work with it like `--access-key`.
#[test]
fn reads_the_access_key_from_a_file() {
    let dir = std::env::temp_dir().join(format!("callsteer-emu-key-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("key");
    std::fs::write(&file, "cHc9PQ==\n").unwrap();
    let child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--access-key-file"])
        .arg(&file)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Child(child);
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.starts_with("callsteer-emulator listening on http://"),
        "{line}"
    );
    for (content, what) in [
        ("not base64!", "is not valid base64"),
        ("", "is not valid base64"),
    ] {
        std::fs::write(&file, content).unwrap();
        let out = Command::new(BIN)
            .args(["--listen", "127.0.0.1:0", "--access-key-file"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{content:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("--access-key-file: {what}")), "{err}");
    }
    let missing = dir.join("missing");
    let out = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--access-key-file"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refuses_bad_options() {
    for args in [
        vec!["--listen", "127.0.0.1:0"],
        vec!["--listen", "nowhere", "--access-key", "cHc9PQ=="],
        vec!["--listen", "127.0.0.1:0", "--access-key", "not base64!"],
        vec!["--bogus", "1"],
    ] {
        let out = Command::new(BIN).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("usage:"), "{err}");
    }
}
