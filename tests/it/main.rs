//! The integration test binary: one module per area.

mod bump;
mod cli;
mod conformance;
mod json6902_v4;
mod live_diff;
mod registry;
mod release;
mod render_regressions;
mod set_image;
mod smp_kyaml;
mod support;
mod testenv_contract;
