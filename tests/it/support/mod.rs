//! Test harness: real parts started for the tests (registry, git repos, the testenv cluster, Argo CD).

pub mod argocd;
pub mod git;
pub mod registry;
pub mod testenv;
pub mod webhook;

/// Copies the directory tree `from` into `to` (created), files and directories only.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}
