//! Test harness: real parts started for the tests (registry, git repos, the testenv cluster, Argo CD).

pub mod argocd;
pub mod git;
pub mod registry;
pub mod testenv;
pub mod webhook;
