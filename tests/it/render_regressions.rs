//! Render defects found on real-world repositories (scripts/diff-real-world.sh), each a
//! small case under tests/fixtures/render-regressions with kustomize v5.5.0's output.

use std::path::{Path, PathBuf};

use kubectl_release::render::{self, fs::DiskFs};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/render-regressions")
}

/// Renders one case: `in/<target>` must give `expected.yaml` byte for byte, or
/// an error naming `error_contains` when case.json says `"expect": "error"`.
fn check(dir: &Path) -> Result<(), String> {
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("case.json")).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let target = dir.join("in").join(meta["target"].as_str().unwrap_or("."));
    let result = render::render(&DiskFs, &target);
    if meta["expect"] == "error" {
        let want = meta["error_contains"].as_str().unwrap_or("");
        return match result {
            Err(e) if e.to_string().contains(want) => Ok(()),
            Err(e) => Err(format!("error {e:?} does not contain {want:?}")),
            Ok(docs) => Err(format!(
                "expected an error, rendered {} documents",
                docs.len()
            )),
        };
    }
    let docs = result.map_err(|e| format!("error: {e}"))?;
    let expected = std::fs::read_to_string(dir.join("expected.yaml")).map_err(|e| e.to_string())?;
    let got = render::emit::stream_to_yaml(&docs);
    if got == expected {
        Ok(())
    } else {
        Err(format!(
            "output differs\n--- kustomize\n{expected}--- ours\n{got}"
        ))
    }
}

#[test]
fn real_world_render_regressions() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("read tests/fixtures/render-regressions")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("case.json").is_file())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no cases in {}", cases_dir().display());
    let failed: Vec<String> = dirs
        .iter()
        .filter_map(|d| {
            check(d)
                .err()
                .map(|why| format!("{}: {why}", d.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} cases failed:\n{}",
        failed.len(),
        dirs.len(),
        failed.join("\n")
    );
}
