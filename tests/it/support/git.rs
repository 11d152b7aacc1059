//! Real git repositories for the tests: a command runner and a work tree with a bare remote.

use std::path::Path;
use std::process::Command;

/// Runs `git -C dir args...`, fails the test on a non-zero exit, returns stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Makes the files in `work` the first commit of `main`, pushed to a new bare
/// repository at `remote` (its `origin`).
pub fn init_with_remote(work: &Path, remote: &Path) {
    let parent = remote.parent().expect("remote has a parent directory");
    let remote_str = remote.to_str().unwrap();
    git(parent, &["init", "-q", "--bare", "-b", "main", remote_str]);
    git(work, &["init", "-q", "-b", "main"]);
    for (k, v) in [
        ("user.email", "ci@example.com"),
        ("user.name", "CI"),
        ("commit.gpgsign", "false"),
    ] {
        git(work, &["config", k, v]);
    }
    git(work, &["add", "-A"]);
    git(work, &["commit", "-q", "-m", "initial"]);
    git(work, &["remote", "add", "origin", remote_str]);
    git(work, &["push", "-q", "origin", "main"]);
}
