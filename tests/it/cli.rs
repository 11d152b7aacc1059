//! The binary's command line: completions kept current, render behaviour end to end.

use std::path::{Path, PathBuf};
use std::process::Command;

use kubectl_release::cmd::write_completion;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
}

/// The scripts under completions/ are generated; this fails when they are stale.
/// Regenerate with `UPDATE_COMPLETIONS=1 cargo test --test it completions`.
#[test]
fn completions_are_current() {
    use clap_complete::Shell;
    let mut stale = Vec::new();
    for (shell, file) in [
        (Shell::Bash, "kubectl-release.bash"),
        (Shell::Zsh, "_kubectl-release"),
        (Shell::Fish, "kubectl-release.fish"),
        (Shell::PowerShell, "kubectl-release.ps1"),
    ] {
        let mut generated = Vec::new();
        write_completion(shell, &mut generated);
        let path = repo().join("completions").join(file);
        if std::env::var_os("UPDATE_COMPLETIONS").is_some() {
            std::fs::write(&path, &generated).unwrap();
            continue;
        }
        let current = std::fs::read(&path).unwrap_or_default();
        if current != generated {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "stale completion scripts {stale:?}; run UPDATE_COMPLETIONS=1 cargo test --test it completions"
    );
}

fn example_env_dir(env: &str) -> PathBuf {
    repo().join("examples/gitops/envs").join(env)
}

#[test]
fn render_env_and_dir_agree() {
    let by_env = bin()
        .args(["render", "--repo"])
        .arg(repo().join("examples/gitops"))
        .arg("dev")
        .output()
        .unwrap();
    assert!(
        by_env.status.success(),
        "{}",
        String::from_utf8_lossy(&by_env.stderr)
    );
    let by_dir = bin()
        .args(["render", "-k"])
        .arg(example_env_dir("dev"))
        .output()
        .unwrap();
    assert!(by_dir.status.success());
    assert_eq!(by_env.stdout, by_dir.stdout);
    let text = String::from_utf8(by_env.stdout).unwrap();
    assert!(text.contains("image: ghcr.io/acme/api:dev"), "{text}");
}

#[test]
fn render_json_is_a_list() {
    let out = bin()
        .args(["render", "-o", "json", "-k"])
        .arg(example_env_dir("dev"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "List");
    assert!(v["items"].as_array().unwrap().len() >= 5);
}

fn tmp_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (p, text) in files {
        let path = d.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    d
}

fn render_dir(dir: &Path) -> std::process::Output {
    bin().args(["render", "-k"]).arg(dir).output().unwrap()
}

#[test]
fn malformed_yaml_exits_2_with_file_line_and_nothing_on_stdout() {
    let d = tmp_tree(&[
        ("kustomization.yaml", "resources:\n- a.yaml\n- b.yaml\n"),
        (
            "a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
        ),
        (
            "b.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [b\n",
        ),
    ]);
    let out = render_dir(d.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "partial output on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("b.yaml:"), "{err}");
    assert!(
        err.contains(":4:") || err.contains(":5:"),
        "no line number: {err}"
    );
}

/// The `FILE:LINE:COL` prefix of the first error line, split off.
fn error_location(stderr: &str) -> (String, usize, usize) {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or("");
    let rest = &line["error: ".len().min(line.len())..];
    let mut parts = rest.splitn(4, ':');
    let file = parts.next().unwrap_or("").to_string();
    let l = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let c = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    (file, l, c)
}

/// Regression: `render -k /abs/dir` named a broken file `dir/a.yaml:5:2`, relative
/// to the kustomization's parent, which opens from nowhere. Below the current
/// directory it is relative to it; elsewhere absolute.
#[test]
fn error_locations_open_from_the_current_directory() {
    let d = tmp_tree(&[
        ("overlay/kustomization.yaml", "resources:\n- a.yaml\n"),
        (
            "overlay/a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n data: x\n",
        ),
    ]);
    let target = d.path().join("overlay");
    let elsewhere = tempfile::tempdir().unwrap();
    for cwd in [
        d.path().to_path_buf(),
        target.clone(),
        elsewhere.path().to_path_buf(),
    ] {
        let out = bin()
            .current_dir(&cwd)
            .args(["render", "-k"])
            .arg(&target)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        let (file, line, col) = error_location(&err);
        assert!(
            cwd.join(&file).is_file(),
            "{file:?} does not open from {}: {err}",
            cwd.display()
        );
        assert!(file.ends_with("a.yaml") && line == 5 && col >= 1, "{err}");
        if cwd == elsewhere.path() {
            assert!(
                Path::new(&file).is_absolute(),
                "outside the cwd, absolute: {err}"
            );
        } else {
            assert!(
                Path::new(&file).is_relative(),
                "below the cwd, relative: {err}"
            );
        }
    }
}

/// kustomize's load restrictor: a file outside the kustomization's directory (also
/// through a symlink) is refused, exactly where `kustomize build` refuses it;
/// `--load-restrictor LoadRestrictionsNone` allows it, as in kustomize.
#[test]
fn files_outside_the_kustomization_are_refused_like_kustomize() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
    let d = tmp_tree(&[
        ("outside/cm.yaml", cm),
        (
            "up/kustomization.yaml",
            "resources:\n- ../outside/cm.yaml\n",
        ),
        ("link/kustomization.yaml", "resources:\n- sub/cm.yaml\n"),
        (
            "inside/kustomization.yaml",
            "resources:\n- sub/../cm.yaml\n",
        ),
        ("inside/cm.yaml", cm),
        ("inside/sub/keep", ""),
    ]);
    std::fs::create_dir(d.path().join("link/sub")).unwrap();
    std::os::unix::fs::symlink(
        d.path().join("outside/cm.yaml"),
        d.path().join("link/sub/cm.yaml"),
    )
    .unwrap();
    for dir in ["up", "link"] {
        let out = render_dir(&d.path().join(dir));
        assert_eq!(out.status.code(), Some(2), "{dir}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("is not in or below") && err.contains("--load-restrictor"),
            "{err}"
        );
        let ok = bin()
            .args(["render", "--load-restrictor", "LoadRestrictionsNone", "-k"])
            .arg(d.path().join(dir))
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
        assert!(String::from_utf8_lossy(&ok.stdout).contains("name: x"));
    }
    let out = render_dir(&d.path().join("inside"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn missing_resource_and_cycle_and_duplicate_are_errors() {
    let d = tmp_tree(&[("kustomization.yaml", "resources:\n- nothere.yaml\n")]);
    let out = render_dir(d.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothere.yaml"));

    let d = tmp_tree(&[
        ("a/kustomization.yaml", "resources:\n- ../b\n"),
        ("b/kustomization.yaml", "resources:\n- ../a\n"),
    ]);
    let out = render_dir(&d.path().join("a"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cycle"));

    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n";
    let d = tmp_tree(&[
        ("kustomization.yaml", "resources:\n- a.yaml\n- b.yaml\n"),
        ("a.yaml", cm),
        ("b.yaml", cm),
    ]);
    let out = render_dir(d.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already registered id"));
    assert!(out.stdout.is_empty());
}

#[test]
fn cycle_through_a_symlink_is_an_error() {
    // `a` lists `b`, a symlink to `a`: different paths, the same directory.
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
    let d = tmp_tree(&[
        ("env/kustomization.yaml", "resources:\n- ../a\n- ../c\n"),
        ("a/kustomization.yaml", "resources:\n- cm.yaml\n- ../b\n"),
        ("a/cm.yaml", cm),
        ("c/kustomization.yaml", "resources:\n- cm.yaml\n"),
        ("c/cm.yaml", cm),
    ]);
    std::os::unix::fs::symlink(d.path().join("a"), d.path().join("b")).unwrap();
    let out = render_dir(&d.path().join("env"));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cycle"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn unsupported_feature_is_named() {
    let d = tmp_tree(&[("kustomization.yaml", "helmCharts:\n- name: redis\n")]);
    let out = render_dir(d.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("helmCharts") && err.contains("--engine kustomize"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn unknown_environment_lists_known_ones() {
    let out = bin()
        .args(["render", "--repo"])
        .arg(repo().join("examples/gitops"))
        .arg("staging")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("staging") && err.contains("dev, prod"),
        "{err}"
    );
}

#[test]
fn env_diff_exit_codes_table_and_json() {
    let repo_dir = repo().join("examples/gitops");
    let run = |args: &[&str]| {
        bin()
            .arg("--repo")
            .arg(&repo_dir)
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["diff", "dev", "prod"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("KIND "), "{text}");
    assert!(text.contains("Deployment  api "), "{text}");
    assert!(text.contains("-  replicas: 1\n+  replicas: 3"), "{text}");
    assert!(!text.contains("\x1b["), "no colour when not a terminal");
    let out = run(&["diff", "prod", "prod"]);
    assert_eq!(out.status.code(), Some(0));
    let out = run(&["diff", "dev", "prod", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["changed"], true);
    assert!(
        v["objects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["kind"] == "Deployment" && o["op"] == "update")
    );
    let out = run(&["diff", "dev", "nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn kubectl_plugin_completion_protocol() {
    let out = bin()
        .arg("--repo")
        .arg(repo().join("examples/gitops"))
        .args(["__complete", "deploy", "pr"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "prod\n:4\n");
    let out = bin().args(["__complete", "se"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("set-image\t") && text.ends_with(":4\n"),
        "{text}"
    );
    assert!(!text.contains("__complete"));
}

/// kustomize refuses a base or component named by an absolute path ("new root
/// cannot be absolute"), even with LoadRestrictionsNone; an absolute file path is a
/// load-restrictor question only.
#[test]
fn absolute_bases_and_components_are_refused_like_kustomize() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
    let d = tmp_tree(&[
        ("base/kustomization.yaml", "resources:\n- cm.yaml\n"),
        ("base/cm.yaml", cm),
    ]);
    let base = d.path().join("base");
    for (field, extra) in [("resources", ""), ("components", "")] {
        let o = d.path().join(format!("o-{field}"));
        std::fs::create_dir_all(&o).unwrap();
        std::fs::write(
            o.join("kustomization.yaml"),
            format!("{field}:\n- {}\n{extra}", base.display()),
        )
        .unwrap();
        for restrictor in ["LoadRestrictionsRootOnly", "LoadRestrictionsNone"] {
            let out = bin()
                .args(["render", "--load-restrictor", restrictor, "-k"])
                .arg(&o)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{field} {restrictor}");
            assert!(out.stdout.is_empty());
            assert!(
                String::from_utf8_lossy(&out.stderr).contains("relative to the kustomization"),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let o = d.path().join("o-file");
    std::fs::create_dir_all(&o).unwrap();
    std::fs::write(
        o.join("kustomization.yaml"),
        format!("resources:\n- {}\n", base.join("cm.yaml").display()),
    )
    .unwrap();
    let refused = bin().args(["render", "-k"]).arg(&o).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let allowed = bin()
        .args(["render", "--load-restrictor", "LoadRestrictionsNone", "-k"])
        .arg(&o)
        .output()
        .unwrap();
    assert!(
        allowed.status.success(),
        "{}",
        String::from_utf8_lossy(&allowed.stderr)
    );
}
