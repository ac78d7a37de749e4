# Sourced by the other scripts (and by developers: `source scripts/env.sh`).
# Puts the project's toolchain first on PATH and keeps every tool offline.
PREFIX=${PREFIX:-/opt/wasm-toolchain}
CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
export PATH="$PREFIX/node22/bin:$PREFIX/binaryen/bin:$CARGO_HOME/bin:$PATH"
# One compiler for native and wasm builds: Debian's rustc-web 1.96 (the only one with a
# wasm32 std here). Through rustup when it is installed, else /usr/bin/cargo directly.
if command -v rustup >/dev/null 2>&1 && rustup toolchain list 2>/dev/null | grep -q '^debian-web'; then
  export RUSTUP_TOOLCHAIN=debian-web
else
  # Debian's cargo/rustc ahead of any other on PATH — but after Node 22 and binaryen: Debian 12's
  # own /usr/bin/node is 18, which wrangler, Playwright and wasm-bindgen's ESM runner refuse.
  export PATH="$PREFIX/node22/bin:$PREFIX/binaryen/bin:/usr/bin:$PATH"
fi
# Node 22 is an official binary with its own list of CAs: also trust the machine's store (a
# network with a TLS-inspecting proxy — common at companies, and ours — has its CA there only;
# Debian's own node reads the store, this one does not).
if [[ -z ${NODE_EXTRA_CA_CERTS:-} && -r /etc/ssl/certs/ca-certificates.crt ]]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
# worker-build never looks on PATH; without these it tries to download from GitHub.
export WASM_BINDGEN_BIN="$CARGO_HOME/bin/wasm-bindgen"
export WASM_OPT_BIN="$PREFIX/binaryen/bin/wasm-opt"
export CHROMEDRIVER=/usr/bin/chromedriver
# wasm-bindgen-test-runner reads webdriver.json from the crate it tests (crates/npm, the core):
# one file for all, at the root: Chromium flags that keep it off the network, and --no-sandbox
# (run as root on a new Debian 12 root, Chromium exited at start with its sandbox on:
# fresh-machine run 4, docs/toolchain.md; the JS suites pass the same flag).
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/webdriver.json"
export CHROMIUM_BIN=/usr/bin/chromium
# wrangler/miniflare: no telemetry, no Request.cf download.
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false

# npm_deps DIR: install DIR's devDependencies from its committed lockfile, only when the
# lockfile changed since the last install. Not `npm ci`: our registry lacks the darwin/windows
# workerd builds that lockfiles list, which `npm ci` refuses (docs/toolchain.md).
npm_deps() {
  local dir=$1
  if [[ -f $dir/node_modules/.lock-stamp ]] && cmp -s "$dir/package-lock.json" "$dir/node_modules/.lock-stamp"; then
    return 0
  fi
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null) &&
    cp "$dir/package-lock.json" "$dir/node_modules/.lock-stamp"
}

# counted_tests CMD...: runs a Rust test command (cargo test, wasm-pack test), its output shown
# as it comes, and fails when it ran no test at all. A wasm suite whose file is compiled out
# (`#![cfg(target_arch = "wasm32")]`, a feature that is off) otherwise "passes" with 0 tests.
# Sums the `N passed` of every `test result:` line; 0 (or no such line) is a failure.
counted_tests() {
  local out rc=0 passed
  out=$(mktemp)
  # The command's own status (PIPESTATUS), whatever the caller's pipefail/errexit.
  { "$@" 2>&1 | tee "$out"; rc=${PIPESTATUS[0]}; } || true
  passed=$({ grep -Eo 'test result: [A-Za-z]+\. [0-9]+ passed' "$out" || true; } | awk '{ n += $4 } END { print n + 0 }')
  rm -f "$out"
  ((rc == 0)) || return "$rc"
  if ((passed == 0)); then
    echo "FAILED: no test ran (0 passed) in: $*" >&2
    return 1
  fi
  echo "== $passed tests passed: $*" >&2
}
