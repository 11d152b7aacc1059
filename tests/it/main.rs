//! The integration test binary: one module per area.

mod argocd_plugin;
mod argocd_testenv;
mod bump;
mod cli;
mod conformance;
mod distribution;
mod live_diff;
mod registry;
mod release;
mod set_image;
mod smp_kyaml;
mod support;
mod testenv_contract;
