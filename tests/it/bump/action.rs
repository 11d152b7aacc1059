//! `bump` against github-tag-action's real `entrypoint.sh` on generated git histories.
//!
//! `fixtures/bump_action_cases.jsonl` holds histories made by [`generate`] (seeded,
//! reproducible: prefixed, unprefixed and floating major tags, prereleases, tags on
//! other branches, merge commits, remote-tracking refs, detached HEADs) and, for a few
//! settings variants each, what the real action answered (outputs, exit status and a
//! few values read from its `VERBOSE` trace). The test recreates every history with
//! real git (`fast-import`, fixed dates, so the commits are the same) and checks
//! `kubectl-release bump` against the recorded answers, adjusted only by the deliberate
//! differences of [`Deliberate`]. Two of those are answered by the real action itself,
//! run on the same history with documented input changes (recorded beside the raw
//! answer); the other two are small output rewrites.
//!
//! With `GITHUB_TAG_ACTION_ENTRYPOINT=/path/to/entrypoint.sh` (and npm's `semver` on
//! PATH, as in the action's image) the test also runs the action live on every case
//! and checks the recording. `scripts/bump-action-cases.sh` records a new fixture.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

/// One commit of a generated history; `parents` and tag targets are indexes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Commit {
    parents: Vec<usize>,
    branch: String,
    msg: String,
    time: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct TagDef {
    name: String,
    commit: usize,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    annotated: bool,
}

/// A repository: commits, local branches, `origin/*` remote-tracking branches, tags and HEAD
/// (a branch name, or `detached:<commit>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct History {
    commits: Vec<Commit>,
    branches: BTreeMap<String, usize>,
    remotes: BTreeMap<String, usize>,
    tags: Vec<TagDef>,
    head: String,
}

/// What one tool did: exit status, the `GITHUB_OUTPUT` lines, and (the action only) values
/// from its trace: `tag`, `tag_commit`, `pre_tag`, `part`, `default_branch`, and
/// `semver_prerelease` (the tag it asked npm semver to count up).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Observed {
    exit: i32,
    outputs: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    trace: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Run {
    env: BTreeMap<String, String>,
    action: Observed,
    /// The deliberate differences that apply ([`Deliberate::name`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    deliberate: Vec<String>,
    /// The action's answer with the input changes of those differences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    action_adjusted: Option<Observed>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Case {
    id: String,
    seed: u64,
    history: History,
    runs: Vec<Run>,
}

// ---------------------------------------------------------------------------------------
// The deliberate differences (README, "bump") and how each adjusts the action's answer.

/// The deliberate differences from the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deliberate {
    /// No previous release tag, `BRANCH_HISTORY=compare`: the action reads no message
    /// (its range is `..HEAD`); kubectl-release reads every commit of HEAD. Answered by the
    /// action itself with `BRANCH_HISTORY=full` and `DEFAULT_BRANCH` set to a commit
    /// unrelated to HEAD, whose range is exactly those commits.
    FirstTagTokens,
    /// The range has `#none`, no higher token, and a commit with no token at all: the
    /// action does not bump; kubectl-release treats `#none` commits as silent and gives
    /// the default bump. Answered by the action with `NONE_STRING_TOKEN` set to a string
    /// no message contains (the range's `#none` commits then count as untokened, which
    /// gives the same answer because an untokened commit is there anyway).
    NoneSilent,
    /// The action failed counting up a prerelease: it hands the prerelease tag to npm
    /// semver with the prefix still on, which only works for `v`. kubectl-release removes
    /// the prefix first: `release-1.3.0-beta.0` is followed by `release-1.3.0-beta.1`.
    PrefixedPrerelease,
    /// No prefix configured and the previous tag starts with `v`: the action drops the
    /// `v` (`v1.2.3` is followed by `1.2.4`), kubectl-release keeps it.
    KeepV,
}

impl Deliberate {
    const ALL: [Deliberate; 4] = [
        Deliberate::FirstTagTokens,
        Deliberate::NoneSilent,
        Deliberate::PrefixedPrerelease,
        Deliberate::KeepV,
    ];
    fn name(self) -> &'static str {
        match self {
            Deliberate::FirstTagTokens => "first-tag-tokens",
            Deliberate::NoneSilent => "none-silent",
            Deliberate::PrefixedPrerelease => "prefixed-prerelease",
            Deliberate::KeepV => "keep-v",
        }
    }
}

/// Placeholder in a recorded `DEFAULT_BRANCH` for the commit unrelated to HEAD.
const UNRELATED: &str = "<unrelated-root>";
/// A `NONE_STRING_TOKEN` that no generated message contains.
const NO_NONE_TOKEN: &str = "#none-is-silent";

fn setting<'a>(env: &'a BTreeMap<String, String>, key: &str, default: &'a str) -> &'a str {
    env.get(key)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .unwrap_or(default)
}

/// The prefix the action uses: `TAG_PREFIX` unless `false`, else `v` with `WITH_V=true`.
fn configured_prefix(env: &BTreeMap<String, String>) -> &str {
    match setting(env, "TAG_PREFIX", "false") {
        "false" if setting(env, "WITH_V", "false") == "true" => "v",
        "false" => "",
        p => p,
    }
}

/// The tokens in use, major first.
fn tokens(env: &BTreeMap<String, String>) -> [&str; 4] {
    [
        setting(env, "MAJOR_STRING_TOKEN", "#major"),
        setting(env, "MINOR_STRING_TOKEN", "#minor"),
        setting(env, "PATCH_STRING_TOKEN", "#patch"),
        setting(env, "NONE_STRING_TOKEN", "#none"),
    ]
}

/// The messages kubectl-release reads, one per commit: the action's range, except that
/// with no previous tag (compare) every commit of HEAD counts.
fn range_messages(
    dir: &Path,
    env: &BTreeMap<String, String>,
    trace: &BTreeMap<String, String>,
) -> Vec<String> {
    let log = |range: &str| -> Vec<String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["log", "--format=%B%x00", range])
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        if !out.status.success() {
            return Vec::new(); // the action ignores a failing log
        }
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut v: Vec<String> = text.split('\0').map(str::to_string).collect();
        v.pop();
        v
    };
    match setting(env, "BRANCH_HISTORY", "compare") {
        "last" => {
            let mut v = log("HEAD");
            v.truncate(1);
            v
        }
        "full" => {
            let base = env
                .get("DEFAULT_BRANCH")
                .or(trace.get("default_branch"))
                .cloned()
                .unwrap_or_default();
            log(&format!("{base}..HEAD"))
        }
        _ => match trace.get("tag_commit").filter(|c| !c.is_empty()) {
            Some(c) => log(&format!("{c}..HEAD")),
            None => log("HEAD"),
        },
    }
}

/// Which of the differences the action answers itself apply to a run, from the settings,
/// the action's raw answer (its trace) and the recreated repository in `dir`.
fn deliberate(dir: &Path, env: &BTreeMap<String, String>, action: &Observed) -> Vec<Deliberate> {
    let mut out = Vec::new();
    let trace = &action.trace;
    let compare = setting(env, "BRANCH_HISTORY", "compare") == "compare";
    if compare && trace.get("tag_commit").is_some_and(|c| c.is_empty()) {
        out.push(Deliberate::FirstTagTokens);
    }
    let [major, minor, patch, none] = tokens(env);
    let msgs = range_messages(dir, env, trace);
    let has = |t: &str| msgs.iter().any(|m| m.contains(t));
    let untokened = msgs
        .iter()
        .any(|m| ![major, minor, patch, none].iter().any(|t| m.contains(t)));
    if !has(major) && !has(minor) && !has(patch) && has(none) && untokened {
        out.push(Deliberate::NoneSilent);
    }
    out
}

/// The action's input changes for the differences it answers itself.
fn adjusted_env(
    env: &BTreeMap<String, String>,
    d: &[Deliberate],
) -> Option<BTreeMap<String, String>> {
    let mut e = env.clone();
    if d.contains(&Deliberate::FirstTagTokens) {
        e.insert("BRANCH_HISTORY".into(), "full".into());
        e.insert("DEFAULT_BRANCH".into(), UNRELATED.into());
    }
    if d.contains(&Deliberate::NoneSilent) {
        e.insert("NONE_STRING_TOKEN".into(), NO_NONE_TOKEN.into());
    }
    (e != *env).then_some(e)
}

/// What kubectl-release must answer: the action's (adjusted) answer with the two output
/// rewrites; also the names of the differences that changed the answer.
fn expected(env: &BTreeMap<String, String>, run: &Run) -> (Observed, Vec<&'static str>) {
    let mut names: Vec<&'static str> = Vec::new();
    let mut o = run.action.clone();
    if let Some(adjusted) = &run.action_adjusted {
        if !same(adjusted, &run.action) {
            names.extend(
                Deliberate::ALL
                    .iter()
                    .filter(|d| run.deliberate.iter().any(|n| n == d.name()))
                    .map(|d| d.name()),
            );
        }
        o = adjusted.clone();
    }
    let prefix = configured_prefix(env);
    // PrefixedPrerelease: count the prerelease up with the prefix removed.
    let suffix = setting(env, "PRERELEASE_SUFFIX", "beta");
    if o.exit != 0
        && !prefix.is_empty()
        && let Some(pre) = o.trace.get("semver_prerelease")
        && let Some(next) = count_up(&pre.replace(prefix, ""), suffix)
    {
        // The action stopped before its last step, CUSTOM_TAG.
        let new = match setting(env, "CUSTOM_TAG", "") {
            "" => format!("{prefix}{next}"),
            custom => custom.to_string(),
        };
        let part = format!("pre-{}", o.trace.get("part").cloned().unwrap_or_default());
        let old = o.trace.get("tag").cloned().unwrap_or_default();
        o.exit = 0;
        o.outputs = BTreeMap::from([
            ("new_tag".into(), new.clone()),
            ("tag".into(), new),
            ("part".into(), part),
            ("old_tag".into(), old),
        ]);
        names.push(Deliberate::PrefixedPrerelease.name());
    }
    // KeepV: a new version after a `v` tag, no prefix configured, no CUSTOM_TAG.
    let old = o.outputs.get("old_tag").cloned().unwrap_or_default();
    let new = o.outputs.get("new_tag").cloned().unwrap_or_default();
    if o.exit == 0
        && prefix.is_empty()
        && setting(env, "CUSTOM_TAG", "").is_empty()
        && o.outputs.contains_key("part")
        && new != old
        && old.starts_with('v')
    {
        let v = format!("v{new}");
        o.outputs.insert("new_tag".into(), v.clone());
        o.outputs.insert("tag".into(), v);
        names.push(Deliberate::KeepV.name());
    }
    (o, names)
}

/// `X.Y.Z-<suffix>.N` counted up to `.N+1`, as npm semver's `inc prerelease --preid`.
fn count_up(version: &str, suffix: &str) -> Option<String> {
    let v = semver::Version::parse(version).ok()?;
    let (id, n) = v.pre.as_str().split_once('.')?;
    let n: u64 = n.parse().ok()?;
    let pre = if id == suffix {
        format!("{id}.{}", n + 1)
    } else {
        format!("{suffix}.0")
    };
    Some(format!("{}.{}.{}-{pre}", v.major, v.minor, v.patch))
}

// ---------------------------------------------------------------------------------------
// Recreating a history, and running the two tools on it.

const EMAIL: &str = "ci@example.com";

fn git_env(cmd: &mut Command, home: &Path) {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("LANG", "C");
}

/// Creates the repository of `h` in `dir` with `git fast-import`; with `origin`, also an
/// empty bare repository as its `origin` (the action runs `git fetch --tags`).
fn build(h: &History, dir: &Path, home: &Path, origin: Option<&Path>) {
    let git = |args: &[&str]| {
        let mut c = Command::new("git");
        git_env(&mut c, home);
        let out = c.arg("-C").arg(dir).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    let mut s = String::new();
    for (i, c) in h.commits.iter().enumerate() {
        let msg = &c.msg;
        s.push_str(&format!(
            "commit refs/heads/{}\nmark :{}\nauthor CI <{EMAIL}> {t} +0000\ncommitter CI <{EMAIL}> {t} +0000\ndata {}\n{msg}\n",
            c.branch,
            i + 1,
            msg.len(),
            t = c.time,
        ));
        for (k, p) in c.parents.iter().enumerate() {
            s.push_str(&format!(
                "{} :{}\n",
                if k == 0 { "from" } else { "merge" },
                p + 1
            ));
        }
        s.push('\n');
    }
    for (b, c) in &h.branches {
        s.push_str(&format!("reset refs/heads/{b}\nfrom :{}\n\n", c + 1));
    }
    for (b, c) in &h.remotes {
        s.push_str(&format!(
            "reset refs/remotes/origin/{b}\nfrom :{}\n\n",
            c + 1
        ));
    }
    for t in &h.tags {
        if t.annotated {
            let msg = format!("Release {}", t.name);
            s.push_str(&format!(
                "tag {}\nfrom :{}\ntagger CI <{EMAIL}> {} +0000\ndata {}\n{msg}\n",
                t.name,
                t.commit + 1,
                h.commits[t.commit].time + 30,
                msg.len()
            ));
        } else {
            s.push_str(&format!(
                "reset refs/tags/{}\nfrom :{}\n\n",
                t.name,
                t.commit + 1
            ));
        }
    }
    let marks = dir.join(".git/kr-marks");
    let mut c = Command::new("git");
    git_env(&mut c, home);
    let mut child = c
        .arg("-C")
        .arg(dir)
        .args(["fast-import", "--quiet", "--force"])
        .arg(format!("--export-marks={}", marks.display()))
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "git fast-import: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let head = match h.head.strip_prefix("detached:") {
        Some(i) => {
            let mark = format!(":{} ", i.parse::<usize>().unwrap() + 1);
            let marks = std::fs::read_to_string(&marks).unwrap();
            let line = marks.lines().find(|l| l.starts_with(&mark)).unwrap();
            format!("{}\n", &line[mark.len()..])
        }
        None => format!("ref: refs/heads/{}\n", h.head),
    };
    std::fs::write(dir.join(".git/HEAD"), head).unwrap();
    if let Some(o) = origin {
        let mut c = Command::new("git");
        git_env(&mut c, home);
        assert!(
            c.args(["init", "-q", "--bare"])
                .arg(o)
                .status()
                .unwrap()
                .success()
        );
        git(&["remote", "add", "origin", o.to_str().unwrap()]);
    }
}

/// The binary under test: this build, or `BUMP_DIFF_BIN` (to measure another build).
pub(super) fn ours_bin() -> PathBuf {
    std::env::var_os("BUMP_DIFF_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_kubectl-release")))
}

fn read_outputs(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn run_ours(dir: &Path, home: &Path, env: &BTreeMap<String, String>) -> Observed {
    let mut c = Command::new(ours_bin());
    git_env(&mut c, home);
    let out = c
        .arg("bump")
        .current_dir(dir)
        .env("DRY_RUN", "true")
        .envs(env)
        .output()
        .unwrap();
    Observed {
        exit: out.status.code().unwrap_or(-1),
        outputs: if out.status.success() {
            read_outputs(&String::from_utf8_lossy(&out.stdout))
        } else {
            BTreeMap::new()
        },
        trace: BTreeMap::new(),
    }
}

/// Runs the real `entrypoint.sh` in `dir` with DRY_RUN and VERBOSE.
fn run_action(
    entrypoint: &Path,
    dir: &Path,
    home: &Path,
    env: &BTreeMap<String, String>,
) -> Observed {
    let _ = std::fs::remove_file(home.join(".gitconfig"));
    let output = home.join("github_output");
    std::fs::write(&output, "").unwrap();
    let mut env = env.clone();
    if env.get("DEFAULT_BRANCH").map(String::as_str) == Some(UNRELATED) {
        env.insert("DEFAULT_BRANCH".into(), unrelated_root(dir, home));
    }
    let mut c = Command::new("bash");
    git_env(&mut c, home);
    let out = c
        .arg(entrypoint)
        .env("GITHUB_WORKSPACE", dir)
        .env("GITHUB_OUTPUT", &output)
        .env("DRY_RUN", "true")
        .env("VERBOSE", "true")
        .envs(&env)
        .output()
        .unwrap();
    let mut trace = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        for key in ["tag", "tag_commit", "pre_tag", "part", "default_branch"] {
            if let Some(v) = line.strip_prefix(&format!("+ {key}=")) {
                trace.insert(key.to_string(), v.to_string());
            }
        }
        if let Some(rest) = line.strip_prefix("++ semver -i prerelease ") {
            let pre = rest.split(' ').next().unwrap_or("");
            trace.insert("semver_prerelease".into(), pre.to_string());
        }
    }
    Observed {
        exit: out.status.code().unwrap_or(-1),
        outputs: read_outputs(&std::fs::read_to_string(&output).unwrap()),
        trace,
    }
}

/// A root commit that HEAD does not reach (same every time: fixed tree, dates, identity).
fn unrelated_root(dir: &Path, home: &Path) -> String {
    let mut c = Command::new("git");
    git_env(&mut c, home);
    let out = c
        .arg("-C")
        .arg(dir)
        .args([
            "commit-tree",
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
            "-m",
            "unrelated",
        ])
        .envs([
            ("GIT_AUTHOR_NAME", "CI"),
            ("GIT_AUTHOR_EMAIL", EMAIL),
            ("GIT_AUTHOR_DATE", "1600000000 +0000"),
            ("GIT_COMMITTER_NAME", "CI"),
            ("GIT_COMMITTER_EMAIL", EMAIL),
            ("GIT_COMMITTER_DATE", "1600000000 +0000"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

// ---------------------------------------------------------------------------------------
// The generator.

/// splitmix64: small, seeded, the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// Commit messages: untokened, each token (also inside words and in bodies), `#none`,
/// Conventional Commits (tokens when the settings say so) and merge messages.
const MESSAGES: &[(usize, &str)] = &[
    (20, "chore: bump dependencies"),
    (8, "refactor parser"),
    (6, "wip"),
    (6, "docs: readme"),
    (8, "fix: off by one #patch"),
    (4, "perf #patch"),
    (8, "feat: export #minor"),
    (3, "api #minor"),
    (3, "breaking: drop v1 api #major"),
    (1, "the #majority of it"),
    (8, "docs: typo #none"),
    (3, "ci: cache #none"),
    (3, "feat: body token\n\nlonger text #minor"),
    (5, "feat: add login"),
    (5, "fix: crash on start"),
    (2, "BREAKING CHANGE: new config"),
];

fn message(r: &mut Rng) -> String {
    let total: usize = MESSAGES.iter().map(|(w, _)| w).sum();
    let mut x = r.below(total);
    for (w, m) in MESSAGES {
        if x < *w {
            return m.to_string();
        }
        x -= w;
    }
    unreachable!()
}

/// A random history (see the module comment); `seed` decides everything.
fn generate(seed: u64) -> History {
    let mut r = Rng(seed);
    let main = if r.chance(80) { "main" } else { "master" }.to_string();
    // How release tags are named: 0 `v`, 1 bare, 2 bare plus floating `v<major>`,
    // 3 `v` then bare with a major jump, 4 a longer prefix, 5 mixed, 6 none at all.
    let style = match r.below(8) {
        7 => 4, // twice as likely: where prefixed prereleases get counted up
        s => s,
    };
    let long_prefix = *r.pick(&["release-", "app-v"]);
    let suffix = if r.chance(70) { "beta" } else { "rc" };
    let switch_at = 1 + r.below(3);
    let mut h = History {
        commits: Vec::new(),
        branches: BTreeMap::new(),
        remotes: BTreeMap::new(),
        tags: Vec::new(),
        head: main.clone(),
    };
    let mut time = 1_700_000_000 + r.below(1_000_000) as i64;
    let mut commit =
        |h: &mut History, r: &mut Rng, branch: &str, parents: Vec<usize>, msg: String| {
            // Equal commit dates happen (fast scripts, rebases): branch context then orders by name.
            time += (r.below(3) * r.below(4000)) as i64;
            h.commits.push(Commit {
                parents,
                branch: branch.to_string(),
                msg,
                time,
            });
            h.commits.len() - 1
        };
    let first = commit(&mut h, &mut r, &main, vec![], "initial commit".into());
    h.branches.insert(main.clone(), first);
    let mut version = (r.below(3) as u64, r.below(20) as u64, r.below(5) as u64);
    let mut releases = 0;
    let mut unmerged: Vec<String> = Vec::new();
    let mut pre_n: BTreeMap<String, u64> = BTreeMap::new();
    let release_name = |r: &mut Rng, releases: usize, v: (u64, u64, u64)| -> String {
        let p = match style {
            0 => "v",
            1 | 2 => "",
            3 if releases < switch_at => "v",
            3 => "",
            4 => long_prefix,
            _ => *r.pick(&["v", ""]),
        };
        format!("{p}{}.{}.{}", v.0, v.1, v.2)
    };
    let tagged = |h: &History, c: usize| h.tags.iter().any(|t| t.commit == c);
    let add_tag = |h: &mut History, name: String, commit: usize, annotated: bool| {
        if !h.tags.iter().any(|t| t.name == name) {
            h.tags.push(TagDef {
                name,
                commit,
                annotated,
            });
        }
    };
    let steps = 8 + r.below(28);
    for _ in 0..steps {
        let roll = r.below(100);
        let main_tip = h.branches[&main];
        if roll < 33 {
            let m = message(&mut r);
            let c = commit(&mut h, &mut r, &main, vec![main_tip], m);
            h.branches.insert(main.clone(), c);
        } else if roll < 58 {
            // A commit on a branch, new or existing.
            let existing: Vec<String> = unmerged.clone();
            let b = if existing.is_empty() || roll < 40 {
                let name = r
                    .pick(&[
                        "feature/login",
                        "fix-typo",
                        "dev",
                        "release/1.x",
                        "topic",
                        "hotfix",
                        "feature/login",
                        "dev",
                        "topic",
                        "hotfix-2.0.1",
                    ])
                    .to_string();
                let name = if h.branches.contains_key(&name) {
                    format!("{name}-{}", h.commits.len())
                } else {
                    name
                };
                let from = if r.chance(80) {
                    main_tip
                } else {
                    r.below(h.commits.len())
                };
                h.branches.insert(name.clone(), from);
                unmerged.push(name.clone());
                name
            } else {
                r.pick(&existing).clone()
            };
            let tip = h.branches[&b];
            let m = message(&mut r);
            let c = commit(&mut h, &mut r, &b, vec![tip], m);
            h.branches.insert(b, c);
        } else if roll < 68 {
            if unmerged.is_empty() {
                continue;
            }
            let i = r.below(unmerged.len());
            let b = unmerged.remove(i);
            let tip = h.branches[&b];
            let msg = match r.below(4) {
                0 => format!("Merge branch '{b}'"),
                1 => format!("Merge pull request #{} from org/{b}", 10 + r.below(90)),
                2 => format!("Merge {b} #minor"),
                _ => format!("Merge {b}\n\n#none"),
            };
            let c = commit(&mut h, &mut r, &main, vec![main_tip, tip], msg);
            h.branches.insert(main.clone(), c);
        } else if roll < 86 {
            if style == 6 || tagged(&h, main_tip) {
                continue;
            }
            version = match r.below(20) {
                0..=9 => (version.0, version.1, version.2 + 1),
                10..=16 => (version.0, version.1 + 1, 0),
                _ => (version.0 + 1, 0, 0),
            };
            if style == 3 && releases == switch_at {
                version = (version.0 + 5, version.1, version.2);
            }
            let name = release_name(&mut r, releases, version);
            releases += 1;
            let annotated = r.chance(20);
            add_tag(&mut h, name, main_tip, annotated);
        } else {
            // A tag on another branch: mostly a prerelease, sometimes a release.
            if unmerged.is_empty() {
                continue;
            }
            let b = r.pick(&unmerged).clone();
            let tip = h.branches[&b];
            if tagged(&h, tip) {
                continue;
            }
            let name = if r.chance(80) {
                let n = pre_n.entry(b.clone()).or_insert(0);
                let p = if style == 4 {
                    long_prefix
                } else {
                    *r.pick(&["v", "v", ""])
                };
                let s = if r.chance(10) { "alpha" } else { suffix };
                let t = format!("{p}{}.{}.0-{s}.{n}", version.0, version.1 + 1);
                *n += 1;
                t
            } else {
                let major = version.0 + 1 + r.below(4) as u64;
                release_name(&mut r, releases, (major, 0, 0))
            };
            let annotated = r.chance(20);
            add_tag(&mut h, name, tip, annotated);
        }
    }
    if r.chance(60) {
        let tip = h.branches[&main];
        let m = message(&mut r);
        let c = commit(&mut h, &mut r, &main, vec![tip], m);
        h.branches.insert(main.clone(), c);
    }
    // Floating tags on the last release.
    if let Some(last) = h
        .tags
        .iter()
        .rev()
        .find(|t| !t.name.contains('-') || style == 4)
        .cloned()
    {
        if style == 2 || r.chance(20) {
            add_tag(&mut h, format!("v{}", version.0), last.commit, false);
        }
        if r.chance(10) {
            add_tag(&mut h, "latest".into(), last.commit, false);
        }
    }
    // HEAD: the main branch, another branch, or a detached commit; sometimes tagged.
    let others: Vec<String> = h.branches.keys().filter(|b| **b != main).cloned().collect();
    // Branches whose tip has a prerelease tag: where prereleases get counted up.
    let with_pre: Vec<String> = others
        .iter()
        .filter(|b| {
            h.tags
                .iter()
                .any(|t| t.commit == h.branches[*b] && t.name.contains('-'))
        })
        .cloned()
        .collect();
    let roll = r.below(100);
    h.head = if roll < 55 || others.is_empty() {
        main.clone()
    } else if roll < 75 && !with_pre.is_empty() {
        r.pick(&with_pre).clone()
    } else if roll < 93 {
        r.pick(&others).clone()
    } else {
        format!("detached:{}", r.below(h.commits.len()))
    };
    let on_branch = h.head != main && !h.head.starts_with("detached:");
    // Often a prerelease of the next minor version on that branch, then more work on it:
    // what a prerelease run counts up.
    let mut pre_at_tip = false;
    if on_branch && style != 6 && r.chance(50) {
        let tip = h.branches[&h.head];
        let n = pre_n.entry(h.head.clone()).or_insert(0);
        let p = match style {
            4 => long_prefix,
            0 | 3 => "v",
            1 | 2 => "",
            _ => *r.pick(&["v", ""]),
        };
        let name = format!("{p}{}.{}.0-{suffix}.{n}", version.0, version.1 + 1);
        if !tagged(&h, tip) {
            add_tag(&mut h, name, tip, false);
            pre_at_tip = true;
        }
    }
    if on_branch && (pre_at_tip || r.chance(60)) {
        let b = h.head.clone();
        let (tip, m) = (h.branches[&b], message(&mut r));
        let c = commit(&mut h, &mut r, &b, vec![tip], m);
        h.branches.insert(b, c);
    }
    if style != 6 && r.chance(12) {
        let c = match h.head.strip_prefix("detached:") {
            Some(i) => i.parse().unwrap(),
            None => h.branches[&h.head],
        };
        if !tagged(&h, c) {
            version = (version.0, version.1 + 1, 0);
            let name = release_name(&mut r, releases, version);
            add_tag(&mut h, name, c, false);
        }
    }
    // As after a clone: `origin/<branch>` for each branch, rarely one behind.
    if r.chance(90) {
        for (b, c) in &h.branches {
            let c = match &h.commits[*c].parents[..] {
                [p, ..] if r.chance(10) => *p,
                _ => *c,
            };
            h.remotes.insert(b.clone(), c);
        }
    }
    h
}

/// Settings variants recorded per history.
const RUNS_PER_HISTORY: usize = 4;

/// The settings of the runs on the history made from `seed`.
fn generate_envs(seed: u64, h: &History, n: usize) -> Vec<BTreeMap<String, String>> {
    let mut r = Rng(seed ^ 0x5eed);
    (0..n).map(|_| generate_env(&mut r, h)).collect()
}

/// Settings for one run on `h`: the action's variables, each left unset most of the time.
fn generate_env(r: &mut Rng, h: &History) -> BTreeMap<String, String> {
    let main = if h.branches.contains_key("main") {
        "main"
    } else {
        "master"
    };
    let mut e = BTreeMap::new();
    let mut set = |k: &str, v: &str| {
        e.insert(k.to_string(), v.to_string());
    };
    // A longer prefix when the history uses one, else now and then one that matches nothing.
    let long_prefix = h.tags.iter().find_map(|t| {
        ["release-", "app-v"]
            .into_iter()
            .find(|p| t.name.starts_with(p))
    });
    match (r.below(20), long_prefix) {
        (0..=9, Some(p)) => set("TAG_PREFIX", p),
        (0..=5, None) => {}
        (6..=10, _) => set("WITH_V", "true"),
        (11..=12, _) => set("TAG_PREFIX", "v"),
        (13, None) => set("TAG_PREFIX", "release-"),
        (14..=15, _) => {
            set("TAG_PREFIX", "false");
            set("WITH_V", "true");
        }
        (16..=17, _) => set("WITH_V", "false"),
        _ => {}
    }
    if r.chance(45) {
        set(
            "DEFAULT_BUMP",
            r.pick::<&str>(&["major", "minor", "patch", "none"]),
        );
    }
    if r.chance(50) {
        set("TAG_CONTEXT", r.pick::<&str>(&["repo", "branch"]));
    }
    match r.below(10) {
        0 => set("BRANCH_HISTORY", "compare"),
        1 => set("BRANCH_HISTORY", "last"),
        2 => {
            set("BRANCH_HISTORY", "full");
            if r.chance(50) {
                set("DEFAULT_BRANCH", main);
            }
        }
        _ => {}
    }
    // Prereleases matter off the release branches: more often there.
    if r.chance(if h.head == main { 25 } else { 60 }) {
        set("PRERELEASE", "true");
        // Mostly the suffix the history's prereleases use.
        let rc = h.tags.iter().any(|t| t.name.contains("-rc."));
        if rc != r.chance(20) {
            set("PRERELEASE_SUFFIX", "rc");
        }
    }
    if r.chance(15) {
        set(
            "RELEASE_BRANCHES",
            r.pick::<&str>(&["main", "master,main,release/.*", "dev", "master, main"]),
        );
    }
    if r.chance(8) {
        set("FORCE_WITHOUT_CHANGES", "true");
    }
    if r.chance(3) {
        set("CUSTOM_TAG", "release-42");
    }
    if r.chance(8) {
        set("INITIAL_VERSION", "1.0.0");
    }
    if r.chance(10) {
        set("MAJOR_STRING_TOKEN", "BREAKING CHANGE");
        set("MINOR_STRING_TOKEN", "feat:");
        set("PATCH_STRING_TOKEN", "fix:");
    }
    e
}

// ---------------------------------------------------------------------------------------
// The tests.

fn fixture_path() -> PathBuf {
    std::env::var_os("BUMP_ACTION_CASES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/it/fixtures/bump_action_cases.jsonl")
        })
}

fn entrypoint() -> Option<PathBuf> {
    std::env::var_os("GITHUB_TAG_ACTION_ENTRYPOINT")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
}

/// Splits `items` over two threads (the machine has two cores), keeping the order.
fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let half = items.len().div_ceil(2);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(half.max(1))
            .map(|chunk| s.spawn(|| chunk.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

/// Per-run result of the check.
struct Checked {
    id: String,
    env: BTreeMap<String, String>,
    ours: Observed,
    raw: Observed,
    expected: Observed,
    applied: Vec<&'static str>,
    problems: Vec<String>,
}

fn same(a: &Observed, b: &Observed) -> bool {
    (a.exit == 0) == (b.exit == 0) && (a.exit != 0 || a.outputs == b.outputs)
}

fn check_case(case: &Case, live: Option<&Path>) -> Vec<Checked> {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, home, origin) = (
        tmp.path().join("work"),
        tmp.path().join("home"),
        tmp.path().join("origin.git"),
    );
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    build(&case.history, &dir, &home, live.map(|_| origin.as_path()));
    case.runs
        .iter()
        .map(|run| {
            let mut problems = Vec::new();
            if let Some(ep) = live {
                let now = run_action(ep, &dir, &home, &run.env);
                if now != run.action {
                    problems.push(format!(
                        "the action now answers {now:?}, recorded {:?}",
                        run.action
                    ));
                }
                if let (Some(env), Some(rec)) = (
                    adjusted_env(&run.env, &deliberate(&dir, &run.env, &run.action)),
                    &run.action_adjusted,
                ) {
                    let now = run_action(ep, &dir, &home, &env);
                    if now != *rec {
                        problems.push(format!(
                            "the adjusted action now answers {now:?}, recorded {rec:?}"
                        ));
                    }
                }
            }
            let d: Vec<String> = deliberate(&dir, &run.env, &run.action)
                .iter()
                .map(|d| d.name().to_string())
                .collect();
            if d != run.deliberate {
                problems.push(format!(
                    "deliberate differences {d:?}, recorded {:?}",
                    run.deliberate
                ));
            }
            let (expected, applied) = expected(&run.env, run);
            let ours = run_ours(&dir, &home, &run.env);
            if !same(&ours, &expected) {
                problems.push(format!("kubectl-release {ours:?}, expected {expected:?}"));
            }
            Checked {
                id: case.id.clone(),
                env: run.env.clone(),
                ours,
                raw: run.action.clone(),
                expected,
                applied,
                problems,
            }
        })
        .collect()
}

#[test]
fn matches_github_tag_action_on_generated_histories() {
    let path = fixture_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cases: Vec<Case> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("fixture line"))
        .collect();
    assert!(!cases.is_empty(), "no cases in {}", path.display());
    let live = entrypoint();
    let results: Vec<Checked> = parallel(&cases, |c| check_case(c, live.as_deref()))
        .into_iter()
        .flatten()
        .collect();

    // Figures: how often kubectl-release differs from the raw action, and why.
    let mut by_class: BTreeMap<String, usize> = BTreeMap::new();
    let mut differ = 0;
    for r in &results {
        if !same(&r.ours, &r.raw) {
            differ += 1;
            let key = if !r.problems.is_empty() {
                "unexplained".to_string()
            } else {
                r.applied.join("+")
            };
            *by_class.entry(key).or_default() += 1;
        }
    }
    let failures: Vec<String> = results
        .iter()
        .filter(|r| !r.problems.is_empty())
        .map(|r| {
            format!(
                "{} {:?}\n  raw action: {:?}\n  {}",
                r.id,
                r.env,
                r.raw,
                r.problems.join("\n  ")
            )
        })
        .collect();
    let action_failed = results.iter().filter(|r| r.raw.exit != 0).count();
    let expected_differs = results
        .iter()
        .filter(|r| !same(&r.expected, &r.raw))
        .count();
    println!(
        "bump vs github-tag-action: {} histories, {} runs ({} where the action fails){}; the deliberate differences change {expected_differs} answers; kubectl-release differs from the raw action in {differ}: {by_class:?}; {} runs failing the check",
        cases.len(),
        results.len(),
        action_failed,
        if live.is_some() {
            ", action run live"
        } else {
            ""
        },
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} runs:\n{}",
        failures.len(),
        results.len(),
        failures.join("\n")
    );
}

/// Records a new fixture with the real action: `scripts/bump-action-cases.sh`.
#[test]
#[ignore = "needs github-tag-action's entrypoint.sh (GITHUB_TAG_ACTION_ENTRYPOINT) and npm's semver"]
fn record_github_tag_action_cases() {
    let ep = entrypoint().expect("set GITHUB_TAG_ACTION_ENTRYPOINT to the action's entrypoint.sh");
    let seed: u64 = std::env::var("BUMP_ACTION_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(9);
    let histories: u64 = std::env::var("BUMP_ACTION_HISTORIES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    let seeds: Vec<u64> = (0..histories)
        .map(|i| Rng(seed.wrapping_mul(1_000_003).wrapping_add(i)).next())
        .collect();
    let cases: Vec<Case> = parallel(&seeds, |&s| {
        let history = generate(s);
        let tmp = tempfile::tempdir().unwrap();
        let (dir, home) = (tmp.path().join("work"), tmp.path().join("home"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        build(&history, &dir, &home, Some(&tmp.path().join("origin.git")));
        let runs = generate_envs(s, &history, RUNS_PER_HISTORY)
            .into_iter()
            .map(|env| {
                let action = run_action(&ep, &dir, &home, &env);
                let d = deliberate(&dir, &env, &action);
                let action_adjusted =
                    adjusted_env(&env, &d).map(|e| run_action(&ep, &dir, &home, &e));
                Run {
                    env,
                    action,
                    deliberate: d.iter().map(|d| d.name().to_string()).collect(),
                    action_adjusted,
                }
            })
            .collect();
        Case {
            id: format!("{seed}-{s:016x}"),
            seed: s,
            history,
            runs,
        }
    });
    let mut text = String::new();
    for c in &cases {
        text.push_str(&serde_json::to_string(c).unwrap());
        text.push('\n');
    }
    let path = fixture_path();
    std::fs::write(&path, text).unwrap();
    let runs: usize = cases.iter().map(|c| c.runs.len()).sum();
    println!(
        "recorded {} histories, {runs} runs into {}",
        cases.len(),
        path.display()
    );
}

/// The recorded cases are what the generator makes from their seeds.
#[test]
fn fixture_is_what_the_generator_makes() {
    let text = std::fs::read_to_string(fixture_path()).unwrap();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Case = serde_json::from_str(line).unwrap();
        assert_eq!(generate(case.seed), case.history, "{}", case.id);
        let envs: Vec<_> = case.runs.iter().map(|r| r.env.clone()).collect();
        assert_eq!(
            generate_envs(case.seed, &case.history, envs.len()),
            envs,
            "{}",
            case.id
        );
    }
    assert_ne!(generate(7), generate(8));
}
