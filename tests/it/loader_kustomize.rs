//! Differential test of the YAML loader: rendered output against kustomize v5.5.0's.
//!
//! `tests/it/fixtures/loader_kustomize.jsonl` holds 400 generated kustomize targets
//! (`tools/loader-diff/gen.py`, seed 1: scalar styles, chomping and indentation
//! indicators, trailing whitespace, CRLF, missing final newlines, BOMs, tabs, document
//! markers, comments at the end, nulls in metadata maps, anchors, tags, lists) with what
//! `kustomize build` printed for each, or its error. `scripts/diff-loader.sh` regenerates
//! it (see its header) and runs larger comparisons against the real binary; point
//! `LOADER_KUSTOMIZE_CASES` at another such file to check it here.
//!
//! `tests/it/fixtures/smp_empty_nulls.jsonl` holds 200 targets of
//! `tools/loader-diff/gen_smp.py` (seed 1: nulls written without text, `key:`, `{a: }`,
//! `!!null`, beside `null` and `~`, through anchors, merge keys and lists, under
//! strategic-merge patches, JSON 6902 patches, replacements and overlays), recorded with
//! `scripts/diff-loader.sh --gen smp -n 200 --seed 1 --fixture ...`.

use std::path::{Path, PathBuf};

use kubectl_release::render::{self, emit, fs::MemFs};
use serde_json::Value;

#[test]
fn renders_like_kustomize_on_recorded_cases() {
    let path = std::env::var_os("LOADER_KUSTOMIZE_CASES")
        .map(PathBuf::from)
        .unwrap_or_else(|| fixture("loader_kustomize.jsonl"));
    check_recorded(&path);
}

#[test]
fn strategic_merges_drop_nulls_without_text_like_kustomize() {
    check_recorded(&fixture("smp_empty_nulls.jsonl"));
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/fixtures")
        .join(name)
}

/// Renders every recorded case and compares with what kustomize printed.
fn check_recorded(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (mut total, mut errors) = (0, 0);
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("fixture line is JSON");
        total += 1;
        let name = case["name"].as_str().expect("name");
        let mut fs = MemFs::new();
        for (file, content) in case["files"].as_object().expect("files") {
            fs.add(format!("{name}/{file}"), content.as_str().expect("text"));
        }
        let got = render::render(&fs, &Path::new("/").join(name));
        let expect = &case["expect"];
        let problem = match (&got, expect.get("output").and_then(Value::as_str)) {
            (Ok(docs), Some(want)) => {
                let out = emit::stream_to_yaml(docs);
                (out != want).then(|| format!("kustomize printed:\n{want}\nwe print:\n{out}"))
            }
            (Err(e), Some(_)) => Some(format!("kustomize succeeds, we fail: {e}")),
            (Ok(_), None) => Some(format!(
                "kustomize fails ({}), we succeed",
                expect["error"].as_str().unwrap_or("?")
            )),
            (Err(_), None) => {
                errors += 1;
                None
            }
        };
        if let Some(p) = problem {
            failures.push(format!("{name}: {p}\n  files: {}", case["files"]));
        }
    }
    assert!(total > 0, "no cases in {}", path.display());
    // Both sides fail on a good share of the inputs (tabs, bad escapes, non-string keys);
    // the rest must be rendered, or the fixture has stopped testing the loader.
    assert!(
        errors < total * 3 / 4,
        "{errors} of {total} cases are errors on both sides"
    );
    assert!(
        failures.is_empty(),
        "{} of {total} cases differ from kustomize:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
