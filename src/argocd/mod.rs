//! Argo CD: the config-management-plugin mode (`cmp`), and the prod release through Argo CD.
//!
//! `cmp` is the plugin contract (pure); `app` reads and nudges an Application
//! (the cluster edge); `release` is the release engine's delivery through git
//! and Argo CD. The command side is `cmd::cmp` and `cmd::deploy`.

pub mod app;
pub mod cmp;
pub mod release;
