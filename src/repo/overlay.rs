//! Editing overlay and config files in place, byte for byte except the changed value.
//!
//! The edit is computed on the text (pure), located through the YAML parser's
//! source spans, so comments, key order, quoting, indentation and blank lines
//! stay exactly as they were. Writing is atomic (temp file + rename).

use std::path::{Path, PathBuf};

use granit_parser::{Event, Parser, ScalarStyle};
use serde_json::Value;

pub use crate::image::Target;
use crate::patch::{self, Change};
use crate::render::yaml::resolve_plain;

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("{file}:{line}:{column}: {message}")]
    Yaml {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}:{line}: {message}")]
    Unsupported {
        file: String,
        line: usize,
        message: String,
    },
    #[error("writing {file}: {message}")]
    Write { file: String, message: String },
}

/// A YAML node with its source span (byte offsets), for in-place edits.
#[derive(Debug, Clone)]
pub struct Node {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub col: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Scalar {
        value: String,
        style: ScalarStyle,
    },
    Seq {
        items: Vec<Node>,
        flow: bool,
    },
    Map {
        entries: Vec<(Node, Node)>,
        flow: bool,
    },
    Alias,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map { entries, .. } => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Parses every document of a YAML text into located nodes.
pub fn parse_located(text: &str, file: &str) -> Result<Vec<Node>, EditError> {
    let mut p = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let byte = |m: &granit_parser::Marker| -> usize {
        m.byte_offset().unwrap_or_else(|| {
            text.char_indices()
                .nth(m.index())
                .map(|(b, _)| b)
                .unwrap_or(text.len())
        })
    };
    let mut stack: Vec<(Node, Option<Node>)> = Vec::new();
    let err = |line: usize, column: usize, message: String| EditError::Yaml {
        file: file.to_string(),
        line,
        column,
        message,
    };
    loop {
        let (ev, span) = match p.next_event() {
            None => break,
            Some(Err(e)) => return Err(err(e.marker().line(), e.marker().col() + 1, e.info())),
            Some(Ok(x)) => x,
        };
        let (start, end) = (byte(&span.start), byte(&span.end));
        let (line, col) = (span.start.line(), span.start.col());
        let node = match ev {
            Event::Scalar(v, style, ..) => Some(Node {
                start,
                end,
                line,
                col,
                kind: Kind::Scalar {
                    value: v.into_owned(),
                    style,
                },
            }),
            Event::Alias(_) => Some(Node {
                start,
                end,
                line,
                col,
                kind: Kind::Alias,
            }),
            Event::SequenceStart(style, ..) => {
                stack.push((
                    Node {
                        start,
                        end,
                        line,
                        col,
                        kind: Kind::Seq {
                            items: Vec::new(),
                            flow: style == granit_parser::StructureStyle::Flow,
                        },
                    },
                    None,
                ));
                None
            }
            Event::MappingStart(style, ..) => {
                stack.push((
                    Node {
                        start,
                        end,
                        line,
                        col,
                        kind: Kind::Map {
                            entries: Vec::new(),
                            flow: style == granit_parser::StructureStyle::Flow,
                        },
                    },
                    None,
                ));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (mut n, _) = stack
                    .pop()
                    .ok_or_else(|| err(line, col + 1, "unbalanced YAML".into()))?;
                n.end = end;
                Some(n)
            }
            Event::DocumentEnd
            | Event::DocumentStart(..)
            | Event::StreamStart
            | Event::StreamEnd => None,
            _ => None,
        };
        let Some(node) = node else { continue };
        match stack.last_mut() {
            None => docs.push(node),
            Some((parent, pending_key)) => match &mut parent.kind {
                Kind::Seq { items, .. } => items.push(node),
                Kind::Map { entries, .. } => match pending_key.take() {
                    None => *pending_key = Some(node),
                    Some(k) => entries.push((k, node)),
                },
                _ => {}
            },
        }
    }
    Ok(docs)
}

/// Formats a string as a YAML scalar in the style the old value used, quoting
/// a plain value that YAML would read as something other than a string.
pub fn format_scalar(value: &str, old: Option<ScalarStyle>) -> String {
    // A plain date is a timestamp to yaml.v3 (in a resource file kustomize prints
    // `2024-01-15T00:00:00Z`); kustomization fields are read as strings, but a
    // date-like tag is quoted wherever it is written, so every reader agrees.
    let needs_quotes = !matches!(resolve_plain(value), Value::String(_))
        || crate::render::yaml::go_timestamp(value).is_some()
        || value.is_empty()
        || value.contains(": ")
        || value.contains(" #")
        || value.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c))
        || value.ends_with(':')
        || value.trim() != value;
    match old {
        Some(ScalarStyle::SingleQuoted) => format!("'{}'", value.replace('\'', "''")),
        Some(ScalarStyle::DoubleQuoted) => serde_json::to_string(value).unwrap_or_default(),
        _ if needs_quotes => serde_json::to_string(value).unwrap_or_default(),
        _ => value.to_string(),
    }
}

/// One text edit: replace `start..end` with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Applies splices (non-overlapping) to a text.
pub fn apply_splices(text: &str, splices: &[Splice]) -> String {
    let mut sorted: Vec<&Splice> = splices.iter().collect();
    sorted.sort_by_key(|s| s.start);
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for s in sorted {
        out.push_str(&text[at..s.start]);
        out.push_str(&s.text);
        at = s.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A computed edit of one file.
#[derive(Debug, Clone)]
pub struct FileEdit {
    pub file: PathBuf,
    pub before: String,
    pub after: String,
    /// The change as RFC 6902 operations on document `doc` of the file.
    pub doc: usize,
    pub changes: Vec<Change>,
    /// The image reference before and after, for messages.
    pub old_ref: String,
    pub new_ref: String,
}

fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map(|i| i + 1).unwrap_or(0)
}

fn line_end_after(text: &str, pos: usize) -> usize {
    match text[pos..].find('\n') {
        Some(i) => pos + i + 1,
        None => text.len(),
    }
}

/// The indentation block sequences use in this file (`key:\n  - x` is 2, `key:\n- x` is 0).
fn sequence_indent(doc: &Node) -> usize {
    if let Kind::Map { entries, .. } = &doc.kind {
        for (k, v) in entries {
            if let Kind::Seq { items, flow: false } = &v.kind
                && let Some(first) = items.first()
            {
                return first.col.saturating_sub(2).saturating_sub(k.col);
            }
        }
    }
    0
}

/// Sets the image in the kustomization's `images:` entry for `name` (matched by
/// `name` or `newName`), or adds an entry. Returns `None` when the kustomization
/// has no entry and `add_if_missing` is false.
pub fn edit_kustomization_images(
    text: &str,
    file: &Path,
    name: &str,
    target: &Target,
    add_if_missing: bool,
) -> Result<Option<FileEdit>, EditError> {
    let shown = crate::render::fs::shown(file);
    let docs = parse_located(text, &shown)?;
    let Some(doc) = docs.first() else {
        return Err(EditError::Unsupported {
            file: shown,
            line: 1,
            message: "the kustomization is empty".into(),
        });
    };
    let images = doc.get("images");
    if let Some(images_node) = images {
        let Kind::Seq { items, .. } = &images_node.kind else {
            return Err(EditError::Unsupported {
                file: shown,
                line: images_node.line,
                message: "`images:` is not a list".into(),
            });
        };
        for (idx, entry) in items.iter().enumerate() {
            let matches = entry.get("name").and_then(Node::as_str) == Some(name)
                || entry.get("newName").and_then(Node::as_str) == Some(name);
            if !matches {
                continue;
            }
            let Kind::Map {
                flow: entry_flow,
                entries,
            } = &entry.kind
            else {
                continue;
            };
            let entry_name = entry
                .get("name")
                .and_then(Node::as_str)
                .unwrap_or(name)
                .to_string();
            let shown_name = entry
                .get("newName")
                .and_then(Node::as_str)
                .unwrap_or(&entry_name)
                .to_string();
            let old_tag = entry
                .get("newTag")
                .and_then(Node::as_str)
                .map(str::to_string);
            let old_digest = entry
                .get("digest")
                .and_then(Node::as_str)
                .map(str::to_string);
            let mut old_ref = shown_name.clone();
            if let Some(t) = &old_tag {
                old_ref.push_str(&format!(":{t}"));
            }
            if let Some(d) = &old_digest {
                old_ref.push_str(&format!("@{d}"));
            }
            let (key, value, remove) = match target {
                Target::Tag(t) => ("newTag", t.clone(), old_digest.as_ref().map(|_| "digest")),
                Target::Digest(d) => ("digest", d.clone(), None),
            };
            let mut new_ref = shown_name.clone();
            match target {
                Target::Tag(t) => new_ref.push_str(&format!(":{t}")),
                Target::Digest(d) => {
                    if let Some(t) = &old_tag {
                        new_ref.push_str(&format!(":{t}"));
                    }
                    new_ref.push_str(&format!("@{d}"));
                }
            }
            let base = format!("/images/{idx}");
            let mut splices = Vec::new();
            let mut changes = Vec::new();
            match entry.get(key) {
                Some(v) => {
                    let style = match &v.kind {
                        Kind::Scalar { style, .. } => Some(*style),
                        _ => None,
                    };
                    let old = v.as_str().unwrap_or("").to_string();
                    if old == value && remove.is_none() {
                        return Ok(Some(FileEdit {
                            file: file.to_path_buf(),
                            before: text.to_string(),
                            after: text.to_string(),
                            doc: 0,
                            changes: Vec::new(),
                            old_ref,
                            new_ref,
                        }));
                    }
                    splices.push(Splice {
                        start: v.start,
                        end: v.end,
                        text: format_scalar(&value, style),
                    });
                    changes.push(Change::replace(
                        format!("{base}/{key}"),
                        Value::String(old),
                        Value::String(value.clone()),
                    ));
                }
                None => {
                    if *entry_flow {
                        // `{name: x}` -> `{name: x, newTag: y}`
                        let close = entry.end.saturating_sub(1);
                        splices.push(Splice {
                            start: close,
                            end: close,
                            text: format!(", {key}: {}", format_scalar(&value, None)),
                        });
                    } else {
                        let indent = entries.first().map(|(k, _)| k.col).unwrap_or(2);
                        let last_end = entries.last().map(|(_, v)| v.end).unwrap_or(entry.end);
                        let at = line_end_after(
                            text,
                            last_end
                                .saturating_sub(1)
                                .max(entries.last().map(|(_, v)| v.start).unwrap_or(0)),
                        );
                        let prefix = if at == text.len() && !text.ends_with('\n') {
                            "\n"
                        } else {
                            ""
                        };
                        splices.push(Splice {
                            start: at,
                            end: at,
                            text: format!(
                                "{prefix}{}{key}: {}\n",
                                " ".repeat(indent),
                                format_scalar(&value, None)
                            ),
                        });
                    }
                    changes.push(Change::add(
                        format!("{base}/{key}"),
                        Value::String(value.clone()),
                    ));
                }
            }
            if let Some(rk) = remove
                && let Some((k, v)) = entries.iter().find(|(k, _)| k.as_str() == Some(rk))
            {
                if *entry_flow || k.line != v.line {
                    return Err(EditError::Unsupported {
                        file: shown,
                        line: k.line,
                        message: format!(
                            "cannot remove `{rk}` from this images entry automatically; remove it by hand"
                        ),
                    });
                }
                let s = line_start(text, k.start);
                let e = line_end_after(text, v.end.saturating_sub(1).max(v.start));
                splices.push(Splice {
                    start: s,
                    end: e,
                    text: String::new(),
                });
                changes.push(Change {
                    path: format!("{base}/{rk}"),
                    old: Some(Value::String(v.as_str().unwrap_or("").to_string())),
                    new: None,
                });
            }
            let after = apply_splices(text, &splices);
            return Ok(Some(FileEdit {
                file: file.to_path_buf(),
                before: text.to_string(),
                after,
                doc: 0,
                changes,
                old_ref,
                new_ref,
            }));
        }
    }
    if !add_if_missing {
        return Ok(None);
    }
    // No entry: add one (and the `images:` key if needed), in the file's own sequence style.
    let seq_indent = sequence_indent(doc);
    let key = match target {
        Target::Tag(_) => "newTag",
        Target::Digest(_) => "digest",
    };
    let value = match target {
        Target::Tag(t) | Target::Digest(t) => t.clone(),
    };
    let item_pad = " ".repeat(seq_indent);
    let entry_text = format!(
        "{item_pad}- name: {}\n{item_pad}  {key}: {}\n",
        format_scalar(name, None),
        format_scalar(&value, None)
    );
    let (splice, index) = match images.map(|n| (n, &n.kind)) {
        Some((n, Kind::Seq { items, flow: false })) => {
            let last_end = items.last().map(|i| i.end).unwrap_or(n.end);
            let at = line_end_after(text, last_end.saturating_sub(1));
            let prefix = if at == text.len() && !text.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            (
                Splice {
                    start: at,
                    end: at,
                    text: format!("{prefix}{entry_text}"),
                },
                items.len(),
            )
        }
        Some((n, _)) => {
            return Err(EditError::Unsupported {
                file: shown,
                line: n.line,
                message: "`images:` is written in flow style; add the entry by hand".into(),
            });
        }
        None => {
            let prefix = if text.is_empty() || text.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            (
                Splice {
                    start: text.len(),
                    end: text.len(),
                    text: format!("{prefix}images:\n{entry_text}"),
                },
                0,
            )
        }
    };
    let after = apply_splices(text, &[splice]);
    let mut entry = serde_json::Map::new();
    entry.insert("name".into(), Value::String(name.to_string()));
    entry.insert(key.into(), Value::String(value.clone()));
    let changes = if images.is_some() {
        vec![Change::add(
            format!("/images/{index}"),
            Value::Object(entry),
        )]
    } else {
        vec![Change::add(
            "/images",
            Value::Array(vec![Value::Object(entry)]),
        )]
    };
    let new_ref = match target {
        Target::Tag(t) => format!("{name}:{t}"),
        Target::Digest(d) => format!("{name}@{d}"),
    };
    Ok(Some(FileEdit {
        file: file.to_path_buf(),
        before: text.to_string(),
        after,
        doc: 0,
        changes,
        old_ref: name.to_string(),
        new_ref,
    }))
}

/// The `ignoreTags` expression that pins out exactly `tag`.
pub fn pinned_tag_pattern(tag: &str) -> String {
    format!("^{}$", regex::escape(tag))
}

/// Pins `tag` of image `name` out of environment `env` in the release config
/// (`kubectl-release.yaml`): an `ignoreTags` entry that matches exactly it, in the
/// image's policy entry (created when the environment has none), so `--resolve`,
/// the webhook and automated bumps never pick it again until someone removes it.
/// The edit is in place: every other byte stays. `None` when already pinned out.
///
/// # Errors
/// A config this edit cannot place the entry in (flow-style lists of entries, a
/// missing environment).
pub fn pin_out(
    text: &str,
    file: &str,
    env: &str,
    name: &str,
    tag: &str,
    note: &str,
) -> Result<Option<String>, EditError> {
    let docs = parse_located(text, file)?;
    let unsupported = |line: usize, message: String| EditError::Unsupported {
        file: file.to_string(),
        line,
        message,
    };
    let Some(env_node) = docs
        .first()
        .and_then(|d| d.get("environments"))
        .and_then(|e| e.get(env))
    else {
        return Err(unsupported(
            1,
            format!("no environment {env:?} to pin a tag out of"),
        ));
    };
    let Kind::Map {
        entries: env_entries,
        flow: false,
    } = &env_node.kind
    else {
        return Err(unsupported(
            env_node.line,
            format!("environment {env:?} is not a block mapping"),
        ));
    };
    let pattern = pinned_tag_pattern(tag);
    let quoted = serde_json::to_string(&pattern).unwrap_or_default();
    let comment = format!("  # {}", note.replace('\n', " "));
    // The start of the line after `node`'s last line.
    let after = |node: &Node| -> (usize, &'static str) {
        let at = line_end_after(text, node.end.saturating_sub(1).max(node.start));
        let prefix = if at == text.len() && !text.ends_with('\n') {
            "\n"
        } else {
            ""
        };
        (at, prefix)
    };
    let insert = |at: usize, piece: String| {
        Some(apply_splices(
            text,
            &[Splice {
                start: at,
                end: at,
                text: piece,
            }],
        ))
    };
    let env_key_col = env_entries.first().map(|(k, _)| k.col).unwrap_or(4);
    let images = env_entries
        .iter()
        .find(|(k, _)| k.as_str() == Some("images"));
    let Some((images_key, images_node)) = images else {
        let last = env_entries.last().map(|(_, v)| v).unwrap_or(env_node);
        let (at, prefix) = after(last);
        let pad = " ".repeat(env_key_col);
        return Ok(insert(
            at,
            format!(
                "{prefix}{pad}images:\n{pad}  - name: {}\n{pad}    ignoreTags: [{quoted}]{comment}\n",
                format_scalar(name, None)
            ),
        ));
    };
    let Kind::Seq { items, flow: false } = &images_node.kind else {
        return Err(unsupported(
            images_key.line,
            format!(
                "`images:` of environment {env:?} is not a block list; add `ignoreTags: [{quoted}]` to {name} by hand"
            ),
        ));
    };
    let Some(entry) = items
        .iter()
        .find(|i| i.get("name").and_then(Node::as_str) == Some(name))
    else {
        let item_col = items
            .first()
            .map(|i| i.col.saturating_sub(2))
            .unwrap_or(images_key.col + 2);
        let (at, prefix) = after(items.last().unwrap_or(images_node));
        let pad = " ".repeat(item_col);
        return Ok(insert(
            at,
            format!(
                "{prefix}{pad}- name: {}\n{pad}  ignoreTags: [{quoted}]{comment}\n",
                format_scalar(name, None)
            ),
        ));
    };
    let Kind::Map {
        entries,
        flow: false,
    } = &entry.kind
    else {
        return Err(unsupported(
            entry.line,
            format!(
                "the images entry of {name} is not a block mapping; add `ignoreTags: [{quoted}]` by hand"
            ),
        ));
    };
    let key_col = entries.first().map(|(k, _)| k.col).unwrap_or(entry.col);
    match entries
        .iter()
        .find(|(k, _)| k.as_str() == Some("ignoreTags"))
    {
        Some((_, v)) if matches!(&v.kind, Kind::Seq { items, .. } if items.iter().any(|i| i.as_str() == Some(pattern.as_str()))) => {
            Ok(None)
        }
        Some((
            _,
            v @ Node {
                kind: Kind::Seq { items, flow: true },
                ..
            },
        )) => {
            let close = v.end.saturating_sub(1);
            let sep = if items.is_empty() { "" } else { ", " };
            Ok(insert(close, format!("{sep}{quoted}")))
        }
        Some((
            k,
            v @ Node {
                kind: Kind::Seq { items, flow: false },
                ..
            },
        )) => {
            let item_col = items
                .first()
                .map(|i| i.col.saturating_sub(2))
                .unwrap_or(k.col);
            let (at, prefix) = after(items.last().unwrap_or(v));
            Ok(insert(
                at,
                format!("{prefix}{}- {quoted}{comment}\n", " ".repeat(item_col)),
            ))
        }
        Some((k, _)) => Err(unsupported(
            k.line,
            format!("`ignoreTags` of {name} is not a list"),
        )),
        None => {
            let last = entries.last().map(|(_, v)| v).unwrap_or(entry);
            let (at, prefix) = after(last);
            Ok(insert(
                at,
                format!(
                    "{prefix}{}ignoreTags: [{quoted}]{comment}\n",
                    " ".repeat(key_col)
                ),
            ))
        }
    }
}

/// Sets `image:` fields whose image is `name` in a resource or patch file.
/// Returns `None` when the file has no such field.
pub fn edit_image_fields(
    text: &str,
    file: &Path,
    name: &str,
    target: &Target,
) -> Result<Option<FileEdit>, EditError> {
    let shown = crate::render::fs::shown(file);
    let docs = parse_located(text, &shown)?;
    let mut splices = Vec::new();
    let mut changes = Vec::new();
    let mut found_doc = None;
    let mut old_ref = String::new();
    let mut new_ref = String::new();
    for (d, doc) in docs.iter().enumerate() {
        let mut hits = Vec::new();
        collect_image_fields(doc, String::new(), name, &mut hits);
        for (ptr, node) in hits {
            if found_doc.is_some_and(|f| f != d) {
                return Err(EditError::Unsupported {
                    file: shown,
                    line: node.line,
                    message: format!(
                        "{name} is set in several documents of this file; set it once (an `images:` entry) or edit by hand"
                    ),
                });
            }
            found_doc = Some(d);
            let old = node.as_str().unwrap_or("").to_string();
            let new = match target {
                Target::Tag(t) => format!("{name}:{t}"),
                Target::Digest(dg) => format!("{name}@{dg}"),
            };
            let style = match &node.kind {
                Kind::Scalar { style, .. } => Some(*style),
                _ => None,
            };
            old_ref = old.clone();
            new_ref = new.clone();
            if old != new {
                splices.push(Splice {
                    start: node.start,
                    end: node.end,
                    text: format_scalar(&new, style),
                });
                changes.push(Change::replace(ptr, Value::String(old), Value::String(new)));
            }
        }
    }
    let Some(doc) = found_doc else {
        return Ok(None);
    };
    Ok(Some(FileEdit {
        file: file.to_path_buf(),
        before: text.to_string(),
        after: apply_splices(text, &splices),
        doc,
        changes,
        old_ref,
        new_ref,
    }))
}

fn collect_image_fields<'a>(
    n: &'a Node,
    ptr: String,
    name: &str,
    out: &mut Vec<(String, &'a Node)>,
) {
    match &n.kind {
        Kind::Map { entries, .. } => {
            for (k, v) in entries {
                let Some(key) = k.as_str() else { continue };
                let p = format!("{ptr}/{}", patch::escape(key));
                if key == "image"
                    && let Some(s) = v.as_str()
                    && crate::image::name_of(s) == name
                {
                    out.push((p, v));
                    continue;
                }
                collect_image_fields(v, p, name, out);
            }
        }
        Kind::Seq { items, .. } => {
            for (i, item) in items.iter().enumerate() {
                collect_image_fields(item, format!("{ptr}/{i}"), name, out);
            }
        }
        _ => {}
    }
}

/// Writes a file atomically: a temp file in the same directory, then rename.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), EditError> {
    let err = |e: std::io::Error| EditError::Write {
        file: crate::render::fs::shown(path),
        message: e.to_string(),
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.kubectl-release-{}", std::process::id()));
    std::fs::write(&tmp, text).map_err(err)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        err(e)
    })
}

/// A unified diff of an edit, for `--dry-run` and logs.
pub fn unified_diff(edit: &FileEdit, label: &str) -> String {
    similar::TextDiff::from_lines(&edit.before, &edit.after)
        .unified_diff()
        .context_radius(2)
        .header(&format!("a/{label}"), &format!("b/{label}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: &str = "# prod overlay\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base   # the base\n\nimages:\n  # api is bumped by CI\n  - name: ghcr.io/acme/api\n    newTag: \"v1.3.0\"  # keep quoted\n  - name: ghcr.io/acme/web\n    newTag: v2.0.1\n";

    fn only_changed_lines(before: &str, after: &str) -> Vec<(String, String)> {
        before
            .lines()
            .zip(after.lines())
            .filter(|(a, b)| a != b)
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn replaces_only_the_value_keeping_quotes_and_comments() {
        let e = edit_kustomization_images(
            K,
            Path::new("k.yaml"),
            "ghcr.io/acme/api",
            &Target::Tag("v1.4.0".into()),
            true,
        )
        .unwrap()
        .unwrap();
        assert_eq!(e.before.lines().count(), e.after.lines().count());
        assert_eq!(
            only_changed_lines(&e.before, &e.after),
            [(
                "    newTag: \"v1.3.0\"  # keep quoted".to_string(),
                "    newTag: \"v1.4.0\"  # keep quoted".to_string()
            )]
        );
        assert_eq!(e.old_ref, "ghcr.io/acme/api:v1.3.0");
        assert_eq!(e.new_ref, "ghcr.io/acme/api:v1.4.0");
        assert_eq!(patch::guarded(&e.changes)[0]["op"], "test");
    }

    #[test]
    fn numeric_looking_tags_are_quoted() {
        let e = edit_kustomization_images(
            K,
            Path::new("k.yaml"),
            "ghcr.io/acme/web",
            &Target::Tag("2.10".into()),
            true,
        )
        .unwrap()
        .unwrap();
        assert!(e.after.contains("    newTag: \"2.10\"\n"), "{}", e.after);
    }

    #[test]
    fn adds_entry_in_the_files_sequence_style() {
        let e = edit_kustomization_images(
            K,
            Path::new("k.yaml"),
            "ghcr.io/acme/worker",
            &Target::Tag("v1".into()),
            true,
        )
        .unwrap()
        .unwrap();
        assert!(
            e.after
                .ends_with("    newTag: v2.0.1\n  - name: ghcr.io/acme/worker\n    newTag: v1\n"),
            "{}",
            e.after
        );
        let k2 = "resources:\n- a.yaml\n";
        let e = edit_kustomization_images(
            k2,
            Path::new("k.yaml"),
            "nginx",
            &Target::Tag("1.27".into()),
            true,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            e.after,
            "resources:\n- a.yaml\nimages:\n- name: nginx\n  newTag: \"1.27\"\n"
        );
    }

    #[test]
    fn adds_missing_key_to_an_entry_and_drops_a_digest() {
        let k = "images:\n- name: api\n  newName: ghcr.io/acme/api\n  digest: sha256:aaa\n";
        let e = edit_kustomization_images(
            k,
            Path::new("k.yaml"),
            "api",
            &Target::Tag("v9".into()),
            true,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            e.after,
            "images:\n- name: api\n  newName: ghcr.io/acme/api\n  newTag: v9\n"
        );
    }

    fn pinned(text: &str) -> String {
        pin_out(
            text,
            "k.yaml",
            "prod",
            "ghcr.io/acme/api",
            "v1.6.0",
            "failed its gates",
        )
        .unwrap()
        .expect("a change")
    }

    /// The bad tag is pinned out in place, whatever shape the entry has, and the
    /// policy then skips it.
    #[test]
    fn pin_out_a_tag_in_every_shape_of_config() {
        let pat = r#""^v1\\.6\\.0$""#;
        let head = "environments:\n  prod:\n    path: envs/prod  # the overlay\n";
        // An entry with a block ignoreTags list: one line more, nothing else.
        let t = format!(
            "{head}    images:\n      - name: ghcr.io/acme/api\n        policy: \"^1\"\n        ignoreTags:\n          - \"-rc\"\n    gates:\n      soak: 5s\n"
        );
        assert_eq!(
            pinned(&t),
            t.replace(
                "          - \"-rc\"\n",
                &format!("          - \"-rc\"\n          - {pat}  # failed its gates\n")
            )
        );
        // A flow list, an empty one, no list, no entry, no images at all.
        let t = format!(
            "{head}    images:\n      - name: ghcr.io/acme/api\n        ignoreTags: [\"-rc\"]\n"
        );
        assert!(pinned(&t).contains(&format!("ignoreTags: [\"-rc\", {pat}]\n")));
        let t =
            format!("{head}    images:\n      - name: ghcr.io/acme/api\n        ignoreTags: []\n");
        assert!(pinned(&t).contains(&format!("ignoreTags: [{pat}]\n")));
        let t =
            format!("{head}    images:\n      - name: ghcr.io/acme/api\n        policy: \"^1\"\n");
        assert_eq!(
            pinned(&t),
            format!("{t}        ignoreTags: [{pat}]  # failed its gates\n")
        );
        let t = format!("{head}    images:\n    - name: ghcr.io/acme/web\n");
        assert_eq!(
            pinned(&t),
            format!(
                "{t}    - name: ghcr.io/acme/api\n      ignoreTags: [{pat}]  # failed its gates\n"
            )
        );
        let t = format!("{head}    cluster:\n      namespace: acme\n");
        let out = pinned(&t);
        assert!(out.starts_with(&t), "appended, nothing else touched: {out}");
        for text in [
            out,
            pinned(&format!(
                "{head}    images:\n      - name: ghcr.io/acme/api\n        ignoreTags: [\"-rc\"]\n"
            )),
        ] {
            let cfg = crate::repo::config::ReleaseConfig::parse(&text, "k.yaml").unwrap();
            let policy = cfg.environments["prod"]
                .image("ghcr.io/acme/api")
                .unwrap()
                .compile(None)
                .unwrap();
            let tags: Vec<String> = ["v1.5.0", "v1.6.0"].iter().map(|t| t.to_string()).collect();
            assert_eq!(
                policy.select("ghcr.io/acme/api", None, &tags).unwrap(),
                "v1.5.0",
                "{text}"
            );
        }
        // Twice: already pinned out.
        let t = format!(
            "{head}    images:\n      - name: ghcr.io/acme/api\n        ignoreTags: [{pat}]\n"
        );
        assert_eq!(
            pin_out(&t, "k.yaml", "prod", "ghcr.io/acme/api", "v1.6.0", "x").unwrap(),
            None
        );
        assert!(pin_out(&t, "k.yaml", "staging", "ghcr.io/acme/api", "v1.6.0", "x").is_err());
    }

    /// A date-like value is quoted: unquoted, yaml.v3 reads it as a timestamp.
    #[test]
    fn date_like_tags_are_quoted() {
        assert_eq!(format_scalar("2024-01-15", None), "\"2024-01-15\"");
        assert_eq!(format_scalar("v2024-01-15", None), "v2024-01-15");
        assert_eq!(
            format_scalar("2024-01-15", Some(ScalarStyle::SingleQuoted)),
            "'2024-01-15'"
        );
    }

    #[test]
    fn image_fields_in_resource_files() {
        let f = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: 'ghcr.io/acme/api:v1' # pinned\n";
        let e = edit_image_fields(
            f,
            Path::new("d.yaml"),
            "ghcr.io/acme/api",
            &Target::Tag("v2".into()),
        )
        .unwrap()
        .unwrap();
        assert!(
            e.after
                .ends_with("          image: 'ghcr.io/acme/api:v2' # pinned\n")
        );
        assert_eq!(e.changes[0].path, "/spec/template/spec/containers/0/image");
        assert!(
            edit_image_fields(f, Path::new("d.yaml"), "other", &Target::Tag("v2".into()))
                .unwrap()
                .is_none()
        );
    }
}
