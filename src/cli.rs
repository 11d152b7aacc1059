//! Command-line definitions (clap) only: parsing and validation, no work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Render, diff and release Kubernetes GitOps overlays.
///
/// Runs as a kubectl plugin (`kubectl release ...`) or on its own.
#[derive(Debug, Parser)]
#[command(name = "kubectl-release", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags shared by every command, spelled as kubectl spells them.
#[derive(Debug, Args)]
pub struct Global {
    /// Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config).
    #[arg(long, global = true, env = "KUBECONFIG", value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,
    /// The namespace to use for namespaced objects.
    #[arg(short = 'n', long, global = true, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Output format.
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = Output::Yaml)]
    pub output: Output,
    /// The GitOps repository root holding kubectl-release.yaml (default: search upwards from the current directory).
    #[arg(long, global = true, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Log verbosity on stderr: -v info, -vv debug.
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Yaml,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render an environment's overlay (or a kustomization directory) to stdout, like `kustomize build`.
    Render(RenderArgs),
    /// Print a shell completion script.
    Completion(CompletionArgs),
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The environment to render, as named in kubectl-release.yaml.
    #[arg(
        value_name = "ENV",
        required_unless_present = "kustomize",
        conflicts_with = "kustomize"
    )]
    pub env: Option<String>,
    /// Render the kustomization in this directory instead of an environment.
    #[arg(short = 'k', long = "kustomize", value_name = "DIR")]
    pub kustomize: Option<PathBuf>,
    /// Which renderer to use: the built-in one, or an installed kustomize (or kubectl kustomize) for features the built-in one refuses.
    #[arg(long, value_enum, default_value_t = Engine::Builtin)]
    pub engine: Engine,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    Builtin,
    Kustomize,
}

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
