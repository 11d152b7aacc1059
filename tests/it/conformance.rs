//! kustomize's own render cases (tests/fixtures/kustomize-conformance): byte-identical output or an error.

use std::path::{Path, PathBuf};
use std::process::Command;

use kubectl_release::render::{self, fs::DiskFs};

fn corpus_dir() -> PathBuf {
    match std::env::var_os("KUSTOMIZE_CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kustomize-conformance"),
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

/// `kubectl-release render -k ARG` run in `cwd`: (exit code, stdout).
fn render_cli(cwd: &Path, arg: &Path) -> (i32, Vec<u8>) {
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
        .current_dir(cwd)
        .arg("render")
        .arg("-k")
        .arg(arg)
        .output()
        .expect("run kubectl-release");
    (out.status.code().unwrap_or(-1), out.stdout)
}

/// Every way a user names the same kustomization gives the same build: an absolute
/// path, `.` from inside it (as Argo CD runs a plugin), `../NAME` from inside it,
/// `NAME` from its parent, and a symlink to it (kustomize confirms the directory's
/// real path first, so `../../base` in an overlay reached through a link still works).
fn same_from_every_vantage_point(target: &Path, expect_error: bool) -> Result<(), String> {
    let target = target.canonicalize().map_err(|e| e.to_string())?;
    let parent = target.parent().ok_or("no parent")?;
    let name = PathBuf::from(target.file_name().ok_or("no name")?);
    let link_dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let link = link_dir.path().join("link");
    std::os::unix::fs::symlink(&target, &link).map_err(|e| e.to_string())?;
    let reference = render_cli(Path::new("/"), &target);
    let vantage: [(&Path, PathBuf, &str); 4] = [
        (&target, PathBuf::from("."), "`-k .` inside"),
        (&target, Path::new("..").join(&name), "`-k ../NAME` inside"),
        (parent, name.clone(), "`-k NAME` from the parent"),
        (link_dir.path(), PathBuf::from("link"), "`-k LINK` to it"),
    ];
    if expect_error {
        if reference.0 != 2 || !reference.1.is_empty() {
            return Err(format!(
                "absolute path: exit {}, {} bytes on stdout; want exit 2 and nothing",
                reference.0,
                reference.1.len()
            ));
        }
    } else if reference.0 != 0 {
        return Err(format!("absolute path: exit {}", reference.0));
    }
    for (cwd, arg, what) in vantage {
        let got = render_cli(cwd, &arg);
        if got != reference {
            return Err(format!(
                "{what} ({}): exit {} with {} bytes, the absolute path gave exit {} with {} bytes",
                arg.display(),
                got.0,
                got.1.len(),
                reference.0,
                reference.1.len()
            ));
        }
    }
    Ok(())
}

/// Regression (issue: `render -k .` failed on every overlay using `../../base`):
/// every conformance case and example environment renders the same however it is named.
#[test]
fn relative_targets_render_like_absolute_ones() {
    let mut targets: Vec<(String, PathBuf, bool)> = cases()
        .into_iter()
        .map(|c| {
            (
                c.name.clone(),
                c.dir.join("in").join(&c.target),
                c.expect_error,
            )
        })
        .collect();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/gitops/envs");
    for env in ["dev", "prod"] {
        targets.push((
            format!("examples/gitops/envs/{env}"),
            examples.join(env),
            false,
        ));
    }
    let failed: Vec<String> = std::thread::scope(|s| {
        let chunks: Vec<_> = targets.chunks(targets.len().div_ceil(4)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|(name, dir, err)| {
                            same_from_every_vantage_point(dir, *err)
                                .err()
                                .map(|why| format!("{name}: {why}"))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        failed.is_empty(),
        "{} of {} targets render differently by path:\n{}",
        failed.len(),
        targets.len(),
        failed.join("\n")
    );
}
