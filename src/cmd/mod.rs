//! Running the commands: glue between the parsed command line and the library.
//!
//! Every command returns its exit code; errors carry what failed and where.

use crate::cli::{Cli, Command};
use crate::image::policy::PolicyError;
use crate::image::registry::RegistryError;
use crate::image::resolve::ResolveError;
use crate::render::RenderError;
use crate::repo::bump::BumpError;
use crate::repo::config::ConfigError;
use crate::repo::git::GitError;
use crate::repo::overlay::EditError;
use crate::repo::version::VersionError;
use crate::repo::writeback::WriteBackError;

pub mod build_info;
pub mod bump;
pub mod cmp;
pub mod completion;
pub mod deploy;
pub mod diff;
pub mod progress;
pub mod render;
pub mod scope;
pub mod set_image;
pub mod status;
pub mod webhook;

pub use completion::write_completion;

/// Exit codes, part of the interface (README: "Exit codes").
pub mod exit {
    /// Success; for `diff`, no differences.
    pub const OK: i32 = 0;
    /// `diff`: differences found; `status`: a gate failed or timed out.
    pub const CHANGES: i32 = 1;
    /// Any error: bad input, I/O, cluster or registry failure.
    pub const ERROR: i32 = 2;
}

#[derive(Debug, thiserror::Error)]
pub enum CmdError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("kustomize engine: {0}")]
    Engine(String),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Version(#[from] VersionError),
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Bump(#[from] BumpError),
    #[error(transparent)]
    WriteBack(#[from] WriteBackError),
    #[error(transparent)]
    Cluster(#[from] crate::cluster::ClusterError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    // Boxed: its variants carry workload references and messages.
    Release(Box<crate::release::ReleaseError>),
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
    #[error(transparent)]
    Cmp(#[from] crate::argocd::cmp::CmpError),
    #[error(transparent)]
    Webhook(#[from] crate::webhook::WebhookError),
    /// An error of the CMP mode, with the Application it happened for.
    #[error("{app}: {error}")]
    InApp { app: String, error: Box<CmdError> },
}

impl From<crate::release::ReleaseError> for CmdError {
    fn from(e: crate::release::ReleaseError) -> Self {
        CmdError::Release(Box::new(e))
    }
}

impl CmdError {
    pub fn exit_code(&self) -> i32 {
        exit::ERROR
    }
}

/// Runs the parsed command; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32, CmdError> {
    match &cli.command {
        Command::Render(args) => render::run(&cli, args),
        Command::Bump(args) => bump::run(&cli, args),
        Command::Diff(args) => diff::run(&cli, args),
        Command::SetImage(args) => set_image::run(&cli, args),
        Command::Deploy(args) => deploy::deploy(&cli, args),
        Command::Status(args) => status::status(&cli, args),
        Command::Undo(args) => deploy::undo(&cli, args),
        Command::History(args) => status::history(&cli, args),
        Command::Cmp(args) => cmp::run(args),
        Command::Webhook(args) => webhook::run(&cli, args),
        Command::Completion(args) => completion::run(args),
        Command::Complete(args) => completion::complete(&cli, args),
        Command::Version => build_info::run(&cli),
        Command::Man { dir } => build_info::man(dir),
    }
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CmdError> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
