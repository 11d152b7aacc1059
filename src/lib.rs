//! kubectl-release: render, diff, bump and release Kubernetes GitOps overlays.
//!
//! The core (render, patch, diff, version, policy) is pure and takes data; the
//! edges (files, git, registry, cluster, HTTP) are thin adapters around it.

pub mod argocd;
pub mod cli;
pub mod cluster;
pub mod cmd;
pub mod diff;
pub mod image;
pub mod patch;
pub mod release;
pub mod render;
pub mod repo;
pub mod webhook;
