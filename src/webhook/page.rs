//! The status page (`GET /`): recent notifications and releases per workload, server-rendered HTML that refreshes itself; no scripts.
//!
//! Pure: the journal's entries in, a page out. Every value is escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::journal::{NotificationEntry, ReleaseEntry, State};
use super::targets::Reason;

/// What the page says about the server itself.
pub struct About {
    /// This replica (host and process).
    pub replica: String,
    pub version: &'static str,
    pub running: i64,
    pub queued: i64,
    pub workloads_watched: usize,
    /// Seconds between refreshes.
    pub refresh: u32,
}

/// HTML-escapes text for element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn short_digest(d: &str) -> String {
    match d.strip_prefix("sha256:") {
        Some(h) => format!("sha256:{}", &h[..h.len().min(12)]),
        None => d.to_string(),
    }
}

fn duration(ms: Option<u64>) -> String {
    match ms {
        None => "–".into(),
        Some(ms) if ms < 1000 => format!("{ms} ms"),
        Some(ms) if ms < 120_000 => format!("{:.1} s", ms as f64 / 1000.0),
        Some(ms) => format!("{} min {} s", ms / 60_000, (ms / 1000) % 60),
    }
}

fn badge(s: State) -> String {
    let class = match s {
        State::Succeeded => "ok",
        State::RolledBack | State::Failed | State::UndoRefused | State::Error => "bad",
        State::Running | State::Queued | State::LockedElsewhere => "busy",
        _ => "quiet",
    };
    format!(r#"<span class="state {class}">{}</span>"#, s.as_str())
}

fn reason(r: &Reason) -> String {
    match r {
        Reason::Keel { policy } => format!("keel.sh/policy {policy}"),
        Reason::Env { env, .. } => format!("environment {env}"),
        Reason::Resumed { revision, holder } => format!("resuming revision {revision} of {holder}"),
    }
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d2329}\
h1{font-size:1.3em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.4em 0 .4em}\
.about{color:#5a6570}table{border-collapse:collapse;width:100%}\
th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #e3e7ea;vertical-align:top}\
th{white-space:nowrap}td code,td.note{overflow-wrap:anywhere}td.note{max-width:34em}\
td.steps{max-width:22em;color:#46515b;font-size:12px}td.when,td.num{white-space:nowrap}\
th{background:#f4f6f7;font-weight:600}code{font:12px ui-monospace,monospace}\
.state{padding:.1em .5em;border-radius:.8em;font-size:12px;font-weight:600;white-space:nowrap}\
.ok{background:#d9f2df;color:#17612c}.bad{background:#fbdcdc;color:#8f1d1d}\
.busy{background:#dde9fb;color:#1c4d8f}.quiet{background:#eceff1;color:#46515b}\
.gate{color:#8f1d1d}.none{color:#5a6570}";

/// The page.
pub fn render(
    about: &About,
    releases: &[ReleaseEntry],
    notifications: &[NotificationEntry],
) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{refresh}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kubectl-release webhook</title><style>{STYLE}</style></head><body>
<h1>kubectl-release webhook</h1>
<p class="about">replica <code>{replica}</code> · version {version} · {running} running · {queued} queued · {watched} workloads watched · refreshes every {refresh} s</p>
"#,
        refresh = about.refresh,
        replica = escape(&about.replica),
        version = escape(about.version),
        running = about.running,
        queued = about.queued,
        watched = about.workloads_watched,
    );

    // Per workload: its newest release that changed something (or tried to), and
    // what the newest notification did.
    let mut latest: BTreeMap<String, (Option<&ReleaseEntry>, &ReleaseEntry)> = BTreeMap::new();
    for r in releases {
        let e = latest.entry(r.workload.to_string()).or_insert((None, r));
        if e.0.is_none() && !matches!(r.state, State::Noop | State::Coalesced | State::Refused) {
            e.0 = Some(r);
        }
    }
    h.push_str("<h2>Workloads</h2>\n");
    if latest.is_empty() {
        h.push_str(r#"<p class="none">No notification has released anything yet.</p>"#);
    } else {
        h.push_str("<table><tr><th>workload</th><th>last release</th><th>runs now</th><th>revision</th><th>received</th><th>duration</th><th>failed gate / note</th><th>last notification</th></tr>\n");
        for (name, (release, newest)) in &latest {
            let last = if release.is_some_and(|r| r.id == newest.id) {
                "the same".to_string()
            } else {
                format!("{} #{}: {}", badge(newest.state), newest.id, note(newest))
            };
            let row = match release {
                Some(r) => format!(
                    "<td>{} #{}</td><td><code>{}</code></td><td>{}</td><td class=\"when\">{}</td><td class=\"num\">{}</td><td class=\"note\">{}</td>",
                    badge(r.state),
                    r.id,
                    escape(&runs_now(r)),
                    r.revision
                        .map(|v| v.to_string())
                        .unwrap_or_else(|| "–".into()),
                    escape(&when(&r.received)),
                    duration(r.duration_ms),
                    note(r),
                ),
                None => {
                    r#"<td class="none">none</td><td>–</td><td>–</td><td>–</td><td>–</td><td></td>"#
                        .to_string()
                }
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td>{row}<td class=\"note\">{last}</td></tr>",
                escape(name)
            );
        }
        h.push_str("</table>\n");
    }

    h.push_str("<h2>Releases</h2>\n");
    if releases.is_empty() {
        h.push_str(r#"<p class="none">None yet.</p>"#);
    } else {
        h.push_str("<table><tr><th>#</th><th>received</th><th>workload</th><th>why</th><th>from → to</th><th>state</th><th>to patch</th><th>duration</th><th>steps</th><th>failed gate / note</th></tr>\n");
        for r in releases.iter().take(100) {
            let from = r
                .from
                .first()
                .map(|f| short_ref(f))
                .unwrap_or_else(|| "–".into());
            let to = r.to.as_deref().map(short_ref).unwrap_or_else(|| "–".into());
            let steps: Vec<String> = r
                .steps
                .iter()
                .map(|s| format!("{} {}", escape(&s.event), duration(Some(s.ms))))
                .collect();
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"when\">{}</td><td>{}</td><td>{}</td><td><code>{}</code> → <code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"steps\">{}</td><td class=\"note\">{}</td></tr>",
                r.id,
                escape(&when(&r.received)),
                escape(&r.workload.to_string()),
                escape(&format!("{}, {}", reason(&r.reason), r.via)),
                escape(&from),
                escape(&to),
                badge(r.state),
                duration(r.to_patch_ms),
                duration(r.duration_ms),
                steps.join(" · "),
                note(r),
            );
        }
        h.push_str("</table>\n");
    }

    h.push_str("<h2>Notifications</h2>\n");
    if notifications.is_empty() {
        h.push_str(r#"<p class="none">None yet.</p>"#);
    } else {
        h.push_str("<table><tr><th>#</th><th>time</th><th>endpoint</th><th>from</th><th>image</th><th>digest</th><th>workloads</th></tr>\n");
        for n in notifications.iter().take(100) {
            let routed: Vec<String> = n
                .routed
                .iter()
                .map(|r| {
                    format!(
                        "{} ({}, release {})",
                        escape(&r.workload.to_string()),
                        r.action,
                        r.release
                    )
                })
                .collect();
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"when\">{}</td><td>{}</td><td>{}</td><td><code>{}:{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                n.id,
                escape(&when(&n.time)),
                escape(&n.endpoint),
                escape(&n.from),
                escape(&n.name),
                escape(&n.tag),
                escape(
                    &n.digest
                        .as_deref()
                        .map(short_digest)
                        .unwrap_or_else(|| "–".into())
                ),
                if routed.is_empty() {
                    r#"<span class="none">none</span>"#.to_string()
                } else {
                    routed.join("<br>")
                },
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</body></html>\n");
    h
}

/// What a workload runs after release `r`: the previous image when it was undone.
fn runs_now(r: &ReleaseEntry) -> String {
    let undone = matches!(r.state, State::RolledBack);
    match (undone, r.from.first(), r.to.as_deref()) {
        (true, Some(f), _) => short_ref(f),
        (_, _, Some(t)) => short_ref(t),
        _ => r.image.clone(),
    }
}

/// `name:tag@sha256:abcdef123456` for a table cell.
fn short_ref(r: &str) -> String {
    match r.split_once('@') {
        Some((a, d)) => format!("{a}@{}", short_digest(d)),
        None => r.to_string(),
    }
}

/// A time as `HH:MM:SS.mmm` (UTC).
fn when(rfc3339: &str) -> String {
    rfc3339
        .split_once('T')
        .map(|(_, t)| t.trim_end_matches('Z').to_string())
        .unwrap_or_else(|| rfc3339.to_string())
}

/// At most `n` characters; the whole text in the tooltip.
fn clipped(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return escape(text);
    }
    let short: String = text.chars().take(n).collect();
    format!(
        r#"<span title="{}">{}…</span>"#,
        escape(text),
        escape(&short)
    )
}

fn note(r: &ReleaseEntry) -> String {
    match (&r.failed_gate, &r.message) {
        (Some(g), _) => format!(r#"<span class="gate">{}</span>"#, clipped(g, 160)),
        (None, Some(m)) => clipped(m, 160),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::record::WorkloadRef;

    #[test]
    fn escapes_and_lists() {
        let r = ReleaseEntry {
            id: 7,
            notification: 3,
            workload: WorkloadRef {
                kind: "Deployment".into(),
                namespace: "dev".into(),
                name: "api<script>".into(),
            },
            reason: Reason::Keel {
                policy: "force (matchTag)".into(),
            },
            image: "r/api:dev".into(),
            digest: Some(format!("sha256:{}", "ab".repeat(32))),
            from: vec!["r/api:dev@sha256:00".into()],
            to: Some(format!("r/api:dev@sha256:{}", "ab".repeat(32))),
            state: State::RolledBack,
            received: "t".into(),
            started: None,
            finished: None,
            duration_ms: Some(4200),
            to_patch_ms: Some(12),
            revision: Some(2),
            failed_gate: Some("CrashLoopBackOff".into()),
            message: None,
            via: "webhook native from 127.0.0.1".into(),
            steps: vec![],
        };
        let about = About {
            replica: "h/1".into(),
            version: "0",
            running: 0,
            queued: 0,
            workloads_watched: 1,
            refresh: 5,
        };
        let page = render(&about, &[r], &[]);
        assert!(page.contains("api&lt;script&gt;"), "{page}");
        assert!(!page.contains("<script>"));
        assert!(page.contains(r#"<meta http-equiv="refresh" content="5">"#));
        assert!(page.contains("rolled-back") && page.contains("CrashLoopBackOff"));
        assert!(page.contains("sha256:abababababab"));
        assert!(page.contains("4.2 s") && page.contains("12 ms"));
    }
}
