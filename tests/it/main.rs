//! The integration test binary: one module per area.

mod argocd_plugin;
mod argocd_release;
mod argocd_testenv;
mod bump;
mod cli;
mod conformance;
mod distribution;
mod json6902_v4;
mod keel_diff;
mod layout;
mod live_diff;
mod loader_kustomize;
mod registry;
mod release;
mod render_regressions;
mod set_image;
mod smp_kyaml;
mod support;
mod testenv_contract;
mod webhook;
