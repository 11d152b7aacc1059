//! The layout keeps the architecture: the renderer's modules import each other
//! without a circle (the walk on top, transformers below), and the pure core
//! modules do no I/O through the edges.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `module -> modules of the same parent it refers to` (comments ignored).
fn imports(dir: &Path, parent: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut names = BTreeSet::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "rs") {
            names.insert(p.file_stem().unwrap().to_string_lossy().into_owned());
        }
    }
    let word = regex::Regex::new(r"[a-z_]+").unwrap();
    let mut out = BTreeMap::new();
    for n in &names {
        let text = std::fs::read_to_string(dir.join(format!("{n}.rs"))).unwrap();
        // The module's own code: up to its unit tests.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let mut deps = BTreeSet::new();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for prefix in ["super::", &format!("crate::{parent}::")] {
                for (i, _) in line.match_indices(prefix) {
                    let rest = &line[i + prefix.len()..];
                    let rest = rest.strip_prefix('{').unwrap_or(rest);
                    for m in word.find_iter(rest.split(['}', ';', '(']).next().unwrap_or("")) {
                        if names.contains(m.as_str()) && m.as_str() != n && m.as_str() != "mod" {
                            deps.insert(m.as_str().to_string());
                        }
                    }
                }
            }
        }
        out.insert(n.clone(), deps);
    }
    out
}

/// A cycle in `graph`, if any (as a path).
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == n) {
            let mut c = stack[i..].to_vec();
            c.push(n.to_string());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_string());
        for d in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(d, g, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn render_modules_import_each_other_without_a_circle() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render");
    let g = imports(&dir, "render");
    assert!(
        g["build"].contains("level"),
        "the walk calls the level: {g:?}"
    );
    assert!(g["level"].contains("transform"));
    if let Some(c) = cycle(&g) {
        panic!("src/render modules import in a circle: {}", c.join(" -> "));
    }
}

#[test]
fn release_and_repo_modules_import_each_other_without_a_circle() {
    for (dir, parent) in [
        ("src/release", "release"),
        ("src/repo", "repo"),
        ("src/cluster", "cluster"),
    ] {
        let g = imports(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), parent);
        if let Some(c) = cycle(&g) {
            panic!("{dir} modules import in a circle: {}", c.join(" -> "));
        }
    }
}

/// The pure modules touch no file, process, network or cluster: the edges do.
#[test]
fn the_core_does_no_io() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let forbidden = [
        "std::fs::",
        "std::process",
        "std::net",
        "tokio::",
        "reqwest",
        "kube::",
        "Command::new",
        "std::env::var",
    ];
    for file in [
        "src/patch.rs",
        "src/diff.rs",
        "src/repo/version.rs",
        "src/image/policy.rs",
        "src/release/rollout.rs",
        "src/release/plan.rs",
        "src/argocd/cmp.rs",
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for f in forbidden {
            assert!(!code.contains(f), "{file} is pure but uses {f}");
        }
    }
}
