//! Differential test: `render::json6902::apply` against gopkg.in/evanphx/json-patch.v4 v4.12.0,
//! the library kustomize v5.5.0 applies JSON 6902 patches with.
//!
//! `tests/it/fixtures/json6902_v4.jsonl` holds random documents and patches made by
//! `tools/json6902-fuzz/gen.py` with the library's outcome (result document or
//! error) recorded by `tools/json6902-oracle` (`tools/json6902-fuzz/make_fixture.sh`).
//! Point `JSON6902_V4_CASES` at another such file for larger runs.

use std::path::PathBuf;

use kubectl_release::render::json6902;
use serde_json::Value;

#[test]
fn matches_json_patch_v4_on_recorded_cases() {
    let path = std::env::var_os("JSON6902_V4_CASES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/json6902_v4.jsonl")
        });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut failures = Vec::new();
    let (mut total, mut applied) = (0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("fixture line is JSON");
        total += 1;
        let mut doc = case["doc"].clone();
        let got = json6902::apply(&mut doc, &case["patch"]);
        let expect = &case["expect"];
        let ok = match &got {
            Ok(()) => expect.get("result") == Some(&doc),
            Err(_) => expect.get("error").is_some(),
        };
        applied += usize::from(expect.get("result").is_some());
        if !ok {
            failures.push(format!(
                "{}\n  doc:   {}\n  patch: {}\n  go:    {}\n  ours:  {:?}",
                case["name"],
                case["doc"],
                case["patch"],
                expect,
                got.map(|()| doc)
            ));
        }
    }
    assert!(total > 0, "no cases in {}", path.display());
    assert!(
        failures.is_empty(),
        "{} of {total} cases ({applied} applied by the library) differ:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
