//! The GitOps repository side: the release config, git, in-place overlay edits, write-back, and bump.
//!
//! `version` (semver from commit messages) is pure; `config` parses the release
//! config; `overlay` computes byte-exact edits from text; `git`, `writeback` and
//! `bump` are the edges that read and write the working tree and the remote.

pub mod bump;
pub mod config;
pub mod git;
pub mod overlay;
pub mod version;
pub mod writeback;
