//! Release-input benchmarks: `bump` on a large history, tag selection over 10,000 tags.
//!
//! `cargo bench --bench release_inputs`. Prints medians; no pass/fail.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kubectl_release::image::policy::Policy;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A repository with `commits` commits and a tag every `commits / tags` commits, built with fast-import.
fn big_repo(commits: usize, tags: usize) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let st = Command::new("git")
            .arg("-C")
            .arg(d.path())
            .args(args)
            .status()
            .unwrap();
        assert!(st.success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    let mut stream = String::new();
    let every = commits / tags;
    let mut tag_no = 0;
    for i in 1..=commits {
        let msg = match i % 7 {
            0 => format!("fix: thing {i} #patch"),
            3 => format!("feat: thing {i} #minor"),
            _ => format!("chore: thing {i}"),
        };
        stream.push_str(&format!(
            "commit refs/heads/main\nmark :{i}\ncommitter CI <ci@example.com> {} +0000\ndata {}\n{msg}\n",
            1_600_000_000 + i,
            msg.len()
        ));
        if i > 1 {
            stream.push_str(&format!("from :{}\n", i - 1));
        }
        stream.push('\n');
        if i % every == 0 {
            tag_no += 1;
            stream.push_str(&format!("reset refs/tags/v1.{}.0\nfrom :{i}\n\n", tag_no));
        }
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(d.path())
        .args(["fast-import", "--quiet"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    git(&["checkout", "-q", "main"]);
    // A few commits after the last tag, as in a real release.
    for m in ["fix a #patch", "feat b"] {
        git(&[
            "-c",
            "user.email=ci@example.com",
            "-c",
            "user.name=CI",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            m,
        ]);
    }
    d
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_kubectl-release");
    let repo = big_repo(10_000, 1_000);
    for (label, env) in [("repo context", "repo"), ("branch context", "branch")] {
        let mut times = Vec::new();
        let mut last = String::new();
        for _ in 0..11 {
            let t = Instant::now();
            let out = Command::new(bin)
                .args([
                    "bump",
                    "--dry-run",
                    "--tag-prefix",
                    "v",
                    "--tag-context",
                    env,
                ])
                .current_dir(repo.path())
                .env_remove("GITHUB_OUTPUT")
                .output()
                .unwrap();
            times.push(t.elapsed());
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            last = String::from_utf8_lossy(&out.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
        }
        println!(
            "bump, 10,000 commits, 1,000 tags, {label}: median {:?} ({last})",
            median(times)
        );
    }

    let tags: Vec<String> = (0..10_000)
        .map(|i| format!("v{}.{}.{}", i / 1000, (i / 10) % 100, i % 10))
        .collect();
    for policy in ["^4.2", "~9.99.0", ">=1.0.0 <3", "minor"] {
        let p = Policy::parse(policy, None, &["-rc".to_string()]).unwrap();
        let mut times = Vec::new();
        let mut chosen = String::new();
        for _ in 0..51 {
            let t = Instant::now();
            chosen = p.select("bench", Some("v4.2.0"), &tags).unwrap();
            times.push(t.elapsed());
        }
        println!(
            "select over 10,000 tags, policy {policy:?}: median {:?} (chose {chosen})",
            median(times)
        );
    }
}
