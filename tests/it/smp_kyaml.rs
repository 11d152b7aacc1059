//! Differential test: `smp::apply` against kyaml's own results on random inputs.
//!
//! `tests/fixtures/smp_kyaml.jsonl` holds resource/patch pairs made by
//! `tools/smp-fuzz` (structured workloads and shape-agnostic "chaos" trees)
//! with the outcome kyaml v0.18.1 `merge2.Merge` gave for each (merged
//! document, deletion, or error), recorded by `tools/smp-oracle`. Point
//! `SMP_KYAML_CASES` at another such file for larger runs.

use std::path::PathBuf;

use kubectl_release::render::schema::Schema;
use kubectl_release::render::smp;
use serde_json::Value;

#[test]
fn matches_kyaml_on_recorded_cases() {
    let path = std::env::var_os("SMP_KYAML_CASES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/smp_kyaml.jsonl")
        });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema = Schema::builtin();
    let mut failures = Vec::new();
    let mut total = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("fixture line is JSON");
        total += 1;
        let got = smp::apply(&case["resource"], &case["patch"], schema);
        let expect = &case["expect"];
        let ok = match &got {
            Ok(Some(v)) => expect.get("result") == Some(v),
            Ok(None) => expect.get("deleted").is_some(),
            Err(_) => expect.get("error").is_some(),
        };
        if !ok {
            failures.push(format!(
                "{}\n  resource: {}\n  patch:    {}\n  kyaml:    {}\n  ours:     {:?}",
                case["name"], case["resource"], case["patch"], expect, got
            ));
        }
    }
    assert!(total > 0, "no cases in {}", path.display());
    assert!(
        failures.is_empty(),
        "{} of {total} cases differ from kyaml:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
