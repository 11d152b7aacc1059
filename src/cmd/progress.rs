//! Rendering the release engine's events for a person or a program: lines, progress bars, or JSON lines.
//!
//! Lines and bars go to stderr (stdout stays for results); JSON lines go to
//! stdout, one event per line with a `time`.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;

use crate::release::event::{Event, Observer, Phase};
use crate::release::gates::{Measurement, MetricGate};
use crate::release::record::{self, WorkloadRef};

/// How events are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// One line per step, on stderr.
    Lines,
    /// A progress bar per workload (updated and available of desired), steps above them.
    Bars,
    /// One JSON object per event, on stdout.
    Json,
}

impl Style {
    /// Bars on a terminal (stderr), lines otherwise; JSON when asked.
    pub fn pick(json: bool) -> Self {
        if json {
            Style::Json
        } else if std::io::stderr().is_terminal() {
            Style::Bars
        } else {
            Style::Lines
        }
    }
}

struct Bars {
    multi: indicatif::MultiProgress,
    style: indicatif::ProgressStyle,
    by_workload: BTreeMap<String, indicatif::ProgressBar>,
}

/// Renders events as they come; see [`Style`].
pub struct Progress {
    style: Style,
    bars: Mutex<Option<Bars>>,
    /// What each workload waits for, so the joined line is printed when it changes.
    waiting: Mutex<(BTreeMap<String, String>, String)>,
}

impl Progress {
    pub fn new(style: Style) -> Self {
        let bars = (style == Style::Bars).then(|| Bars {
            multi: indicatif::MultiProgress::with_draw_target(
                indicatif::ProgressDrawTarget::stderr(),
            ),
            style: indicatif::ProgressStyle::with_template(
                "{prefix:32} [{bar:30}] {pos}/{len} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
            by_workload: BTreeMap::new(),
        });
        Progress {
            style,
            bars: Mutex::new(bars),
            waiting: Mutex::new((BTreeMap::new(), String::new())),
        }
    }

    /// A line for the person watching: above the bars, or on stderr.
    pub fn say(&self, line: &str) {
        match self.style {
            Style::Json => {}
            Style::Lines => eprintln!("{line}"),
            Style::Bars => match self.bars.lock().ok().as_deref() {
                Some(Some(b)) => {
                    let _ = b.multi.println(line);
                }
                _ => eprintln!("{line}"),
            },
        }
    }

    /// Stops the bars (leaving their last state on screen).
    pub fn finish(&self) {
        if let Ok(mut b) = self.bars.lock()
            && let Some(b) = b.as_mut()
        {
            for bar in b.by_workload.values() {
                bar.finish();
            }
        }
    }

    fn bar(&self, w: &WorkloadRef, desired: i64, done: i64, msg: String) {
        let Ok(mut guard) = self.bars.lock() else {
            return;
        };
        let Some(b) = guard.as_mut() else { return };
        let key = format!("{}/{}", w.kind.to_lowercase(), w.name);
        let bar = b.by_workload.entry(key.clone()).or_insert_with(|| {
            let bar = b.multi.add(indicatif::ProgressBar::new(1));
            bar.set_style(b.style.clone());
            bar.set_prefix(key);
            bar
        });
        bar.set_length(desired.max(0) as u64);
        bar.set_position(done.max(0) as u64);
        bar.set_message(msg);
    }

    fn progress(&self, w: &WorkloadRef, phase: Phase, waiting: Option<&str>) {
        let Ok(mut guard) = self.waiting.lock() else {
            return;
        };
        let (by_name, last) = &mut *guard;
        match waiting {
            Some(m) => {
                by_name.insert(w.name.clone(), m.to_string());
            }
            None => {
                by_name.remove(&w.name);
            }
        }
        let line = by_name
            .iter()
            .map(|(n, m)| format!("{n}: {m}"))
            .collect::<Vec<_>>()
            .join("; ");
        if !line.is_empty() && line != *last {
            *last = line.clone();
            drop(guard);
            match phase {
                Phase::Release => self.say(&line),
                Phase::Undo => self.say(&format!("undo: {line}")),
            }
        }
    }
}

/// The text of an event for a person; `None` for events that need no line.
pub fn describe(e: &Event) -> Option<String> {
    Some(match e {
        Event::LockWait {
            workload,
            holder,
            renewed_ago,
            wait_secs,
        } => format!(
            "{workload}: held by {holder}, whose lease was last renewed {renewed_ago}s ago (a running release renews it every {}s); waiting up to {wait_secs}s for it to expire",
            crate::cluster::lock::RENEW_EVERY.as_secs()
        ),
        Event::Locked {
            workload,
            took_over: Some(h),
        } => format!("{workload}: took over the lease of {h}, which went away"),
        Event::StaleRecord {
            workload,
            revision,
            holder,
        } => format!(
            "{workload}: release revision {revision} of {} was left open by a process that went away; marked interrupted",
            holder.as_deref().unwrap_or("an unknown holder")
        ),
        Event::Conflict {
            workload, message, ..
        } => format!("{workload}: conflict ({message}); retrying with fresh state"),
        Event::Patched { workload, images } => format!(
            "{workload}: patched {}",
            images
                .iter()
                .map(|x| format!("{} {} -> {}", x.container, x.old, x.new))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Event::GitPushed {
            commit,
            to,
            reverts,
            pinned_out,
        } => {
            let c = &commit[..commit.len().min(12)];
            match (reverts, pinned_out) {
                (Some(r), Some(tag)) => format!(
                    "pushed {c} to {to}: reverts {} and pins out {tag} in the release config",
                    &r[..r.len().min(12)]
                ),
                (Some(r), None) => format!("pushed {c} to {to}: reverts {}", &r[..r.len().min(12)]),
                _ => format!("pushed {c} to {to}"),
            }
        }
        Event::ArgoWaiting {
            application,
            revision,
            state,
        } => format!(
            "argocd: waiting for {application} to sync {}: {state}",
            &revision[..revision.len().min(12)]
        ),
        Event::ArgoSynced {
            application,
            revision,
            millis,
        } => format!(
            "argocd: {application} synced {} ({:.1}s after the push)",
            &revision[..revision.len().min(12)],
            *millis as f64 / 1000.0
        ),
        Event::RolloutComplete {
            phase: Phase::Release,
        } => "rollout complete".into(),
        Event::RolloutComplete { phase: Phase::Undo } => "undo rolled out".into(),
        Event::Measured {
            gate,
            measurement: Measurement::Error { message },
        } => format!("{gate}: {message}"),
        Event::Measured {
            gate: gate @ MetricGate::Http { .. },
            measurement: Measurement::Failed,
        } => format!("{gate}: failed measurement"),
        Event::Measured {
            gate: gate @ MetricGate::Prometheus { threshold, .. },
            measurement: Measurement::Failed,
        } => format!("{gate}: value not {threshold}"),
        Event::ApiError { message, .. } => {
            format!("cannot read rollout state ({message}); retrying")
        }
        Event::GateFailed { failure } => format!("gate failed: {failure}"),
        Event::Superseded { workload, images } => format!(
            "stopped: {workload} no longer runs the released image (now {}): someone else changed it during the rollout",
            images.join(", ")
        ),
        Event::UndoApplied { workload } => format!("{workload}: undo applied"),
        Event::UndoRefused { workload, message } => {
            format!("{workload}: not undone, it changed since the release: {message}")
        }
        Event::Interrupted { state } => format!("interrupted while {state}"),
        _ => return None,
    })
}

impl Observer for Progress {
    fn event(&self, e: &Event) {
        if self.style == Style::Json {
            let mut v = serde_json::to_value(e).unwrap_or_default();
            if let Some(m) = v.as_object_mut() {
                m.insert("time".into(), record::now().into());
            }
            println!("{v}");
            return;
        }
        if let Event::Progress {
            workload,
            phase,
            desired,
            updated,
            available,
            waiting,
        } = e
        {
            self.bar(
                workload,
                *desired,
                (*available).min(*updated),
                waiting.clone().unwrap_or_else(|| "healthy".into()),
            );
            if self.style == Style::Lines {
                self.progress(workload, *phase, waiting.as_deref());
            }
            return;
        }
        if let Some(line) = describe(e) {
            self.say(&line);
        }
    }
}
