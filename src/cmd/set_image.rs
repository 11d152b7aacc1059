//! `set-image`: an image written into an environment's overlay (a guarded RFC 6902 patch), optionally committed and pushed.

use std::io::Write;

use super::{CmdError, exit, runtime};
use crate::cli::{Cli, Output, SetImageArgs};
use crate::image::registry::{self, ImageRef};
use crate::image::{Target, resolve};
use crate::repo::config::Loaded;
use crate::repo::writeback::{self, Committed, Edit};

/// The tag or digest to set: the image's own, or the newest the policy allows.
pub fn target(
    loaded: &Loaded,
    env: &str,
    image: &str,
    resolve_it: bool,
    policy: Option<&str>,
    insecure_registry: &[String],
) -> Result<Target, CmdError> {
    let name = crate::image::name_of(image);
    if !resolve_it {
        return Target::of(image).map_err(CmdError::from);
    }
    let e = loaded.env(env)?;
    let policy = match (e.image(name), policy) {
        (Some(cfg), p) => cfg.compile(p)?,
        (None, Some(p)) => crate::image::policy::Policy::parse(p, None, &[])?,
        (None, None) => {
            return Err(CmdError::Usage(format!(
                "no policy for {name} in environment {env:?}; add it under `images:` in kubectl-release.yaml or pass --policy"
            )));
        }
    };
    let running = writeback::running(loaded, env, name)?;
    let current = running.iter().find_map(|i| crate::image::tag_of(i));
    let client = registry::Client::new(registry::Options {
        insecure: insecure_registry.to_vec(),
        ..registry::Options::default()
    })?;
    Ok(runtime()?.block_on(resolve::newest(&client, name, &policy, current))?)
}

fn print_result(cli: &Cli, edit: &Edit) -> Result<(), CmdError> {
    let mut out = std::io::stdout().lock();
    let text = match cli.global.output {
        Output::Patch => serde_json::to_string_pretty(&edit.forward).unwrap_or_default() + "\n",
        Output::Json => serde_json::to_string_pretty(&edit.to_json()).unwrap_or_default() + "\n",
        Output::Yaml => edit.diff(),
    };
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// Writes `a.image` into the environment (and commits, pushes as asked); prints the
/// result unless `quiet`. Also the first step of `deploy --write-back`.
pub(crate) fn write(
    cli: &Cli,
    a: &SetImageArgs,
    quiet: bool,
) -> Result<Option<Committed>, CmdError> {
    let cwd = std::env::current_dir()?;
    let loaded = Loaded::find(cli.global.repo.as_deref(), &cwd)?;
    loaded.env(&a.env)?;
    ImageRef::parse(&a.image)?;
    let name = crate::image::name_of(&a.image).to_string();
    // The image must be one the environment runs.
    writeback::running(&loaded, &a.env, &name)?;
    let target = target(
        &loaded,
        &a.env,
        &a.image,
        a.resolve,
        a.policy.as_deref(),
        &a.insecure_registry,
    )?;
    let edit = writeback::plan(&loaded, &a.env, &name, &target)?;
    let f = &edit.file;
    if edit.is_noop() {
        eprintln!(
            "{}: {name} is already {} ({}); nothing to do",
            a.env, f.new_ref, edit.label
        );
        return Ok(None);
    }
    if a.dry_run {
        eprintln!(
            "{}: would set {} -> {} in {} (dry run; nothing written)",
            a.env, f.old_ref, f.new_ref, edit.label
        );
        if !quiet {
            print_result(cli, &edit)?;
        }
        return Ok(None);
    }
    let committed = writeback::write(
        &loaded,
        &edit,
        writeback::Options {
            commit: a.commit,
            push: a.push,
            allow_dirty: a.allow_dirty,
        },
    )?;
    eprintln!("{}: {} -> {} ({})", a.env, f.old_ref, f.new_ref, edit.label);
    if let Some(c) = &committed {
        eprintln!("committed {}", &c.sha[..c.sha.len().min(12)]);
        if let Some((remote, branch)) = &c.pushed {
            eprintln!("pushed to {remote}/{branch}");
        }
    }
    if !quiet {
        print_result(cli, &edit)?;
    }
    Ok(committed)
}

pub fn run(cli: &Cli, a: &SetImageArgs) -> Result<i32, CmdError> {
    write(cli, a, false)?;
    Ok(exit::OK)
}
