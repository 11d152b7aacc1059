//! Argo CD: the config-management-plugin mode (`cmp`), run by Argo CD's repo-server sidecar.
//!
//! `cmp` is the plugin contract (pure); the command side is `cmd::cmp`.

pub mod cmp;
