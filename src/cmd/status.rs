//! `status` and `history`: rollout state and release records of an environment's workloads.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use super::deploy::cancel_on_ctrl_c;
use super::progress::Style;
use super::scope::resolve;
use super::{CmdError, exit, runtime};
use crate::cli::{Cli, GateArgs, HistoryArgs, Output, StatusArgs};
use crate::cluster::{Cluster, ClusterError, lock, records};
use crate::release::event::{Event, Observer};
use crate::release::record::{self, Record, Status, WorkloadRef};

/// Where a workload's newest release stands, beyond its rollout: a release in
/// progress, or one whose process went away before the gates decided.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "release", rename_all = "kebab-case")]
pub enum OpenRelease {
    InProgress {
        revision: u64,
        holder: String,
    },
    /// Recorded in progress, but its holder is gone (lease expired, freed, or its
    /// process no longer exists): left patched, to be undone or re-released.
    Interrupted {
        revision: u64,
        holder: Option<String>,
        image: String,
        previous: String,
        /// The release commit, when it went through git.
        #[serde(skip_serializing_if = "Option::is_none")]
        commit: Option<String>,
    },
}

/// The open release of a workload, judged from its newest record and its lease.
async fn open_release(c: &Cluster, w: &WorkloadRef) -> Result<Option<OpenRelease>, ClusterError> {
    let (recs, _) = records::records(c, w).await?;
    let Some(rec) = recs.iter().rev().find(|r| r.status == Status::InProgress) else {
        return Ok(None);
    };
    let lease = lock::read(c, w).await?;
    let alive = lease.as_ref().is_some_and(|l| {
        !l.expired && !lock::holder_gone(&l.holder) && Some(&l.holder) == rec.holder.as_ref()
    });
    let image = |f: fn(&record::ImageChange) -> &String| {
        rec.images.first().map(|i| f(i).clone()).unwrap_or_default()
    };
    Ok(Some(if alive {
        OpenRelease::InProgress {
            revision: rec.revision,
            holder: rec.holder.clone().unwrap_or_default(),
        }
    } else {
        OpenRelease::Interrupted {
            revision: rec.revision,
            holder: rec.holder.clone(),
            image: image(|i| &i.new),
            previous: image(|i| &i.old),
            commit: rec.git.as_ref().map(|g| g.commit.clone()),
        }
    }))
}

fn describe_open(o: &OpenRelease) -> String {
    match o {
        OpenRelease::InProgress { revision, holder } => {
            format!("release {revision} in progress by {holder}")
        }
        OpenRelease::Interrupted {
            revision,
            holder,
            image,
            previous,
            commit,
        } => format!(
            "release {revision} interrupted: its process ({}) went away before the gates decided; {image} is left in place (`kubectl release undo` restores {previous}{})",
            holder.as_deref().unwrap_or("unknown"),
            commit
                .as_deref()
                .map(|c| format!(" by reverting commit {} in git", &c[..c.len().min(12)]))
                .unwrap_or_default()
        ),
    }
}

/// One workload's line in `status`.
#[derive(Debug, Clone, Default)]
struct Row {
    desired: i64,
    updated: i64,
    available: i64,
    state: String,
}

/// Renders `status` from progress events: a table of lines (printed again when
/// it changes), progress bars, or JSON lines.
struct StatusView {
    style: Style,
    order: Vec<WorkloadRef>,
    rows: Mutex<(BTreeMap<String, Row>, String)>,
    bars: super::progress::Progress,
    failed: Mutex<Option<String>>,
}

fn key(w: &WorkloadRef) -> String {
    format!("{}/{}", w.kind.to_lowercase(), w.name)
}

impl Observer for StatusView {
    fn event(&self, e: &Event) {
        match e {
            Event::Progress {
                workload,
                desired,
                updated,
                available,
                waiting,
                ..
            } => {
                let state = match waiting {
                    None => "healthy".to_string(),
                    Some(m) => format!("progressing: {m}"),
                };
                match self.style {
                    Style::Json => println!(
                        "{}",
                        serde_json::json!({"time": record::now(), "workload": workload, "state": state,
                            "desired": desired, "updated": updated, "available": available})
                    ),
                    Style::Bars => self.bars.event(e),
                    Style::Lines => {
                        if let Ok(mut g) = self.rows.lock() {
                            g.0.insert(
                                key(workload),
                                Row {
                                    desired: *desired,
                                    updated: *updated,
                                    available: *available,
                                    state,
                                },
                            );
                        }
                    }
                }
            }
            Event::GateFailed { failure } => {
                if let crate::release::GateFailure::Rollout { workload, failure } = failure {
                    if let Ok(mut g) = self.rows.lock()
                        && let Some(r) = g.0.get_mut(&key(workload))
                    {
                        r.state = format!("failed: {failure}");
                    }
                    if self.style == Style::Json {
                        println!(
                            "{}",
                            serde_json::json!({"time": record::now(), "workload": workload, "state": format!("failed: {failure}")})
                        );
                    }
                }
                if let Ok(mut f) = self.failed.lock() {
                    f.get_or_insert_with(|| failure.to_string());
                }
            }
            _ => {}
        }
        self.print_rows();
    }
}

impl StatusView {
    /// The table, when it changed since it was last printed.
    fn print_rows(&self) {
        if self.style != Style::Lines {
            return;
        }
        let Ok(mut g) = self.rows.lock() else { return };
        let (rows, last) = &mut *g;
        if rows.len() < self.order.len() {
            return;
        }
        let text: String = self
            .order
            .iter()
            .filter_map(|w| {
                let r = rows.get(&key(w))?;
                Some(format!(
                    "{}\t{}/{} updated, {} available\t{}\n",
                    key(w),
                    r.updated,
                    r.desired,
                    r.available,
                    r.state
                ))
            })
            .collect();
        if text != *last {
            print!("{text}");
            let _ = std::io::stdout().flush();
            *last = text;
        }
    }
}

pub fn status(cli: &Cli, a: &StatusArgs) -> Result<i32, CmdError> {
    let rt = runtime()?;
    rt.block_on(async {
        let (r, c) = resolve(cli, &a.scope, &a.gates).await?;
        let json = cli.global.output == Output::Json;
        let style = match Style::pick(json) {
            // Bars only while waiting; a one-off status is a table.
            Style::Bars if !a.watch => Style::Lines,
            s => s,
        };
        let workloads = r.refs();
        for w in &workloads {
            if let Some(open) = open_release(&c, w).await? {
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"time": record::now(), "workload": w, "open": open})
                    );
                } else {
                    eprintln!("{}: {}", key(w), describe_open(&open));
                }
            }
        }
        let view = StatusView {
            style,
            order: workloads.clone(),
            rows: Mutex::new((BTreeMap::new(), String::new())),
            bars: super::progress::Progress::new(style),
            failed: Mutex::new(None),
        };
        let cancel = cancel_on_ctrl_c();
        let healthy = crate::release::watch::observe(
            &c,
            &workloads,
            &r.gates,
            &view,
            &cancel.stop_token(),
            a.watch,
        )
        .await?;
        view.bars.finish();
        if let Some(f) = view.failed.lock().ok().and_then(|f| f.clone()) {
            if !json {
                eprintln!("failed: {f}");
            }
            return Ok(exit::CHANGES);
        }
        Ok(if healthy { exit::OK } else { exit::CHANGES })
    })
}

pub fn history(cli: &Cli, a: &HistoryArgs) -> Result<i32, CmdError> {
    let rt = runtime()?;
    rt.block_on(async {
        let (r, c) = resolve(cli, &a.scope, &GateArgs::default()).await?;
        let mut all: Vec<Record> = Vec::new();
        for (w, _) in &r.workloads {
            all.extend(records::records(&c, w).await?.0);
        }
        all.sort_by(|x, y| y.started.cmp(&x.started).then(y.revision.cmp(&x.revision)));
        let mut out = std::io::stdout().lock();
        if cli.global.output == Output::Json {
            out.write_all(
                serde_json::to_string_pretty(&all)
                    .unwrap_or_default()
                    .as_bytes(),
            )?;
            out.write_all(b"\n")?;
            return Ok(exit::OK);
        }
        let mut rows = vec![[
            "WORKLOAD".to_string(),
            "REV".into(),
            "STARTED".into(),
            "STATUS".into(),
            "IMAGE".into(),
            "GIT".into(),
            "BY".into(),
        ]];
        for rec in &all {
            let img = rec
                .images
                .first()
                .map(|i| format!("{} -> {}", short(&i.old), short(&i.new)))
                .unwrap_or_default();
            rows.push([
                format!("{}/{}", rec.workload.kind.to_lowercase(), rec.workload.name),
                rec.revision.to_string(),
                rec.started.clone(),
                rec.status.as_str().to_string()
                    + rec
                        .undo_of
                        .map(|n| format!(" (undo of {n})"))
                        .unwrap_or_default()
                        .as_str(),
                img,
                git_column(rec),
                rec.user.clone(),
            ]);
        }
        let widths: Vec<usize> = (0..7)
            .map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0))
            .collect();
        for r in rows {
            let line: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c:<w$}", w = widths[i]))
                .collect();
            writeln!(out, "{}", line.join("  ").trim_end())?;
        }
        Ok(exit::OK)
    })
}

/// A release's commit and its revert, as `history` shows them (`-` without git).
fn git_column(rec: &Record) -> String {
    let short = |s: &str| s[..s.len().min(8)].to_string();
    match &rec.git {
        Some(g) if g.commit.is_empty() => "-".into(),
        Some(g) => match &g.revert {
            Some(r) => format!("{} reverted by {}", short(&g.commit), short(r)),
            None => short(&g.commit),
        },
        None => "-".into(),
    }
}

fn short(image: &str) -> &str {
    let p = Path::new(image);
    p.file_name().and_then(|f| f.to_str()).unwrap_or(image)
}
