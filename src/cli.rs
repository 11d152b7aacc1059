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
    /// The namespace to use for namespaced objects (`webhook`: a namespace to watch; repeatable).
    #[arg(short = 'n', long, global = true, value_name = "NAMESPACE", action = clap::ArgAction::Append)]
    pub namespace: Vec<String>,
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
    /// The RFC 6902 patch a change applies (`set-image`).
    Patch,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render an environment's overlay (or a kustomization directory) to stdout, like `kustomize build`.
    Render(RenderArgs),
    /// Diff an environment against the live cluster (server-side dry-run), or two environments.
    ///
    /// `diff ENV` and `diff -k DIR`: rendered manifests against live state, as
    /// `kubectl diff` does it. `diff ENV OTHER`: a promotion preview. Change
    /// table, then a unified diff; Secret values masked. Exit codes as
    /// `kubectl diff`: 0 no differences, 1 differences, 2 error.
    Diff(DiffArgs),
    /// Compute the next semver tag from commit messages (github-tag-action compatible) and create it.
    Bump(Box<BumpArgs>),
    /// Set an image of an environment in its overlay (as a guarded RFC 6902 patch), optionally commit and push.
    SetImage(SetImageArgs),
    /// Release an image to live workloads: guarded JSON patch, watch behind health gates, undo on failure.
    ///
    /// Exit codes: 0 released; 1 a gate failed (with --no-undo); 2 error; 3 a gate failed and the
    /// release was undone; 4 a gate failed but the workload changed since, so nothing was undone;
    /// 130 interrupted.
    Deploy(DeployArgs),
    /// Rollout and gate state of an environment's workloads (or one workload); -w waits.
    Status(StatusArgs),
    /// Undo the latest (or a given) release of an environment's workloads, behind the same gates.
    Undo(UndoArgs),
    /// Release records, newest first.
    History(HistoryArgs),
    /// Argo CD config-management plugin: the commands its sidecar runs (see `cmp plugin`).
    Cmp(CmpArgs),
    /// Serve Keel-compatible webhooks: a pushed image is pinned to its digest and released behind the gates.
    ///
    /// Endpoints: POST /v1/webhooks/native ({"name","tag"}, optional "digest"), /v1/webhooks/registry
    /// (the distribution registry's notifications), /v1/webhooks/github (registry_package and package
    /// events); GET /healthz, /readyz, /metrics, /v1/releases, / (status page). Credentials:
    /// $KUBECTL_RELEASE_WEBHOOK_TOKEN (or --token-file) as a bearer token, and/or Keel's
    /// $BASIC_AUTH_USER and $BASIC_AUTH_PASSWORD; GitHub's secret from $KUBECTL_RELEASE_GITHUB_SECRET
    /// (or --github-secret-file). -n NS (repeatable) limits the namespaces watched (default: all).
    Webhook(Box<WebhookArgs>),
    /// Print a shell completion script.
    Completion(CompletionArgs),
    /// Print the version, git commit and build target (`-o json` for JSON).
    Version,
    /// Write the man pages (kubectl-release.1 and one per command) into DIR; scripts/dist.sh ships them.
    #[command(name = "__man", hide = true)]
    Man {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Completion protocol for `kubectl release <TAB>` (kubectl runs `kubectl_complete-release`).
    #[command(name = "__complete", hide = true)]
    Complete(CompleteArgs),
}

/// `webhook` settings.
#[derive(Debug, Args)]
pub struct WebhookArgs {
    /// Address to listen on (Keel's port is 9300; port 0 picks a free one).
    #[arg(long, value_name = "ADDR", default_value = "0.0.0.0:9300")]
    pub listen: std::net::SocketAddr,
    /// Read the bearer token from this file (else $KUBECTL_RELEASE_WEBHOOK_TOKEN).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Read GitHub's webhook secret from this file (else $KUBECTL_RELEASE_GITHUB_SECRET); GitHub
    /// deliveries are then authenticated by their X-Hub-Signature-256.
    #[arg(long, value_name = "FILE")]
    pub github_secret_file: Option<PathBuf>,
    /// Serve without authentication (a trusted network only).
    #[arg(long)]
    pub insecure_no_auth: bool,
    /// Serve HTTPS with this certificate chain (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// An environment of kubectl-release.yaml whose `track:` images are released (repeatable;
    /// default: every environment with a `track:` policy, when the config is found).
    #[arg(long = "env", value_name = "ENV")]
    pub envs: Vec<String>,
    /// For environments that name an Argo CD Application: commit the digest to the overlay and
    /// let Argo CD sync it (a failed gate is a revert), instead of a live patch self-heal undoes.
    #[arg(long)]
    pub write_back: bool,
    /// With --write-back: how long Argo CD may take to sync a commit.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "2m")]
    pub sync_timeout: std::time::Duration,
    /// Patch workloads Argo CD manages anyway (their Application ignores image differences).
    #[arg(long)]
    pub ignore_argocd: bool,
    /// How many workloads may release at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub parallel: u16,
    /// After SIGTERM, how long running releases may go on before they are interrupted (recorded, left in place).
    #[arg(long, value_parser = humantime::parse_duration, default_value = "20s")]
    pub shutdown_grace: std::time::Duration,
    /// A request must arrive and be answered within this.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "10s")]
    pub request_timeout: std::time::Duration,
    /// A request's head must arrive within this.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "5s")]
    pub header_timeout: std::time::Duration,
    /// At most this many connections at once; more are closed.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub max_connections: usize,
    /// Log lines as text or JSON.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Seconds between refreshes of the status page.
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    pub page_refresh: u32,
    /// Reach this registry host over plain HTTP (repeatable).
    #[arg(long = "insecure-registry", value_name = "HOST")]
    pub insecure_registry: Vec<String>,
    /// Registry requests per second (resolving tags to digests).
    #[arg(long, value_name = "N", default_value_t = 20.0)]
    pub registry_rate: f64,
    /// Gates of workloads released by their Keel policy; environments' gates come from their config.
    #[command(flatten)]
    pub gates: GateArgs,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CmpArgs {
    #[command(subcommand)]
    pub command: CmpCommand,
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum CmpCommand {
    /// Print the ConfigManagementPlugin (plugin.yaml) for the sidecar: Applications name it.
    Plugin {
        /// Also discover repositories with kubectl-release.yaml for Applications that name no
        /// plugin (costs a second stream of the repository per generation of every such Application).
        #[arg(long)]
        discover: bool,
    },
    /// Print the path of kubectl-release.yaml when the Application's repository has one (plugin discovery).
    Discover,
    /// Print the parameter announcements for the Argo CD UI (JSON).
    Parameters,
    /// Render the Application's path (or the environment it names) for Argo CD: manifests only on stdout.
    Generate,
}

#[derive(Debug, Args)]
pub struct CompleteArgs {
    /// The words typed so far after `kubectl release`, the last one being completed.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub words: Vec<String>,
}

/// Where the workloads come from: an environment, a kustomization, or one workload.
#[derive(Debug, Args)]
pub struct Scope {
    /// An environment from kubectl-release.yaml, or a workload such as `deployment/api`.
    #[arg(value_name = "ENV|WORKLOAD")]
    pub target: Option<String>,
    /// Take the workloads from this kustomization directory instead.
    #[arg(
        short = 'k',
        long = "kustomize",
        value_name = "DIR",
        conflicts_with = "target"
    )]
    pub kustomize: Option<PathBuf>,
}

/// Gate settings that override the environment's `gates:`.
#[derive(Debug, Args, Default)]
pub struct GateArgs {
    /// Give up (and undo) when the release is not healthy within this long (e.g. 5m).
    #[arg(long, value_parser = humantime::parse_duration)]
    pub timeout: Option<std::time::Duration>,
    /// Keep watching this long after the rollout completes.
    #[arg(long, value_parser = humantime::parse_duration)]
    pub soak: Option<std::time::Duration>,
    /// A new pod must be Ready within this long.
    #[arg(long, value_parser = humantime::parse_duration)]
    pub readiness_timeout: Option<std::time::Duration>,
    /// More restarts than this in a new container fail the release.
    #[arg(long)]
    pub max_restarts: Option<u32>,
}

#[derive(Debug, Args)]
pub struct DeployArgs {
    #[command(flatten)]
    pub scope: Scope,
    /// The image to release: REPO:TAG or REPO@sha256:...; with --resolve just REPO.
    #[arg(long, value_name = "IMAGE")]
    pub image: String,
    /// Pick the tag from the registry by the environment's policy.
    #[arg(long)]
    pub resolve: bool,
    /// Print the plan and the patches; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// When a gate fails, report only; do not undo.
    #[arg(long)]
    pub no_undo: bool,
    /// On Ctrl-C, undo instead of leaving the release in place.
    #[arg(long)]
    pub undo_on_interrupt: bool,
    /// First write the image back to the environment's overlay and commit it (as `set-image --commit`);
    /// when the release is undone, revert that commit too, so the GitOps controller does not re-apply it.
    #[arg(long, requires = "target")]
    pub write_back: bool,
    /// With --write-back: push the commit (and the revert).
    #[arg(long, requires = "write_back")]
    pub push: bool,
    /// With --write-back or --via argocd: edit even when the working tree has uncommitted changes.
    #[arg(long)]
    pub allow_dirty: bool,
    /// How the image reaches the workloads: `live` (a guarded JSON patch) or `argocd` (a commit
    /// Argo CD syncs now; a failure is reverted in git). Default: argocd when the environment
    /// names an Argo CD Application (`argocd:` in kubectl-release.yaml), else live.
    #[arg(long, value_enum)]
    pub via: Option<Via>,
    /// The Argo CD Application that syncs the environment (else the environment's `argocd.application`).
    #[arg(long, value_name = "NAME")]
    pub argocd_app: Option<String>,
    /// The namespace of that Application (else the environment's `argocd.namespace`, else argocd).
    #[arg(long, value_name = "NS")]
    pub argocd_namespace: Option<String>,
    /// With --via argocd: when a gate fails, apply the inverse patch to the live workloads at once,
    /// while the revert travels through git and Argo CD.
    #[arg(long)]
    pub undo_live_first: bool,
    /// With --via argocd: how long Argo CD may take to sync a pushed commit.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "2m")]
    pub sync_timeout: std::time::Duration,
    /// Patch the live workloads although Argo CD manages them (its self-heal will put git's image back).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub gates: GateArgs,
    /// Reach this registry host over plain HTTP (repeatable).
    #[arg(long = "insecure-registry", value_name = "HOST")]
    pub insecure_registry: Vec<String>,
}

/// How `deploy` delivers the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Via {
    Live,
    Argocd,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub scope: Scope,
    /// Wait until healthy or failed.
    #[arg(short = 'w', long)]
    pub watch: bool,
    #[command(flatten)]
    pub gates: GateArgs,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    #[command(flatten)]
    pub scope: Scope,
    /// Undo this revision (see `history`) instead of the latest.
    #[arg(long, value_name = "N")]
    pub to_revision: Option<u64>,
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub gates: GateArgs,
    /// For a release that went through Argo CD: how long Argo CD may take to sync the revert.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "2m")]
    pub sync_timeout: std::time::Duration,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub scope: Scope,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The environment: diffed against the live cluster, or shown as "before" when OTHER is given.
    #[arg(
        value_name = "ENV",
        required_unless_present = "kustomize",
        conflicts_with = "kustomize"
    )]
    pub env: Option<String>,
    /// Another environment, shown as "after" (a promotion preview; no cluster involved).
    #[arg(value_name = "OTHER", conflicts_with = "kustomize")]
    pub other: Option<String>,
    /// Diff the kustomization in this directory against the live cluster (deletions are not computed).
    #[arg(short = 'k', long = "kustomize", value_name = "DIR")]
    pub kustomize: Option<PathBuf>,
    /// List unchanged objects in the table too.
    #[arg(long)]
    pub show_unchanged: bool,
    /// Field manager of the server-side apply dry-run; use your GitOps tool's to see fields it would remove.
    #[arg(long, value_name = "NAME", default_value = "kubectl-release")]
    pub field_manager: String,
    /// How many requests to the API server run at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

#[derive(Debug, Args)]
pub struct SetImageArgs {
    /// The environment, as named in kubectl-release.yaml.
    #[arg(value_name = "ENV")]
    pub env: String,
    /// The image: `REPO:TAG`, `REPO@sha256:...`, or `REPO` with --resolve.
    #[arg(value_name = "IMAGE")]
    pub image: String,
    /// Pick the tag from the registry by the environment's policy for this image.
    #[arg(long)]
    pub resolve: bool,
    /// Policy for --resolve instead of the configured one (a semver range, major|minor|patch|all, or `track: TAG`).
    #[arg(long)]
    pub policy: Option<String>,
    /// Commit the change with the environment's commit message template.
    #[arg(long)]
    pub commit: bool,
    /// Push the commit (implies --commit); a non-fast-forward is rebased and retried, never forced.
    #[arg(long)]
    pub push: bool,
    /// Print the patch and the file diff; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Edit even when the working tree has uncommitted changes.
    #[arg(long)]
    pub allow_dirty: bool,
    /// Reach this registry host over plain HTTP (repeatable); TLS is verified everywhere else.
    #[arg(long = "insecure-registry", value_name = "HOST")]
    pub insecure_registry: Vec<String>,
}

/// `bump` settings: each flag also reads github-tag-action's environment variable.
#[derive(Debug, Args)]
pub struct BumpArgs {
    /// Bump used when no token is found: major, minor, patch or none.
    #[arg(long, env = "DEFAULT_BUMP", default_value = "minor")]
    pub default_bump: String,
    /// Prefix of version tags, e.g. `v`.
    #[arg(long, env = "TAG_PREFIX")]
    pub tag_prefix: Option<String>,
    /// Deprecated spelling of `--tag-prefix v`.
    #[arg(long, env = "WITH_V", value_parser = clap::builder::BoolishValueParser::new(), num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub with_v: bool,
    /// Comma list of release branches; an entry with regex characters is a regex.
    #[arg(long, env = "RELEASE_BRANCHES", default_value = "master,main")]
    pub release_branches: String,
    /// Version used when no tag exists yet.
    #[arg(long, env = "INITIAL_VERSION", default_value = "0.0.0")]
    pub initial_version: String,
    /// `repo`: the highest version tag anywhere; `branch`: the newest one reachable from HEAD.
    #[arg(long, env = "TAG_CONTEXT", default_value = "repo")]
    pub tag_context: String,
    /// On non-release branches, make `X.Y.Z-<suffix>.N` prereleases.
    #[arg(long, env = "PRERELEASE", value_parser = clap::builder::BoolishValueParser::new(), num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub prerelease: bool,
    #[arg(long, env = "PRERELEASE_SUFFIX", default_value = "beta")]
    pub prerelease_suffix: String,
    /// Which messages count: `compare` (since the last tag), `last` (HEAD only), `full` (since the default branch).
    #[arg(long, env = "BRANCH_HISTORY", default_value = "compare")]
    pub branch_history: String,
    /// The default branch for `--branch-history full` (default: `GITHUB_BASE_REF`, else the remote-tracking `master` or `main`).
    #[arg(long, env = "DEFAULT_BRANCH")]
    pub default_branch: Option<String>,
    #[arg(long, env = "MAJOR_STRING_TOKEN", default_value = "#major")]
    pub major_string_token: String,
    #[arg(long, env = "MINOR_STRING_TOKEN", default_value = "#minor")]
    pub minor_string_token: String,
    #[arg(long, env = "PATCH_STRING_TOKEN", default_value = "#patch")]
    pub patch_string_token: String,
    #[arg(long, env = "NONE_STRING_TOKEN", default_value = "#none")]
    pub none_string_token: String,
    /// Bump even when HEAD already carries the latest tag.
    #[arg(long, env = "FORCE_WITHOUT_CHANGES", value_parser = clap::builder::BoolishValueParser::new(), num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub force_without_changes: bool,
    /// Use this tag instead of the computed one.
    #[arg(long, env = "CUSTOM_TAG")]
    pub custom_tag: Option<String>,
    /// Compute and print; create no tag.
    #[arg(long, env = "DRY_RUN", value_parser = clap::builder::BoolishValueParser::new(), num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub dry_run: bool,
    /// Work in this directory (relative to the current one), like the action's SOURCE.
    #[arg(long, env = "SOURCE", default_value = ".")]
    pub source: PathBuf,
    /// Make an annotated tag with this message (default: a lightweight tag).
    #[arg(long, short = 'm')]
    pub message: Option<String>,
    /// Push the new tag to `--remote`.
    #[arg(long)]
    pub push: bool,
    #[arg(long, default_value = "origin")]
    pub remote: String,
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
    /// As kustomize's flag: LoadRestrictionsRootOnly (the default) refuses files outside a kustomization's directory; LoadRestrictionsNone allows them.
    #[arg(long, value_enum, default_value_t = LoadRestrictor::LoadRestrictionsRootOnly)]
    pub load_restrictor: LoadRestrictor,
}

/// kustomize's `--load-restrictor` values, spelled as kustomize spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "verbatim")]
pub enum LoadRestrictor {
    LoadRestrictionsRootOnly,
    LoadRestrictionsNone,
}

impl From<LoadRestrictor> for crate::render::LoadRestrictor {
    fn from(l: LoadRestrictor) -> Self {
        match l {
            LoadRestrictor::LoadRestrictionsRootOnly => crate::render::LoadRestrictor::RootOnly,
            LoadRestrictor::LoadRestrictionsNone => crate::render::LoadRestrictor::None,
        }
    }
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
