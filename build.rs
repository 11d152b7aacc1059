//! Build-time facts for `kubectl-release version`: the git commit and the target triple.
//!
//! The commit comes from, in order: `KUBECTL_RELEASE_GIT_COMMIT` (a build from
//! an export without `.git`, e.g. a CI job that knows the commit), the crate's
//! own git checkout, `.cargo_vcs_info.json` (a crate unpacked from crates.io),
//! else `unknown`: a plain copy of the sources still builds.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=KUBECTL_RELEASE_GIT_COMMIT");
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let commit = std::env::var("KUBECTL_RELEASE_GIT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .map(|c| c.trim().to_string())
        .or_else(|| git_commit(&dir))
        .or_else(|| vcs_info_commit(&dir))
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=KUBECTL_RELEASE_GIT_COMMIT={commit}");
    let target = std::env::var("TARGET").expect("set by cargo");
    println!("cargo:rustc-env=KUBECTL_RELEASE_TARGET={target}");
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
}

/// HEAD of the git checkout whose top level is the crate itself (not of some
/// repository the sources happen to be copied into).
fn git_commit(dir: &Path) -> Option<String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    if std::fs::canonicalize(&top).ok()? != std::fs::canonicalize(dir).ok()? {
        return None;
    }
    let commit = git(dir, &["rev-parse", "--verify", "HEAD"])?;
    // Run again when HEAD moves: HEAD names the branch, and HEAD's reflog
    // (per worktree) is written on every commit, checkout and reset.
    let git_dir = PathBuf::from(git(dir, &["rev-parse", "--absolute-git-dir"])?);
    for f in ["HEAD", "logs/HEAD"] {
        let p = git_dir.join(f);
        if p.exists() {
            println!("cargo:rerun-if-changed={}", p.display());
        }
    }
    Some(commit)
}

/// `cargo package` records the commit in `.cargo_vcs_info.json` as `"sha1": "<hex>"`.
fn vcs_info_commit(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    let rest = &text[text.find("\"sha1\"")? + "\"sha1\"".len()..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let hex: String = rest
        .strip_prefix('"')?
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (hex.len() == 40).then_some(hex)
}
