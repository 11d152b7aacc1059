//! `set-image` on real git repositories (with a bare remote) and a real registry.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::copy_dir;
use crate::support::git::{git, init_with_remote};
use crate::support::registry::Registry;

/// A clone of the example GitOps repo with a bare remote.
struct GitOps {
    _tmp: tempfile::TempDir,
    work: PathBuf,
    remote: PathBuf,
}

impl GitOps {
    fn new() -> Self {
        Self::from_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/gitops"))
    }

    fn from_dir(src: &Path) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let remote = tmp.path().join("remote.git");
        let work = tmp.path().join("work");
        copy_dir(src, &work);
        init_with_remote(&work, &remote);
        GitOps {
            _tmp: tmp,
            work,
            remote,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
            .args(args)
            .current_dir(&self.work)
            .output()
            .unwrap()
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.work.join(rel)).unwrap()
    }

    fn head(&self) -> String {
        git(&self.work, &["rev-parse", "HEAD"]).trim().to_string()
    }

    /// A second clone that pushes its own commit, so ours is no longer a fast-forward.
    fn concurrent_push(&self, rel: &str, edit: impl Fn(&str) -> String) {
        let other = self._tmp.path().join(format!("other-{}", rand_suffix()));
        git(
            self._tmp.path(),
            &[
                "clone",
                "-q",
                self.remote.to_str().unwrap(),
                other.to_str().unwrap(),
            ],
        );
        for (k, v) in [
            ("user.email", "b@example.com"),
            ("user.name", "B"),
            ("commit.gpgsign", "false"),
        ] {
            git(&other, &["config", k, v]);
        }
        let path = other.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, edit(&text)).unwrap();
        git(&other, &["commit", "-q", "-am", "concurrent change"]);
        git(&other, &["push", "-q", "origin", "main"]);
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn changed_lines(before: &str, after: &str) -> Vec<(String, String)> {
    let diff = similar::TextDiff::from_lines(before, after);
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for c in diff.iter_all_changes() {
        match c.tag() {
            similar::ChangeTag::Delete => removed.push(c.value().to_string()),
            similar::ChangeTag::Insert => added.push(c.value().to_string()),
            similar::ChangeTag::Equal => {}
        }
    }
    removed.into_iter().zip(added).collect()
}

const PROD_K: &str = "envs/prod/kustomization.yaml";

#[test]
fn set_image_commits_and_pushes_exactly_one_changed_value() {
    let g = GitOps::new();
    let before = g.read(PROD_K);
    let out = g.run(&["set-image", "prod", "ghcr.io/acme/api:v1.5.0", "--push"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = g.read(PROD_K);
    assert_eq!(
        changed_lines(&before, &after),
        [(
            "    newTag: v1.4.2\n".to_string(),
            "    newTag: v1.5.0\n".to_string()
        )]
    );
    assert_eq!(before.len(), after.len(), "only the value changed");
    let msg = git(&g.work, &["log", "-1", "--format=%B"]);
    assert!(
        msg.starts_with("release(prod): ghcr.io/acme/api v1.4.2 -> v1.5.0"),
        "{msg}"
    );
    assert!(msg.contains("Kubectl-Release-Patch: [{\"op\":\"test\",\"path\":\"/images/0/newTag\",\"value\":\"v1.4.2\"}"), "{msg}");
    assert!(msg.contains("Kubectl-Release-Inverse:"), "{msg}");
    assert_eq!(
        git(&g.remote, &["rev-parse", "main"]).trim(),
        g.head(),
        "pushed"
    );
    let rendered = g.run(&["render", "prod"]);
    assert!(String::from_utf8_lossy(&rendered.stdout).contains("image: ghcr.io/acme/api:v1.5.0"));
}

#[test]
fn dry_run_and_patch_output_write_nothing() {
    let g = GitOps::new();
    let before = g.read(PROD_K);
    let out = g.run(&[
        "set-image",
        "prod",
        "ghcr.io/acme/web:v2.2.0",
        "--dry-run",
        "-o",
        "patch",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let patch: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        patch,
        serde_json::json!([{"op": "test", "path": "/images/1/newTag", "value": "v2.1.0"},
                           {"op": "replace", "path": "/images/1/newTag", "value": "v2.2.0"}])
    );
    assert_eq!(g.read(PROD_K), before);
    let out = g.run(&["set-image", "prod", "ghcr.io/acme/web:v2.2.0", "--dry-run"]);
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("-    newTag: v2.1.0\n+    newTag: v2.2.0"),
        "{diff}"
    );
    assert_eq!(g.read(PROD_K), before);
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let g = GitOps::new();
    let before = g.read(PROD_K);
    let head = g.head();
    let cases: [(&[&str], &str); 5] = [
        (
            &["set-image", "staging", "ghcr.io/acme/api:v1"],
            "unknown environment",
        ),
        (
            &["set-image", "prod", "ghcr.io/acme/nope:v1"],
            "not used by any workload",
        ),
        (
            &["set-image", "prod", "ghcr.io/acme/api:bad/tag"],
            "invalid",
        ),
        (
            &["set-image", "prod", "ghcr.io/acme/api"],
            "no tag or digest",
        ),
        (
            &["set-image", "prod", "ghcr.io/acme/api@sha256:123"],
            "invalid image reference",
        ),
    ];
    for (args, want) in cases {
        let out = g.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
    // A dirty tree is refused.
    std::fs::write(g.work.join("scratch.txt"), "x").unwrap();
    let out = g.run(&["set-image", "prod", "ghcr.io/acme/api:v9.0.0", "--commit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("uncommitted changes"));
    assert_eq!(g.read(PROD_K), before);
    assert_eq!(g.head(), head);
}

#[test]
fn non_fast_forward_push_is_rebased_and_retried() {
    let g = GitOps::new();
    g.concurrent_push("envs/dev/kustomization.yaml", |t| {
        t.replace("LOG_LEVEL=debug", "LOG_LEVEL=trace")
    });
    let out = g.run(&["set-image", "prod", "ghcr.io/acme/api:v1.6.0", "--push"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(git(&g.remote, &["rev-parse", "main"]).trim(), g.head());
    let log = git(&g.work, &["log", "--format=%s", "-3"]);
    assert!(
        log.starts_with("release(prod)") && log.contains("concurrent change"),
        "{log}"
    );
}

#[test]
fn push_rejected_for_good_leaves_nothing_behind() {
    let g = GitOps::new();
    let before = g.read(PROD_K);
    let head = g.head();
    g.concurrent_push(PROD_K, |t| t.replace("newTag: v1.4.2", "newTag: v1.4.3"));
    let out = g.run(&["set-image", "prod", "ghcr.io/acme/api:v1.7.0", "--push"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot be rebased") || err.contains("rejected for good"),
        "{err}"
    );
    assert_eq!(g.head(), head, "our commit was dropped");
    assert_eq!(g.read(PROD_K), before, "the file is back");
    assert!(git(&g.work, &["status", "--porcelain"]).trim().is_empty());
}

#[test]
fn not_a_git_repository_with_commit_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/gitops"),
        tmp.path(),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
        .args(["set-image", "prod", "ghcr.io/acme/api:v2.0.0", "--commit"])
        .current_dir(tmp.path())
        .env("GIT_CEILING_DIRECTORIES", tmp.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not inside a git repository"));
    assert!(
        std::fs::read_to_string(tmp.path().join(PROD_K))
            .unwrap()
            .contains("newTag: v1.4.2")
    );
}

/// A repo whose overlay pins the image in its own resource file (no `images:` entry).
fn own_file_repo(name: &str, image: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let files = [
        (
            "kubectl-release.yaml",
            format!(
                "environments:\n  dev:\n    path: dev\n    images:\n      - name: {name}\n        policy: \"^1.2\"\n        ignoreTags: [\"-rc\"]\n"
            ),
        ),
        (
            "dev/kustomization.yaml",
            "resources:\n  - deploy.yaml\n".to_string(),
        ),
        (
            "dev/deploy.yaml",
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          # pinned here on purpose\n          image: {image}\n"
            ),
        ),
    ];
    for (p, t) in files {
        let path = d.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    }
    d
}

#[test]
fn resolve_picks_by_policy_from_a_real_registry_and_edits_the_resource_file() {
    let reg = Registry::start();
    for (i, t) in ["v1.2.0", "v1.2.5", "v1.3.0", "v1.4.0-rc.1", "v2.0.0", "dev"]
        .iter()
        .enumerate()
    {
        reg.push("acme/api", t, &format!("c{i}"));
    }
    let image = format!("{}/acme/api", reg.host());
    let src = own_file_repo(&image, &format!("{image}:v1.2.0"));
    let g = GitOps::from_dir(src.path());
    let before = g.read("dev/deploy.yaml");
    let out = g.run(&[
        "set-image",
        "dev",
        &image,
        "--resolve",
        "--insecure-registry",
        &reg.host(),
        "--commit",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = g.read("dev/deploy.yaml");
    assert_eq!(
        changed_lines(&before, &after),
        [(
            format!("          image: {image}:v1.2.0\n"),
            format!("          image: {image}:v1.3.0\n")
        )]
    );
    // Tracking a mutable tag pins its digest.
    let out = g.run(&[
        "set-image",
        "dev",
        &image,
        "--resolve",
        "--policy",
        "track: dev",
        "--insecure-registry",
        &reg.host(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        g.read("dev/deploy.yaml")
            .contains(&format!("image: {image}@sha256:"))
    );
    // No tag satisfies: a clear error, nothing written.
    git(&g.work, &["checkout", "-q", "--", "."]);
    let before = g.read("dev/deploy.yaml");
    let out = g.run(&[
        "set-image",
        "dev",
        &image,
        "--resolve",
        "--policy",
        "^9",
        "--insecure-registry",
        &reg.host(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no tag of"));
    assert_eq!(g.read("dev/deploy.yaml"), before);
}

/// Credentials from a docker credential helper (`credHelpers` in DOCKER_CONFIG),
/// against a real registry with htpasswd basic auth.
#[test]
fn credential_helper_from_docker_config() {
    let reg = Registry::start_with_auth("ci", "pa55");
    reg.push("acme/api", "v1.2.0", "a");
    reg.push("acme/api", "v1.2.7", "b");
    let image = format!("{}/acme/api", reg.host());
    let src = own_file_repo(&image, &format!("{image}:v1.2.0"));
    let g = GitOps::from_dir(src.path());
    let tools = tempfile::tempdir().unwrap();
    let helper = tools.path().join("docker-credential-testhelper");
    std::fs::write(&helper, "#!/bin/sh\nread server\necho \"{\\\"Username\\\":\\\"ci\\\",\\\"Secret\\\":\\\"pa55\\\"}\"\n").unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&helper)
        .status()
        .unwrap();
    let docker = tempfile::tempdir().unwrap();
    std::fs::write(
        docker.path().join("config.json"),
        format!(r#"{{"credHelpers":{{"{}":"testhelper"}}}}"#, reg.host()),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        tools.path().display(),
        std::env::var("PATH").unwrap()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
        .args([
            "set-image",
            "dev",
            &image,
            "--resolve",
            "--insecure-registry",
            &reg.host(),
        ])
        .current_dir(&g.work)
        .env("DOCKER_CONFIG", docker.path())
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        g.read("dev/deploy.yaml")
            .contains(&format!("image: {image}:v1.2.7"))
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("pa55"),
        "secrets are never printed"
    );
    // Without credentials: a 401 that says what to do, and nothing written.
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
        .args([
            "set-image",
            "dev",
            &image,
            "--resolve",
            "--insecure-registry",
            &reg.host(),
            "--allow-dirty",
        ])
        .current_dir(&g.work)
        .env("DOCKER_CONFIG", tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("docker login"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
