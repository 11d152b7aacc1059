//! `bump` against real git repositories: every case of the github-tag-action table in PEERS.md,
//! the issue rows, and (in `action`) a differential run against the action itself.

use std::path::Path;
use std::process::Command;

mod action;

struct Git {
    dir: tempfile::TempDir,
}

impl Git {
    fn new() -> Self {
        let g = Git {
            dir: tempfile::tempdir().unwrap(),
        };
        g.run(&["init", "-q", "-b", "master"]);
        g.run(&["config", "user.email", "ci@example.com"]);
        g.run(&["config", "user.name", "CI"]);
        g.run(&["config", "tag.gpgsign", "false"]);
        g.run(&["config", "commit.gpgsign", "false"]);
        g
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn run(&self, args: &[&str]) -> String {
        crate::support::git::git(self.path(), args)
    }
    fn commit(&self, msg: &str) -> &Self {
        self.run(&["commit", "-q", "--allow-empty", "-m", msg]);
        self
    }
    fn tag(&self, t: &str) -> &Self {
        self.run(&["tag", t]);
        self
    }
    fn branch(&self, b: &str) -> &Self {
        self.run(&["checkout", "-q", "-b", b]);
        self
    }
    fn checkout(&self, b: &str) -> &Self {
        self.run(&["checkout", "-q", b]);
        self
    }
    fn tags(&self) -> Vec<String> {
        self.run(&["tag", "--list"])
            .lines()
            .map(str::to_string)
            .collect()
    }
}

/// Runs `kubectl-release bump` with github-tag-action variables; returns the outputs.
fn bump(g: &Git, env: &[(&str, &str)]) -> std::collections::HashMap<String, String> {
    let mut cmd = Command::new(action::ours_bin());
    cmd.arg("bump").current_dir(g.path());
    for v in [
        "GITHUB_OUTPUT",
        "DEFAULT_BUMP",
        "TAG_PREFIX",
        "WITH_V",
        "RELEASE_BRANCHES",
        "INITIAL_VERSION",
        "TAG_CONTEXT",
        "PRERELEASE",
        "PRERELEASE_SUFFIX",
        "BRANCH_HISTORY",
        "FORCE_WITHOUT_CHANGES",
        "CUSTOM_TAG",
        "DRY_RUN",
        "SOURCE",
    ] {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "bump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn base(prefix_tag: &str) -> Git {
    let g = Git::new();
    g.commit("initial").tag(prefix_tag);
    g
}

const V: (&str, &str) = ("TAG_PREFIX", "v");

#[test]
fn peers_cases_1_to_7_tokens_and_defaults() {
    let g = base("v1.2.3");
    g.commit("fix #minor");
    let o = bump(&g, &[V, ("DRY_RUN", "true")]);
    assert_eq!(
        (
            o["new_tag"].as_str(),
            o["part"].as_str(),
            o["old_tag"].as_str()
        ),
        ("v1.3.0", "minor", "v1.2.3")
    );
    assert_eq!(o["tag"], "v1.3.0");

    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 6] = [
        (&["fix stuff"], &[], "v1.3.0"),
        (&["fix #patch"], &[], "v1.2.4"),
        (&["a #patch", "b #major"], &[], "v2.0.0"),
        (&["docs #none"], &[], "v1.2.3"),
        (&["docs #none", "x #patch"], &[], "v1.2.4"),
        (&["x"], &[("DEFAULT_BUMP", "none")], "v1.2.3"),
    ];
    for (msgs, extra, want) in cases {
        let g = base("v1.2.3");
        for m in msgs {
            g.commit(m);
        }
        let mut env = vec![V, ("DRY_RUN", "true")];
        env.extend_from_slice(extra);
        assert_eq!(bump(&g, &env)["new_tag"], want, "{msgs:?} {extra:?}");
    }
}

#[test]
fn peers_cases_8_9_head_already_tagged() {
    let g = base("v1.2.3");
    let o = bump(&g, &[V]);
    assert_eq!(
        (o["new_tag"].as_str(), o["tag"].as_str()),
        ("v1.2.3", "v1.2.3")
    );
    assert_eq!(g.tags(), ["v1.2.3"], "no new tag when HEAD is tagged");
    let o = bump(
        &g,
        &[V, ("FORCE_WITHOUT_CHANGES", "true"), ("DRY_RUN", "true")],
    );
    assert_eq!(o["new_tag"], "v1.3.0");
}

#[test]
fn peers_cases_12_to_15_history_substring_custom() {
    let g = base("v1.2.3");
    g.commit("a #major").commit("b");
    assert_eq!(
        bump(&g, &[V, ("BRANCH_HISTORY", "last"), ("DRY_RUN", "true")])["new_tag"],
        "v1.3.0"
    );
    assert_eq!(
        bump(&g, &[V, ("BRANCH_HISTORY", "compare"), ("DRY_RUN", "true")])["new_tag"],
        "v2.0.0"
    );

    let g = base("v1.2.3");
    g.commit("the #majority");
    assert_eq!(bump(&g, &[V, ("DRY_RUN", "true")])["new_tag"], "v2.0.0");

    let g = base("v1.2.3");
    g.commit("#major");
    let o = bump(&g, &[V, ("CUSTOM_TAG", "release-42")]);
    assert_eq!(
        (o["new_tag"].as_str(), o["part"].as_str()),
        ("release-42", "major")
    );
    assert!(
        g.tags().contains(&"release-42".to_string()),
        "custom tag created"
    );
}

#[test]
fn peers_cases_16_to_19_prereleases() {
    let g = base("v1.2.3");
    g.branch("feature").commit("x");
    let env = [V, ("PRERELEASE", "true")];
    let o = bump(&g, &env);
    assert_eq!(
        (o["new_tag"].as_str(), o["part"].as_str()),
        ("v1.3.0-beta.0", "pre-minor")
    );
    g.commit("y");
    assert_eq!(
        bump(&g, &[V, ("PRERELEASE", "true"), ("DRY_RUN", "true")])["new_tag"],
        "v1.3.0-beta.1"
    );

    let g = base("v1.2.3");
    g.branch("feature").commit("x #patch");
    let o = bump(
        &g,
        &[
            V,
            ("PRERELEASE", "true"),
            ("PRERELEASE_SUFFIX", "rc"),
            ("DRY_RUN", "true"),
        ],
    );
    assert_eq!(o["new_tag"], "v1.2.4-rc.0");

    let g = base("v1.2.3");
    g.commit("x");
    assert_eq!(
        bump(&g, &[V, ("PRERELEASE", "true"), ("DRY_RUN", "true")])["new_tag"],
        "v1.3.0"
    );
}

#[test]
fn peers_case_20_tag_context() {
    let g = base("v1.2.3");
    g.branch("other").commit("big").tag("v5.0.0");
    g.checkout("master").commit("fix #patch");
    assert_eq!(
        bump(&g, &[V, ("TAG_CONTEXT", "repo"), ("DRY_RUN", "true")])["new_tag"],
        "v5.0.1"
    );
    assert_eq!(
        bump(&g, &[V, ("TAG_CONTEXT", "branch"), ("DRY_RUN", "true")])["new_tag"],
        "v1.2.4"
    );
}

#[test]
fn fixed_defects_first_tag_prefix_and_none() {
    // Tokens count on the very first tag (the action gives 0.1.0).
    let g = Git::new();
    g.commit("feat #major");
    assert_eq!(bump(&g, &[("DRY_RUN", "true")])["new_tag"], "1.0.0");
    // A `v` found on the last tag is kept without TAG_PREFIX (the action gives 1.2.4).
    let g = base("v1.2.3");
    g.commit("x #patch");
    assert_eq!(bump(&g, &[("DRY_RUN", "true")])["new_tag"], "v1.2.4");
    // `#none` silences only its own commit (the action gives no tag).
    let g = base("v1.2.3");
    g.commit("x").commit("docs #none");
    assert_eq!(bump(&g, &[V, ("DRY_RUN", "true")])["new_tag"], "v1.3.0");
}

#[test]
fn github_output_and_annotated_tag() {
    let g = base("v1.2.3");
    g.commit("x #patch");
    let out_file = g.path().join("gh_output");
    let o = bump(&g, &[V, ("GITHUB_OUTPUT", out_file.to_str().unwrap())]);
    assert_eq!(o["new_tag"], "v1.2.4");
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(
        text,
        "new_tag=v1.2.4\ntag=v1.2.4\npart=patch\nold_tag=v1.2.3\n"
    );
    assert!(g.tags().contains(&"v1.2.4".to_string()));
    // An annotated tag when a message is given.
    g.commit("y #patch");
    let st = Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
        .args(["bump", "--tag-prefix", "v", "-m", "release v1.2.5"])
        .current_dir(g.path())
        .env_remove("GITHUB_OUTPUT")
        .output()
        .unwrap();
    assert!(st.status.success());
    assert_eq!(g.run(&["cat-file", "-t", "v1.2.5"]).trim(), "tag");
}

#[test]
fn not_a_repository_is_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-release"))
        .arg("bump")
        .current_dir(d.path())
        .env("GIT_CEILING_DIRECTORIES", d.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not inside a git repository"));
}

/// Issue 9, rows 1 and 2: tokens mixed with untokened commits. The action joins the
/// messages; the highest token wins and the default applies only when none is found.
#[test]
fn mixed_tokens_and_untokened_commits_take_the_highest_token() {
    let g = base("1.2.0");
    for m in ["refactor #patch", "perf #patch", "chore", "perf #patch"] {
        g.commit(m);
    }
    let o = bump(&g, &[("DRY_RUN", "true")]);
    assert_eq!(
        (o["new_tag"].as_str(), o["part"].as_str()),
        ("1.2.1", "patch")
    );

    for prefix in [None, Some(V)] {
        let g = base("v1.0.2");
        for m in ["api #minor", "feat: x #minor", "wip"] {
            g.commit(m);
        }
        let mut env = vec![("DEFAULT_BUMP", "major"), ("DRY_RUN", "true")];
        env.extend(prefix);
        let o = bump(&g, &env);
        assert_eq!(
            (o["new_tag"].as_str(), o["part"].as_str()),
            ("v1.1.0", "minor"),
            "prefix {prefix:?}"
        );
    }
}

/// Issue 9, row 1b-1: unprefixed releases and a floating major tag `v1` with WITH_V=true.
/// The action's pattern makes the prefix's last character optional, so `1.75.0` counts.
#[test]
fn unprefixed_tags_count_when_the_prefix_is_configured() {
    let g = base("1.74.0");
    g.commit("feat: a").tag("1.75.0").tag("v1");
    g.commit("chore: b").commit("docs: c");
    let o = bump(&g, &[("WITH_V", "true"), ("DRY_RUN", "true")]);
    assert_eq!(
        (
            o["new_tag"].as_str(),
            o["part"].as_str(),
            o["old_tag"].as_str()
        ),
        ("v1.76.0", "minor", "1.75.0")
    );
}

/// Issue 9, row 1b-2: old `v` releases, newer unprefixed ones, branch context: the newest
/// tag merged into HEAD wins whatever its prefix.
#[test]
fn branch_context_takes_the_newest_tag_with_or_without_prefix() {
    let g = Git::new();
    // Distinct committer dates, oldest first: branch context orders by commit date.
    for (m, t, date) in [
        ("a", Some("v1.7.0"), "2020-01-01T00:00:00Z"),
        ("b", Some("v1.8.0"), "2020-02-01T00:00:00Z"),
        ("c", Some("6.3.5"), "2021-01-01T00:00:00Z"),
        ("d", Some("6.3.6"), "2021-02-01T00:00:00Z"),
        ("e", None, "2021-03-01T00:00:00Z"),
    ] {
        let out = Command::new("git")
            .arg("-C")
            .arg(g.path())
            .args(["commit", "-q", "--allow-empty", "-m", m])
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_AUTHOR_DATE", date)
            .output()
            .unwrap();
        assert!(out.status.success());
        if let Some(t) = t {
            g.tag(t);
        }
    }
    let o = bump(
        &g,
        &[
            ("WITH_V", "true"),
            ("TAG_CONTEXT", "branch"),
            ("DRY_RUN", "true"),
        ],
    );
    assert_eq!(
        (o["new_tag"].as_str(), o["old_tag"].as_str()),
        ("v6.4.0", "6.3.6")
    );
}
