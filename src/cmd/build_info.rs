//! `version` (which build this is: version, git commit, target, as kubectl plugins report it) and `__man`.
//!
//! The commit and target are fixed at build time by `build.rs`. `__man` writes the
//! man pages from the same clap definitions as `--help` and the completions, so
//! they cannot drift; it is a hidden command of the shipped binary (as ripgrep's
//! `--generate man`) rather than a second build target.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::{CmdError, exit};
use crate::cli::{Cli, Output};

/// The build's identity; `-o json` prints it as is.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildInfo {
    /// The crate version (semver, without a `v`).
    pub version: &'static str,
    /// The git commit built, or `unknown` for sources without git metadata.
    pub git_commit: &'static str,
    /// The Rust target triple, e.g. `x86_64-unknown-linux-musl`.
    pub target: &'static str,
}

pub const BUILD: BuildInfo = BuildInfo {
    version: env!("CARGO_PKG_VERSION"),
    git_commit: env!("KUBECTL_RELEASE_GIT_COMMIT"),
    target: env!("KUBECTL_RELEASE_TARGET"),
};

/// The text `version` prints: YAML (the default `-o`), or JSON.
pub fn render(info: &BuildInfo, output: Output) -> String {
    match output {
        Output::Json => {
            let mut s = serde_json::to_string_pretty(info).expect("plain strings");
            s.push('\n');
            s
        }
        // Values quoted: a commit of digits and one `e` would otherwise read as a YAML number.
        Output::Yaml | Output::Patch => {
            let q = |s: &str| serde_json::Value::from(s).to_string();
            format!(
                "version: {}\ngitCommit: {}\ntarget: {}\n",
                q(info.version),
                q(info.git_commit),
                q(info.target)
            )
        }
    }
}

pub fn run(cli: &Cli) -> Result<i32, CmdError> {
    std::io::stdout().write_all(render(&BUILD, cli.global.output).as_bytes())?;
    Ok(exit::OK)
}

/// `__man DIR`: the roff man pages, `kubectl-release.1` and one per command
/// (`kubectl-release-deploy.1`, ...), which the first one refers to.
pub fn man(dir: &Path) -> Result<i32, CmdError> {
    use clap::CommandFactory;
    let in_dir = |e: std::io::Error| {
        CmdError::Output(std::io::Error::new(
            e.kind(),
            format!("man pages in {}: {e}", dir.display()),
        ))
    };
    std::fs::create_dir_all(dir).map_err(in_dir)?;
    clap_mangen::generate_to(Cli::command(), dir).map_err(in_dir)?;
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFO: BuildInfo = BuildInfo {
        version: "1.2.3",
        git_commit: "1234567e89",
        target: "x86_64-unknown-linux-musl",
    };

    #[test]
    fn yaml_quotes_values_that_would_read_as_numbers() {
        assert_eq!(
            render(&INFO, Output::Yaml),
            "version: \"1.2.3\"\ngitCommit: \"1234567e89\"\ntarget: \"x86_64-unknown-linux-musl\"\n"
        );
    }

    #[test]
    fn json_names_fields_in_camel_case() {
        let v: serde_json::Value = serde_json::from_str(&render(&INFO, Output::Json)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"version": "1.2.3", "gitCommit": "1234567e89", "target": "x86_64-unknown-linux-musl"})
        );
    }
}
