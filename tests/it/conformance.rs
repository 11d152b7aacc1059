//! kustomize's own render cases (../shared/conformance/kustomize): byte-identical output or an error.

use std::path::{Path, PathBuf};

use kubectl_release::render::{self, fs::DiskFs};

fn corpus_dir() -> PathBuf {
    match std::env::var_os("KUSTOMIZE_CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/kustomize"),
    }
}

struct Case {
    name: String,
    dir: PathBuf,
    target: String,
    expect_error: bool,
}

fn cases() -> Vec<Case> {
    let dir = corpus_dir();
    let mut out = Vec::new();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "conformance corpus {} not readable: {e}; set KUSTOMIZE_CONFORMANCE_DIR",
            dir.display()
        )
    });
    for e in entries {
        let e = e.unwrap();
        let case_json = e.path().join("case.json");
        if !case_json.is_file() {
            continue;
        }
        let meta: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&case_json).unwrap()).unwrap();
        out.push(Case {
            name: e.file_name().to_string_lossy().into_owned(),
            dir: e.path(),
            target: meta["target"].as_str().unwrap_or(".").to_string(),
            expect_error: meta["expect"] == "error",
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// What went wrong with one case, for the report.
fn check(case: &Case) -> Result<(), String> {
    let target = case.dir.join("in").join(&case.target);
    let result = render::render(&DiskFs, &target);
    if case.expect_error {
        return match result {
            Err(_) => Ok(()),
            Ok(docs) => Err(format!(
                "expected an error, rendered {} documents",
                docs.len()
            )),
        };
    }
    let docs = result.map_err(|e| format!("error: {e}"))?;
    let expected =
        std::fs::read_to_string(case.dir.join("expected.yaml")).map_err(|e| e.to_string())?;
    let got = render::emit::stream_to_yaml(&docs);
    if got == expected {
        return Ok(());
    }
    // Locate the first differing line for the report.
    let (g, x): (Vec<&str>, Vec<&str>) = (got.lines().collect(), expected.lines().collect());
    let i = g
        .iter()
        .zip(&x)
        .position(|(a, b)| a != b)
        .unwrap_or(g.len().min(x.len()));
    Err(format!(
        "output differs at line {}:\n    got:      {:?}\n    expected: {:?}",
        i + 1,
        g.get(i).copied().unwrap_or("<end>"),
        x.get(i).copied().unwrap_or("<end>")
    ))
}

#[test]
fn kustomize_conformance_corpus() {
    let cases = cases();
    assert!(
        !cases.is_empty(),
        "no cases found in {}",
        corpus_dir().display()
    );
    let mut failed = Vec::new();
    for c in &cases {
        if let Err(why) = check(c) {
            failed.push((c.name.clone(), why));
        }
    }
    for (name, why) in &failed {
        eprintln!("FAIL {name}: {why}");
    }
    let passed = cases.len() - failed.len();
    eprintln!("conformance: {passed} passed, {} failed", failed.len());
    assert!(
        failed.is_empty(),
        "{} of {} conformance cases failed",
        failed.len(),
        cases.len()
    );
}
