//! The JS shells' sources for the guards that keep rules out of them: crates/npm's
//! (tests/js_wrapper.rs) and crates/npm-flows' (its tests/js_shell.rs, through `#[path]`).

/// Every `.mjs` file of `dir` as shipped, without comment lines (`//`, and JSDoc's `*` lines):
/// comments may name what the code must not hold, and the shipped files have none.
pub(crate) fn sources(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "mjs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let code: Vec<&str> = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//") && !l.trim_start().starts_with('*'))
                .collect();
            out.push((
                path.file_name().unwrap().to_string_lossy().into_owned(),
                code.join("\n"),
            ));
        }
    }
    out
}
