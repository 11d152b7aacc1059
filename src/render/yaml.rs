//! Loading YAML text into documents with the values kustomize v5.5.0 ends up printing.
//!
//! kustomize reads resources and patches with kyaml (go-yaml v3, a port of libyaml) and
//! prints a resource by encoding its node tree with yaml.v3 and decoding the text again into
//! Go values (`RNode.MarshalJSON`). The values loaded here are those of that whole trip, not
//! of YAML 1.2 read strictly:
//!
//! - yaml.v3's resolver: `0755` is the int 493, `yes` stays a string, `1.0` is a float, a
//!   plain date or date-time is a timestamp and comes out in RFC 3339, `.inf` and `.nan`
//!   cannot be printed at all; every mapping key below the top level must be a string;
//! - libyaml's scanner: a last block-scalar line without a line break gets none (clip
//!   chomping keeps only breaks that are there); a tab where block indentation is still
//!   being read is an error; `\'` is an escape in double-quoted scalars;
//! - kyaml's reader: `\r\n` becomes `\n`, documents are cut at lines starting with `---`
//!   and only the first document of each piece is read (a bare document after `...` is
//!   ignored);
//! - the writer's round trip: an empty plain value inside a flow collection comes back as
//!   `""`, folded scalars come back as yaml.v3 writes them (its folded writer adds or drops
//!   line breaks), a block scalar whose first line starts with a tab cannot be read back, a
//!   comment after a document's last node adds a line break to a keep-chomped block there;
//! - `metadata.annotations` values are read as their source text (`0x1F` stays `"0x1F"`,
//!   `~` is `"~"`), as kustomize rewrites annotations as strings; an annotations field that
//!   is null or not a map is dropped;
//! - a list's items are read as kustomize expands them (a lone `List` as YAML nodes, other
//!   `*List` kinds through JSON);
//! - a null written without text (`key:`) is a null like `key: null`, but kyaml keeps the
//!   empty text and a strategic merge drops such nulls, so their paths are recorded
//!   ([`EmptyNull`]; nothing is recorded for a document without one).
//!
//! Files kustomize reads with sigs.k8s.io/yaml instead (kustomization files, JSON 6902
//! patches) get only the scanner and resolver rules ([`parse_one`]). Positions are kept for
//! error messages.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use base64::Engine as _;
use granit_parser::{Event, Parser, ScalarStyle, Span, StructureStyle};
use serde_json::{Map, Number, Value};

/// A YAML syntax or typing error, with the position where it was found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct YamlError {
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    pub message: String,
}

/// One document of a YAML stream with the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub value: Value,
    pub line: usize,
    /// The nulls written without text, which a JSON value cannot tell apart (kio flavours
    /// only; usually none).
    pub empty_nulls: Vec<EmptyNull>,
    /// kustomize expands this document's `items` through JSON text: they come back as
    /// flow collections (see [`ItemsRoute`]).
    pub items_as_json: bool,
}

/// The value at `path` inside `root`.
pub fn value_at_mut<'v>(root: &'v mut Value, path: &[PathSeg]) -> Option<&'v mut Value> {
    path.iter().try_fold(root, |cur, seg| match (cur, seg) {
        (Value::Object(m), PathSeg::Key(k)) => m.get_mut(k),
        (Value::Array(a), PathSeg::Index(i)) => a.get_mut(*i),
        _ => None,
    })
}

/// A step into a document: a map key or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// A null with no text (`key:`, `{a: }`, `!!null`). kyaml keeps a null's source text, and
/// its strategic merge keeps a null the patch does not mention only when that text is not
/// empty (`key: null` stays, `key:` goes), so the loader records where these are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmptyNull {
    pub path: Vec<PathSeg>,
    /// Written as an empty plain scalar in a flow collection: where no merge drops it,
    /// kustomize prints it as `""` (resources load it so; patches keep the null, which
    /// deletes).
    pub flow: bool,
    /// Written `!!null`: yaml.v3 writes the tag back, so it prints as null even inside a
    /// flow collection.
    pub tagged: bool,
}

/// Parses a resource file: kyaml's document split, and the values kustomize prints for a
/// resource. Empty documents (only comments, a bare `---`, `null`) are dropped, as
/// kustomize drops them.
pub fn parse_resources(text: &str, file: &str) -> Result<Vec<Document>, YamlError> {
    load_kio(text, file, Flavor::Resource)
}

/// Parses a stream kustomize reads with kyaml but does not print as it is: patches and
/// plugin configs. Like [`parse_resources`], except that nulls stay nulls (a null in a
/// strategic-merge patch deletes): null annotation values, empty values in flow
/// collections, and null or non-map annotations fields.
pub fn parse_stream(text: &str, file: &str) -> Result<Vec<Document>, YamlError> {
    load_kio(text, file, Flavor::Patch)
}

/// Parses text that must hold exactly one document (a kustomization, a JSON 6902 patch),
/// which kustomize reads with sigs.k8s.io/yaml: libyaml's scanner and yaml.v3's resolver,
/// without kyaml's document split or writer round trip. Returns `Value::Null` for an empty
/// text.
pub fn parse_one(text: &str, file: &str) -> Result<Value, YamlError> {
    let mut docs = load_chunk(text, file, 0, Flavor::Plain, ItemsRoute::Field)?.docs;
    match docs.len() {
        0 => Ok(Value::Null),
        1 => Ok(docs.remove(0).value),
        _ => Err(YamlError {
            file: file.to_string(),
            line: docs[1].line,
            column: 1,
            message: "expected a single YAML document, found several".to_string(),
        }),
    }
}

/// Parses a JSON 6902 patch (a list of operations), which kustomize converts to JSON with
/// sigs.k8s.io/yaml's `YAMLToJSON`: go-yaml v2's resolver, where `y`, `yes`, `on` (and
/// `n`, `no`, `off`, in their capitalisations) are booleans, and a later duplicate key
/// replaces an earlier one.
pub fn parse_json6902(text: &str, file: &str) -> Result<Value, YamlError> {
    let mut docs = load_chunk(text, file, 0, Flavor::YamlToJson, ItemsRoute::Field)?.docs;
    match docs.len() {
        0 => Ok(Value::Null),
        1 => Ok(docs.remove(0).value),
        _ => Err(YamlError {
            file: file.to_string(),
            line: docs[1].line,
            column: 1,
            message: "expected a single YAML document, found several".to_string(),
        }),
    }
}

/// Which reader of kustomize's a text goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    /// Resources: read with kyaml and printed through yaml.v3's encode/decode round trip.
    Resource,
    /// Patches and plugin configs: read with kyaml, merged into resources before printing.
    Patch,
    /// sigs.k8s.io/yaml into typed fields: one document, scanner and resolver rules only.
    Plain,
    /// sigs.k8s.io/yaml's `YAMLToJSON` with no target type: go-yaml v2's resolver.
    YamlToJson,
}

/// What kustomize does with the items of a root `items:` list (see `inlineAnyEmbeddedLists`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemsRoute {
    /// A file holding one document of kind `List` or `ResourceList`: kyaml unwraps the items
    /// as YAML nodes, so they are read like resources of their own.
    Nodes,
    /// Other `*List` kinds: the items go through Go maps and JSON, losing their source text
    /// and the writer's quirks.
    Json,
    /// Not a list kind: `items` is an ordinary field of the resource.
    Field,
}

/// Where a node sits, for the rules that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// A document's root, or an item of a root `items:` list.
    Root,
    Metadata,
    /// A field of `metadata` other than `annotations`.
    MetadataField,
    /// The `metadata.annotations` map.
    Annotations,
    /// A value in it.
    AnnotationValue,
    /// A root `items:` list.
    Items,
    /// The value of a `<<` merge key: its entries end up in the mapping it merges into.
    MergeSource,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Ctx {
    place: Place,
    /// Below an item of a root `items:` list.
    item: bool,
    /// Inside a flow collection.
    flow: bool,
    /// libyaml's block indentation around the node: the column of the enclosing block
    /// collection, -1 at the top.
    indent: isize,
}

impl Ctx {
    fn root() -> Self {
        Ctx {
            place: Place::Root,
            item: false,
            flow: false,
            indent: -1,
        }
    }
}

/// An anchored node, for its aliases.
struct Anchored {
    value: Value,
    /// The source text of a scalar and whether it resolved to null.
    scalar: Option<(String, bool)>,
    /// The empty nulls in it, paths relative to it (reversed, as while loading).
    empty_nulls: Vec<EmptyNull>,
}

/// Where the last scalar value read ends, and what matters about it for
/// `Loader::trailing_comment_quirk`.
struct LastScalar {
    end: usize,
    /// Written by yaml.v3 as a block scalar (its source style).
    block: bool,
    /// In a list's items.
    item: bool,
    /// The annotation it is the value of.
    annotation: Option<String>,
    /// A field of `metadata` (not nested deeper).
    metadata_field: bool,
}

/// A mapping key as loaded.
enum Key {
    Str(String),
    /// `<<`: the value is merged in.
    Merge,
}

fn parser_options() -> granit_parser::Options {
    granit_parser::options! {
        // libyaml (and so go-yaml) adds no line break after a last block-scalar line that
        // ends the input without one; granit's default follows the YAML test suite (L24T).
        block_scalar_eof_without_line_feed: true,
        // Comments are skipped here; not buffering them saves work.
        emit_comments: false,
    }
}

/// Reads a stream the way kyaml's `kio.ByteReader` does: `\r\n` to `\n`, cut into pieces at
/// lines starting with `---`, the first document of each piece.
fn load_kio(text: &str, file: &str, flavor: Flavor) -> Result<Vec<Document>, YamlError> {
    let text: Cow<str> = if text.contains("\r\n") {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let pieces = split_documents(&text, file)?;
    let single = pieces.len() == 1;
    let mut docs = Vec::new();
    for (range, line_offset) in pieces {
        docs.extend(load_piece(&text[range], file, line_offset, flavor, single)?);
    }
    Ok(docs)
}

/// kyaml's `splitDocuments`: a separator is `\n---` up to the next `\n`, and anything but
/// a comment after the dashes is an error. Every piece but the last keeps the line break
/// before its separator. Returns the pieces with the number of lines before each.
fn split_documents(text: &str, file: &str) -> Result<Vec<(Range<usize>, usize)>, YamlError> {
    let mut pieces = Vec::new();
    if text.is_empty() {
        return Ok(pieces);
    }
    let bytes = text.as_bytes();
    let (mut prev, mut prev_line) = (0, 0);
    let mut from = 0;
    while let Some(found) = text[from..].find("\n---") {
        let sep = from + found;
        let Some(eol) = text[sep + 4..].find('\n').map(|e| sep + 4 + e) else {
            break;
        };
        let rest = text[sep + 4..eol].trim();
        if !rest.is_empty() && !rest.starts_with('#') {
            let line = prev_line + bytes[prev..sep].iter().filter(|&&b| b == b'\n').count() + 2;
            return Err(YamlError {
                file: file.to_string(),
                line,
                column: 1,
                message: format!(
                    "invalid document separator: {} (kustomize allows only a comment after `---`)",
                    text[sep + 1..eol].trim()
                ),
            });
        }
        pieces.push((prev..sep + 1, prev_line));
        prev_line += bytes[prev..eol + 1].iter().filter(|&&b| b == b'\n').count();
        prev = eol + 1;
        from = eol + 1;
    }
    pieces.push((prev..text.len(), prev_line));
    Ok(pieces)
}

/// Loads the first document of one piece of a kio stream (yaml.v3's `Decoder.Decode` is
/// called once per piece). The items of a root list are first read as `Nodes` if the piece
/// is the file's only one, else as `Json`; when the root turns out to be another kind and
/// that mattered, the piece is read again.
fn load_piece(
    piece: &str,
    file: &str,
    line_offset: usize,
    flavor: Flavor,
    single: bool,
) -> Result<Option<Document>, YamlError> {
    let assumed = if single {
        ItemsRoute::Nodes
    } else {
        ItemsRoute::Json
    };
    let first = load_chunk(piece, file, line_offset, flavor, assumed)?;
    let Some(doc) = first.docs.into_iter().next() else {
        return Ok(None);
    };
    let actual = items_route(&doc.value, single);
    let items_as_json = actual == ItemsRoute::Json;
    let loaded = if actual == assumed || (!first.item_sensitive && first.item_error.is_none()) {
        if actual == assumed
            && let Some(e) = first.item_error
        {
            return Err(e);
        }
        return Ok(Some(Document {
            items_as_json,
            ..doc
        }));
    } else {
        load_chunk(piece, file, line_offset, flavor, actual)?
    };
    if let Some(e) = loaded.item_error {
        return Err(e);
    }
    Ok(loaded.docs.into_iter().next().map(|doc| Document {
        items_as_json,
        ..doc
    }))
}

/// What kustomize does with the items of this root (see [`ItemsRoute`]).
fn items_route(root: &Value, single: bool) -> ItemsRoute {
    let kind = root.get("kind").and_then(Value::as_str).unwrap_or("");
    if single && (kind == "List" || kind == "ResourceList") {
        ItemsRoute::Nodes
    } else if kind.ends_with("List") {
        ItemsRoute::Json
    } else {
        ItemsRoute::Field
    }
}

/// The documents of a chunk, and what reading a root list's items depended on.
struct Loaded {
    docs: Vec<Document>,
    item_sensitive: bool,
    item_error: Option<YamlError>,
}

/// Parses `text` (a kio piece, or a whole plain text), retrying with `\'` escapes spelled
/// `\x27`: libyaml accepts `\'` in double-quoted scalars, granit does not.
fn load_chunk(
    text: &str,
    file: &str,
    line_offset: usize,
    flavor: Flavor,
    route: ItemsRoute,
) -> Result<Loaded, YamlError> {
    let mut text = Cow::Borrowed(text);
    loop {
        let result = {
            let mut loader = Loader::new(&text, file, line_offset, flavor, route);
            loader.documents().map(|docs| Loaded {
                docs,
                item_sensitive: loader.item_sensitive,
                item_error: loader.item_error.take(),
            })
        };
        match result {
            Ok(loaded) => return Ok(loaded),
            Err(Failure::Yaml(e)) => return Err(e),
            Err(Failure::Retry(range, with)) => {
                let mut owned = text.into_owned();
                owned.replace_range(range, with);
                text = Cow::Owned(owned);
            }
        }
    }
}

enum Failure {
    Yaml(YamlError),
    /// Read the text again with this range replaced: libyaml accepts something granit does
    /// not, and there is an equivalent spelling granit accepts.
    Retry(Range<usize>, &'static str),
}

impl From<YamlError> for Failure {
    fn from(e: YamlError) -> Self {
        Failure::Yaml(e)
    }
}

struct Loader<'a> {
    parser: Parser<'a, granit_parser::StrInput<'a>>,
    src: &'a str,
    file: &'a str,
    line_offset: usize,
    flavor: Flavor,
    /// What the items of a root `items:` list are taken to be while loading.
    route: ItemsRoute,
    anchors: HashMap<usize, Anchored>,
    last_span: Option<Span>,
    /// Whether an item of a root list was read in a way that depends on `route`.
    item_sensitive: bool,
    /// The first error that depends on `route` (raised once the route is known).
    item_error: Option<YamlError>,
    /// The last scalar value read (see `Loader::trailing_comment_quirk`).
    last_scalar: Option<LastScalar>,
    /// Where scalars and flow collections are, when a line starts with a tab (see
    /// `Loader::check_line_start_tabs`).
    tab_scan: Option<TabScan>,
    /// The empty nulls of the document being read. A path is built leaf first while its
    /// node's ancestors return, and reversed when the document ends.
    empty_nulls: Vec<EmptyNull>,
}

/// Source ranges for `Loader::check_line_start_tabs`.
#[derive(Default)]
struct TabScan {
    /// Ranges where a tab at a line's start belongs to a quoted or block scalar or a flow
    /// collection.
    exempt: Vec<Range<usize>>,
    /// Plain scalars with the indentation their continuation lines need (libyaml's
    /// `parser.indent + 1`).
    plain: Vec<(Range<usize>, usize)>,
}

impl<'a> Loader<'a> {
    fn new(
        src: &'a str,
        file: &'a str,
        line_offset: usize,
        flavor: Flavor,
        route: ItemsRoute,
    ) -> Self {
        Loader {
            parser: Parser::new_from_str_with_options(src, parser_options()),
            src,
            file,
            line_offset,
            flavor,
            route,
            anchors: HashMap::new(),
            last_span: None,
            item_sensitive: false,
            item_error: None,
            last_scalar: None,
            tab_scan: has_line_start_tab(src).then(TabScan::default),
            empty_nulls: Vec::new(),
        }
    }

    fn err_at(&self, span: Option<Span>, message: impl Into<String>) -> YamlError {
        let (line, column) = span
            .map(|s| (s.start.line(), s.start.col() + 1))
            .unwrap_or((1, 1));
        self.error(line, column, message)
    }

    /// An error at a 1-based line of this piece and a 1-based column.
    fn error(&self, line: usize, column: usize, message: impl Into<String>) -> YamlError {
        YamlError {
            file: self.file.to_string(),
            line: line + self.line_offset,
            column,
            message: message.into(),
        }
    }

    fn next(&mut self) -> Result<(Event<'a>, Span), Failure> {
        loop {
            match self.parser.next_event() {
                None => return Err(self.err_at(self.last_span, "unexpected end of YAML").into()),
                Some(Err(e)) => {
                    if matches!(
                        e.kind(),
                        granit_parser::ErrorKind::UnknownQuotedScalarEscape
                    ) && let Some(at) = self.quote_escape_after(e.marker())
                    {
                        return Err(Failure::Retry(at..at + 2, "\\x27"));
                    }
                    if matches!(e.kind(), granit_parser::ErrorKind::InvalidBlockScalarIndent)
                        && let Some(retry) = self.empty_block_before_comment(e.marker())
                    {
                        return Err(retry);
                    }
                    let m = e.marker();
                    return Err(self.error(m.line(), m.col() + 1, e.info()).into());
                }
                #[allow(unreachable_patterns)]
                Some(Ok((Event::Comment(..), _))) => continue,
                Some(Ok((Event::Anchor(..), _))) => continue,
                Some(Ok((ev, span))) => {
                    self.last_span = Some(span);
                    return Ok((ev, span));
                }
            }
        }
    }

    /// The byte offset of the first `\'` escape of the double-quoted scalar starting at
    /// `mark`, if that is the unknown escape granit stopped at.
    fn quote_escape_after(&self, mark: &granit_parser::Marker) -> Option<usize> {
        let start = mark.byte_offset()?;
        let rest = self.src.get(start..)?;
        let mut chars = rest.char_indices();
        if chars.next()?.1 != '"' {
            return None;
        }
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return None,
                '\\' => match chars.next()?.1 {
                    '\'' => return Some(start + i),
                    '0' | 'a' | 'b' | 't' | '\t' | 'n' | 'v' | 'f' | 'r' | 'e' | ' ' | '"'
                    | '/' | '\\' | 'N' | '_' | 'L' | 'P' | 'x' | 'u' | 'U' | '\n' | '\r' => {}
                    _ => return None,
                },
                _ => {}
            }
        }
        None
    }

    /// A block scalar whose leading blank lines are indented deeper than its first line:
    /// granit refuses it; libyaml takes the deepest blank line's indentation, so the block
    /// is empty and the line after it is read on its own, which works when it is a comment.
    /// Moving that comment to column 0 makes granit read it so.
    fn empty_block_before_comment(&self, mark: &granit_parser::Marker) -> Option<Failure> {
        let at = mark.byte_offset()?;
        let src = self.src.as_bytes();
        if src.get(at) != Some(&b'#') {
            return None;
        }
        let line_start = src[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        (line_start < at && src[line_start..at].iter().all(|&b| b == b' '))
            .then_some(Failure::Retry(line_start..at, ""))
    }

    fn documents(&mut self) -> Result<Vec<Document>, Failure> {
        let mut docs = Vec::new();
        loop {
            let (ev, span) = self.next()?;
            match ev {
                Event::StreamStart => {}
                Event::StreamEnd => {
                    self.check_line_start_tabs(self.src.len())?;
                    return Ok(docs);
                }
                Event::DocumentStart(..) => {
                    self.anchors.clear();
                    let (ev, vspan) = self.next()?;
                    let value = if matches!(ev, Event::DocumentEnd) {
                        Value::Null
                    } else {
                        let mut v = self.node(ev, vspan, Ctx::root())?;
                        let (end, espan) = self.next()?;
                        if !matches!(end, Event::DocumentEnd) {
                            return Err(self
                                .err_at(Some(espan), "expected end of document")
                                .into());
                        }
                        self.trailing_comment_quirk(&mut v);
                        v
                    };
                    let mut empty_nulls = std::mem::take(&mut self.empty_nulls);
                    if !value.is_null() {
                        for e in &mut empty_nulls {
                            e.path.reverse();
                        }
                        docs.push(Document {
                            value,
                            line: vspan.start.line().max(span.start.line()) + self.line_offset,
                            empty_nulls,
                            items_as_json: false,
                        });
                    }
                    if self.kio() {
                        // yaml.v3 decodes one document per kio piece; the rest is not read.
                        let end = self.last_span.and_then(|s| s.end.byte_offset());
                        self.check_line_start_tabs(end.unwrap_or(self.src.len()))?;
                        return Ok(docs);
                    }
                }
                _ => return Err(self.err_at(Some(span), "unexpected YAML event").into()),
            }
        }
    }
}

impl<'a> Loader<'a> {
    fn kio(&self) -> bool {
        matches!(self.flavor, Flavor::Resource | Flavor::Patch)
    }

    /// Whether the node is printed by kustomize through the writer round trip: not inside a
    /// list's items that go through JSON.
    fn round_trip(&self, ctx: Ctx) -> bool {
        self.kio() && !(ctx.item && self.route == ItemsRoute::Json)
    }

    /// Whether annotation values are read as source text here.
    fn annotation_text(&self, ctx: Ctx) -> bool {
        self.kio() && (!ctx.item || self.route == ItemsRoute::Nodes)
    }

    /// Notes that reading this node depended on the items route.
    fn sensitive(&mut self, ctx: Ctx) {
        if ctx.item {
            self.item_sensitive = true;
        }
    }

    /// An error kustomize raises only when it prints the resource: inside list items it
    /// depends on how the items are expanded, so it is held until that is known.
    fn print_error(&mut self, ctx: Ctx, e: YamlError) -> Result<(), Failure> {
        if ctx.item {
            self.item_sensitive = true;
            if self.item_error.is_none() {
                self.item_error = Some(e);
            }
            Ok(())
        } else {
            Err(e.into())
        }
    }

    /// The column of a block sequence's first `-` (libyaml's indentation for its items);
    /// granit's span starts at the first item.
    fn dash_column(&self, span: Span) -> isize {
        let col = span.start.col() as isize;
        let Some(start) = span.start.byte_offset() else {
            return col;
        };
        let before = &self.src.as_bytes()[..start];
        let spaces = before.iter().rev().take_while(|&&b| b == b' ').count();
        if before.len() > spaces && before[before.len() - spaces - 1] == b'-' {
            col - spaces as isize - 1
        } else {
            col
        }
    }

    fn note_for_tabs(&mut self, style: ScalarStyle, span: Span, ctx: Ctx) {
        let Some(scan) = &mut self.tab_scan else {
            return;
        };
        let Some(r) = span.byte_range() else {
            return;
        };
        match style {
            ScalarStyle::Plain if !ctx.flow => {
                scan.plain.push((r, (ctx.indent + 1).max(0) as usize));
            }
            ScalarStyle::Literal | ScalarStyle::Folded => {
                // From the header's line on (the span starts at the content).
                let from = self.src[..r.start].rfind(['|', '>']).unwrap_or(r.start);
                scan.exempt.push(from..r.end);
            }
            _ => scan.exempt.push(r),
        }
    }

    fn note_flow(&mut self, start: Span, end: Span) {
        if let (Some(scan), Some(a), Some(b)) = (
            &mut self.tab_scan,
            start.start.byte_offset(),
            end.end.byte_offset(),
        ) {
            scan.exempt.push(a..b);
        }
    }

    /// libyaml's scanner does not skip a tab at the start of a line in block context
    /// (`found character that cannot start any token`), except where a plain scalar's
    /// continuation is being read, and there not left of its indentation (`found a tab
    /// character that violates indentation`). granit reads such tabs as separation.
    /// Lines after `end` are not checked (yaml.v3 reads no further).
    fn check_line_start_tabs(&mut self, end: usize) -> Result<(), Failure> {
        let Some(scan) = self.tab_scan.take() else {
            return Ok(());
        };
        let src = self.src;
        let mut line_start = 0;
        for (i, line) in src.split_inclusive('\n').enumerate() {
            let pos = line_start;
            line_start += line.len();
            if pos >= end {
                break;
            }
            let col = line.bytes().take_while(|&b| b == b' ').count();
            if line.as_bytes().get(col) != Some(&b'\t') {
                continue;
            }
            let at = pos + col;
            if scan.exempt.iter().any(|r| r.start < at && at < r.end) {
                continue;
            }
            // A plain scalar whose reading reaches this line: it ends here, or only
            // white space separates its end from this line.
            let continues = scan.plain.iter().find(|(r, _)| {
                r.start < at
                    && src[r.end.min(at)..at]
                        .bytes()
                        .all(|b| b.is_ascii_whitespace())
            });
            let message = match continues {
                Some((_, indent)) if col >= *indent => continue,
                Some(_) => "found a tab character that violates indentation",
                None => "found character that cannot start any token",
            };
            return Err(self
                .error(
                    i + 1,
                    col + 1,
                    format!(
                        "{message} (a tab at the start of a line; libyaml indents with spaces only)"
                    ),
                )
                .into());
        }
        Ok(())
    }

    fn note_last_scalar(&mut self, span: Span, block: bool, ctx: Ctx) {
        self.last_scalar = span.byte_range().map(|r| LastScalar {
            end: r.end,
            block,
            item: ctx.item,
            annotation: None,
            metadata_field: ctx.place == Place::MetadataField,
        });
    }

    /// yaml.v3 writes a comment after a document's last node with a blank line before it;
    /// when that node is a block scalar with keep chomping (`|+`) and trailing blank lines,
    /// the blank line is read back as one more line break of the scalar. kustomize writes
    /// annotations back last in `metadata`, sorted, multi-line values as literal blocks.
    fn trailing_comment_quirk(&mut self, root: &mut Value) {
        let Some(last) = self.last_scalar.take() else {
            return;
        };
        if self.flavor != Flavor::Resource || last.item {
            return;
        }
        let end = last.end;
        // Which comments yaml.v3 keeps with inner nodes (written at their column, right
        // after the scalar) and which become the document's foot comment (written at column
        // 0 after a blank line) follows its own rules; as observed, the blank line comes when
        // the first comment after the scalar is not indented deeper than the last one.
        // The span may end after the next line's indentation: count columns from its start.
        let line_start = self.src[..end].rfind('\n').map_or(0, |p| p + 1);
        let from = if self.src[line_start..end].trim().is_empty() {
            line_start
        } else {
            // The rest of the scalar's line (a `:` after an empty value, a line comment).
            self.src[end..]
                .find('\n')
                .map_or(self.src.len(), |p| end + p + 1)
        };
        // yaml.v3 reads no further than the next document's content (after `...`).
        let rest = self.src.get(from..).unwrap_or("");
        let comments: Vec<usize> = rest
            .lines()
            .take_while(|l| {
                let t = l.trim();
                t.is_empty() || t.starts_with('#') || t == "..." || t.starts_with("... ")
            })
            .filter(|l| l.trim_start().starts_with('#'))
            .map(|l| l.len() - l.trim_start().len())
            .collect();
        let (Some(first), Some(final_comment)) = (comments.first(), comments.last()) else {
            return;
        };
        if first > final_comment {
            return;
        }
        let annotations_last = root
            .as_object_mut()
            .filter(|m| m.keys().next_back().is_some_and(|k| k == "metadata"))
            .and_then(|m| m.get_mut("metadata"))
            .and_then(|md| md.get_mut("annotations"))
            .and_then(Value::as_object_mut)
            .filter(|a| !a.is_empty());
        // The comment stays with the node it follows in the source (as observed: a comment
        // after a field of `metadata` goes with `metadata` itself, so it is written after
        // the annotations, which kustomize writes last).
        let (leaf, block) = match (annotations_last, last.annotation) {
            (Some(a), key) if key.is_some() || last.metadata_field => {
                let max = a.keys().max().cloned().expect("not empty");
                if key.is_some_and(|k| k != max) {
                    return;
                }
                let v = a.get_mut(&max).expect("present");
                let multi_line = v.as_str().is_some_and(|s| s.contains('\n'));
                (v, multi_line)
            }
            (None, None) => (last_leaf(root), last.block),
            _ => return,
        };
        // yaml.v3 writes keep chomping for a value that is one line break or ends with two.
        if let Value::String(s) = leaf
            && block
            && (s == "\n" || s.ends_with("\n\n"))
            && block_allowed(s)
        {
            s.push('\n');
        }
    }

    fn child_ctx(&self, parent: Ctx, key: &str, span: Span, flow: bool) -> Ctx {
        let place = if !self.kio() {
            Place::Other
        } else {
            match parent.place {
                Place::Root if key == "metadata" => Place::Metadata,
                Place::Root if key == "items" && !parent.item => Place::Items,
                Place::Metadata if key == "annotations" => Place::Annotations,
                Place::Metadata => Place::MetadataField,
                Place::Annotations => Place::AnnotationValue,
                _ => Place::Other,
            }
        };
        Ctx {
            place,
            item: parent.item,
            flow,
            indent: if flow {
                parent.indent
            } else {
                span.start.col() as isize
            },
        }
    }

    fn node(&mut self, ev: Event<'a>, span: Span, ctx: Ctx) -> Result<Value, Failure> {
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag_name(tag.as_deref());
                let text = source_text(text, style, span);
                let marks = self.empty_nulls.len();
                let (v, is_null) = self.scalar(&text, style, tag.as_deref(), span, ctx)?;
                if anchor != 0 {
                    self.anchors.insert(
                        anchor,
                        Anchored {
                            value: v.clone(),
                            scalar: Some((text.into_owned(), is_null)),
                            empty_nulls: self.empty_nulls[marks..].to_vec(),
                        },
                    );
                }
                Ok(v)
            }
            Event::Alias(id) => {
                let Some(a) = self.anchors.get(&id) else {
                    return Err(self.err_at(Some(span), "unknown anchor").into());
                };
                if ctx.place == Place::AnnotationValue && self.annotation_text(ctx) {
                    let v = match &a.scalar {
                        Some((_, true)) if self.flavor == Flavor::Patch => Value::Null,
                        Some((t, _)) => Value::String(t.clone()),
                        None => Value::String(String::new()),
                    };
                    self.sensitive(ctx);
                    return Ok(v);
                }
                // kyaml replaces an alias with a copy of its anchor's node, source
                // texts and all.
                let v = a.value.clone();
                if !a.empty_nulls.is_empty() {
                    let marks = a.empty_nulls.clone();
                    self.empty_nulls.extend(marks);
                }
                Ok(v)
            }
            Event::SequenceStart(style, anchor, _) => {
                let flow = if ctx.place == Place::MergeSource {
                    ctx.flow
                } else {
                    ctx.flow || style == StructureStyle::Flow
                };
                let item_ctx = Ctx {
                    place: match ctx.place {
                        Place::Items => Place::Root,
                        Place::MergeSource => Place::MergeSource,
                        _ => Place::Other,
                    },
                    item: ctx.item || ctx.place == Place::Items,
                    flow,
                    indent: if flow {
                        ctx.indent
                    } else {
                        self.dash_column(span)
                    },
                };
                let marks = self.empty_nulls.len();
                let mut items = Vec::new();
                loop {
                    let (ev, s) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        if style == StructureStyle::Flow {
                            self.note_flow(span, s);
                        }
                        break;
                    }
                    let item_marks = self.empty_nulls.len();
                    items.push(self.node(ev, s, item_ctx)?);
                    let index = items.len() - 1;
                    for e in &mut self.empty_nulls[item_marks..] {
                        e.path.push(PathSeg::Index(index));
                    }
                }
                let mut v = Value::Array(items);
                if ctx.place == Place::AnnotationValue && self.annotation_text(ctx) {
                    v = Value::String(String::new());
                    self.empty_nulls.truncate(marks);
                    self.sensitive(ctx);
                }
                if anchor != 0 {
                    self.anchors.insert(
                        anchor,
                        Anchored {
                            value: v.clone(),
                            scalar: None,
                            empty_nulls: self.empty_nulls[marks..].to_vec(),
                        },
                    );
                }
                Ok(v)
            }
            Event::MappingStart(style, anchor, _) => {
                let marks = self.empty_nulls.len();
                let mut v = self.mapping(style, span, ctx)?;
                if ctx.place == Place::AnnotationValue && self.annotation_text(ctx) {
                    v = Value::String(String::new());
                    self.empty_nulls.truncate(marks);
                    self.sensitive(ctx);
                }
                if anchor != 0 {
                    self.anchors.insert(
                        anchor,
                        Anchored {
                            value: v.clone(),
                            scalar: None,
                            empty_nulls: self.empty_nulls[marks..].to_vec(),
                        },
                    );
                }
                Ok(v)
            }
            _ => Err(self.err_at(Some(span), "unexpected YAML event").into()),
        }
    }

    fn mapping(&mut self, style: StructureStyle, span: Span, ctx: Ctx) -> Result<Value, Failure> {
        // Merged entries are written where they are merged into.
        let flow = if ctx.place == Place::MergeSource {
            ctx.flow
        } else {
            ctx.flow || style == StructureStyle::Flow
        };
        let mut map = Map::new();
        // Each merge value with the range of `empty_nulls` it added.
        let mut merges: Vec<(Value, Span, Range<usize>)> = Vec::new();
        loop {
            let (kev, kspan) = self.next()?;
            if matches!(kev, Event::MappingEnd) {
                if style == StructureStyle::Flow {
                    self.note_flow(span, kspan);
                }
                break;
            }
            let key = self.key(kev, kspan, ctx, flow)?;
            let (vev, vspan) = self.next()?;
            let key = match key {
                Key::Merge => {
                    let child = Ctx {
                        place: Place::MergeSource,
                        ..self.child_ctx(ctx, "<<", span, flow)
                    };
                    let marks = self.empty_nulls.len();
                    let value = self.node(vev, vspan, child)?;
                    merges.push((value, vspan, marks..self.empty_nulls.len()));
                    continue;
                }
                Key::Str(k) => k,
            };
            let child = self.child_ctx(ctx, &key, span, flow);
            let marks = self.empty_nulls.len();
            let value = self.node(vev, vspan, child)?;
            if ctx.place == Place::Annotations
                && let Some(last) = &mut self.last_scalar
                && vspan.byte_range().is_some_and(|r| r.end == last.end)
            {
                last.annotation = Some(key.clone());
            }
            if ctx.place == Place::Annotations && self.annotation_text(ctx) {
                // kustomize reads annotations into a Go map and writes them back: the
                // last of two equal keys wins.
                map.insert(key, value);
                continue;
            }
            if child.place == Place::Annotations
                && self.flavor == Flavor::Resource
                && !value.is_object()
            {
                // kustomize reads an annotations field that is not a map as no
                // annotations, and writing none back removes the field; a list with
                // items crashes it.
                if value.as_array().is_some_and(|a| !a.is_empty()) {
                    return Err(self
                        .err_at(
                            Some(vspan),
                            "metadata.annotations must be a map (kustomize v5.5.0 crashes on a list here)",
                        )
                        .into());
                }
                self.empty_nulls.truncate(marks);
                continue;
            }
            if map.contains_key(&key) && self.flavor != Flavor::YamlToJson {
                return Err(self
                    .err_at(Some(kspan), format!("mapping key {key:?} already defined"))
                    .into());
            }
            for e in &mut self.empty_nulls[marks..] {
                e.path.push(PathSeg::Key(key.clone()));
            }
            map.insert(key, value);
        }
        // Merge keys fill in what the mapping does not set itself.
        let ranges: Vec<(Range<usize>, bool)> = merges
            .iter()
            .map(|(v, _, r)| (r.clone(), v.is_array()))
            .collect();
        let track = ranges.iter().any(|(r, _)| !r.is_empty());
        // (merge, item of a merged list, key) of each entry merged in, when that matters.
        let mut merged_in: Vec<(usize, Option<usize>, String)> = Vec::new();
        for (mi, (merged, mspan, _)) in merges.into_iter().enumerate() {
            let sources = match merged {
                Value::Object(m) => vec![(None, m)],
                Value::Array(items) => {
                    let mut out = Vec::new();
                    for (j, item) in items.into_iter().enumerate() {
                        match item {
                            Value::Object(m) => out.push((Some(j), m)),
                            _ => {
                                return Err(self
                                    .err_at(
                                        Some(mspan),
                                        "map merge requires a map or a sequence of maps",
                                    )
                                    .into());
                            }
                        }
                    }
                    out
                }
                _ => {
                    return Err(self
                        .err_at(
                            Some(mspan),
                            "map merge requires a map or a sequence of maps",
                        )
                        .into());
                }
            };
            for (j, src) in sources {
                for (k, v) in src {
                    if let serde_json::map::Entry::Vacant(e) = map.entry(k) {
                        if track {
                            merged_in.push((mi, j, e.key().clone()));
                        }
                        e.insert(v);
                    }
                }
            }
        }
        if track {
            self.move_merged_empty_nulls(&ranges, &merged_in);
        }
        Ok(Value::Object(map))
    }

    /// Re-roots the empty nulls read in merge values (`<<`) at the mapping they were merged
    /// into, dropping those of entries the mapping already had. `ranges` are the marks each
    /// merge value added and whether it was a list of maps.
    fn move_merged_empty_nulls(
        &mut self,
        ranges: &[(Range<usize>, bool)],
        merged_in: &[(usize, Option<usize>, String)],
    ) {
        let first = ranges.iter().map(|(r, _)| r.start).min().unwrap_or(0);
        let tail = self.empty_nulls.split_off(first);
        for (offset, mut e) in tail.into_iter().enumerate() {
            let Some(mi) = ranges
                .iter()
                .position(|(r, _)| r.contains(&(first + offset)))
            else {
                self.empty_nulls.push(e);
                continue;
            };
            // The path is still reversed: the merge value's own steps come last.
            let item = match (ranges[mi].1, e.path.pop()) {
                (true, Some(PathSeg::Index(j))) => Some(j),
                (false, Some(seg)) => {
                    e.path.push(seg);
                    None
                }
                _ => continue,
            };
            let Some(PathSeg::Key(k)) = e.path.pop() else {
                continue;
            };
            if merged_in
                .iter()
                .any(|(m, j, key)| *m == mi && *j == item && *key == k)
            {
                e.path.push(PathSeg::Key(k));
                self.empty_nulls.push(e);
            }
        }
    }

    /// A mapping key. In kio flavours keys must be strings once yaml.v3 resolves them
    /// (Go's JSON encoder refuses other map keys), except at a document's root and in
    /// annotations, where kustomize uses the key's source text.
    fn key(&mut self, ev: Event<'a>, span: Span, ctx: Ctx, flow: bool) -> Result<Key, Failure> {
        let raw = ctx.place == Place::Root || ctx.place == Place::Annotations;
        let (text, style, tag) = match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag_name(tag.as_deref());
                let text = source_text(text, style, span);
                if anchor != 0 {
                    let (v, is_null) = resolve_v3(&text, style, tag.as_deref(), false)
                        .map(|(v, kind)| (v, kind == Kind::Null))
                        .map_err(|m| self.err_at(Some(span), m))?;
                    self.anchors.insert(
                        anchor,
                        Anchored {
                            value: v,
                            scalar: Some((text.to_string(), is_null)),
                            empty_nulls: Vec::new(),
                        },
                    );
                }
                (text, style, tag)
            }
            Event::Alias(id) => {
                let Some(a) = self.anchors.get(&id) else {
                    return Err(self.err_at(Some(span), "unknown anchor").into());
                };
                return match (&a.value, &a.scalar) {
                    (Value::String(s), _) => Ok(Key::Str(s.clone())),
                    (_, Some((t, _))) if raw => Ok(Key::Str(t.clone())),
                    (v, _) if !self.kio() => Ok(Key::Str(key_string(v))),
                    _ => Err(self
                        .err_at(Some(span), "a mapping key must be a string")
                        .into()),
                };
            }
            other => {
                let key_ctx = Ctx {
                    place: Place::Other,
                    ..ctx
                };
                let v = self.node(other, span, key_ctx)?;
                if self.kio() {
                    return Err(self
                        .err_at(
                            Some(span),
                            "a mapping key must be a string, not a map or a list (kustomize cannot print it)",
                        )
                        .into());
                }
                return Ok(Key::Str(key_string(&v)));
            }
        };
        if style == ScalarStyle::Plain && tag.is_none() && text == "<<" {
            return Ok(Key::Merge);
        }
        self.check_scalar_source(&text, style, span, ctx)?;
        self.note_for_tabs(style, span, ctx);
        let (v, kind) = resolve_v3(&text, style, tag.as_deref(), self.kio())
            .map_err(|m| self.err_at(Some(span), m))?;
        if !self.kio() {
            return Ok(Key::Str(key_string(&v)));
        }
        if raw {
            // yaml.v3 decodes a root key into a Go string (a null one is empty).
            return Ok(Key::Str(if kind == Kind::Null {
                String::new()
            } else {
                text.into_owned()
            }));
        }
        match kind {
            Kind::Str => Ok(Key::Str(v.as_str().unwrap_or_default().to_string())),
            // yaml.v3 writes an empty plain key as `''`, which reads back as a string.
            Kind::Null if text.is_empty() && style == ScalarStyle::Plain && self.round_trip(ctx) => {
                let _ = flow;
                Ok(Key::Str(String::new()))
            }
            other => Err(self
                .err_at(
                    Some(span),
                    format!(
                        "mapping key `{text}` is {}, not a string; kustomize cannot print it (JSON keys are strings): quote it",
                        other.describe()
                    ),
                )
                .into()),
        }
    }

    /// A scalar node's value, and whether it resolved to null.
    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        tag: Option<&str>,
        span: Span,
        ctx: Ctx,
    ) -> Result<(Value, bool), Failure> {
        self.check_scalar_source(text, style, span, ctx)?;
        self.note_for_tabs(style, span, ctx);
        if ctx.place == Place::AnnotationValue && self.annotation_text(ctx) {
            // kustomize rewrites annotations as new string nodes from each value's source
            // text; yaml.v3 writes a new multi-line string as a literal block.
            if text.contains('\n') && text.starts_with('\t') && block_allowed(text) {
                self.leading_tab_error(span, ctx)?;
            }
            self.sensitive(ctx);
            self.note_last_scalar(span, true, ctx);
            let is_null = resolve_v3(text, style, tag, false)
                .map(|(_, k)| k == Kind::Null)
                .unwrap_or(false);
            if is_null && self.flavor == Flavor::Patch {
                return Ok((Value::Null, true));
            }
            return Ok((Value::String(text.to_string()), is_null));
        }
        if self.flavor == Flavor::YamlToJson {
            // go-yaml v2 reads the non-specific tag `!` as a string.
            if tag == Some("!") {
                return Ok((Value::String(text.to_string()), false));
            }
            if (style == ScalarStyle::Plain && tag.is_none() || tag == Some("!!bool"))
                && let Some(b) = yaml11_bool(text)
            {
                return Ok((Value::Bool(b), false));
            }
        }
        let (v, kind) =
            resolve_v3(text, style, tag, self.kio()).map_err(|m| self.err_at(Some(span), m))?;
        let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
        self.note_last_scalar(span, block, ctx);
        if self.flavor == Flavor::YamlToJson && kind == Kind::NonFinite {
            return Err(self
                .err_at(
                    Some(span),
                    format!("`{text}` is a float that JSON cannot hold: quote it to keep the text"),
                )
                .into());
        }
        if !self.kio() {
            return Ok((v, kind == Kind::Null));
        }
        // yaml.v3 writes an untagged empty plain scalar inside a flow collection as `''`
        // (an explicit `!!null` tag is written back, so that one stays null).
        let empty_in_flow = ctx.flow
            && text.is_empty()
            && style == ScalarStyle::Plain
            && matches!(tag, None | Some("!"));
        if kind == Kind::Null && text.is_empty() && self.round_trip(ctx) {
            self.sensitive(ctx);
            self.empty_nulls.push(EmptyNull {
                path: Vec::new(),
                flow: empty_in_flow,
                tagged: tag.is_some_and(|t| t != "!"),
            });
        }
        match kind {
            Kind::NonFinite => {
                return Err(self
                    .err_at(
                        Some(span),
                        format!(
                            "`{text}` is a float that JSON cannot hold; kustomize fails on it when printing: quote it to keep the text"
                        ),
                    )
                    .into());
            }
            Kind::Null
                if self.flavor == Flavor::Resource && empty_in_flow && self.round_trip(ctx) =>
            {
                self.sensitive(ctx);
                return Ok((Value::String(String::new()), false));
            }
            _ => {}
        }
        if kind == Kind::Str
            && self.round_trip(ctx)
            && matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
        {
            if text.starts_with('\t') && block_allowed(text) {
                self.leading_tab_error(span, ctx)?;
            } else {
                let back = match style {
                    ScalarStyle::Folded => folded_round_trip(text),
                    _ => None,
                };
                if let Some(back) = back {
                    self.sensitive(ctx);
                    return Ok((Value::String(back), false));
                }
            }
        }
        Ok((v, kind == Kind::Null))
    }

    /// yaml.v3 writes a block scalar without an indentation indicator unless it starts with
    /// a space or a line break, so a first line starting with a tab is written where
    /// indentation is read, and reading it back fails.
    fn leading_tab_error(&mut self, span: Span, ctx: Ctx) -> Result<(), Failure> {
        let e = self.err_at(
            Some(span),
            "a block scalar whose first line starts with a tab cannot be printed by kustomize (yaml.v3 cannot read it back); start the line with spaces or quote the value",
        );
        self.print_error(ctx, e)
    }

    /// libyaml's scanner rules granit does not apply: tabs where block indentation is read,
    /// and the escapes of double-quoted scalars.
    fn check_scalar_source(
        &self,
        text: &str,
        style: ScalarStyle,
        span: Span,
        ctx: Ctx,
    ) -> Result<(), Failure> {
        match style {
            ScalarStyle::Literal | ScalarStyle::Folded => {
                self.check_block_tabs(span, ctx, text.bytes().any(|b| b != b'\n'))
            }
            ScalarStyle::DoubleQuoted => self.check_escapes(span),
            _ => Ok(()),
        }
    }

    /// libyaml stops at a tab where it is still reading a block scalar's indentation: while
    /// it looks for the indentation (the leading blank lines and the first line's spaces),
    /// and on later lines left of the indentation.
    fn check_block_tabs(&self, span: Span, ctx: Ctx, has_content: bool) -> Result<(), Failure> {
        let Some(start) = span.start.byte_offset() else {
            return Ok(());
        };
        let src = self.src.as_bytes();
        let Some(h) = block_header(src, start, has_content) else {
            return Ok(());
        };
        // Header indicators: an explicit indentation digit.
        let mut i = h + 1;
        let mut increment = 0usize;
        while let Some(&b) = src.get(i) {
            match b {
                b'1'..=b'9' => increment = (b - b'0') as usize,
                b'+' | b'-' => {}
                _ => break,
            }
            i += 1;
        }
        let Some(eol) = src[i..].iter().position(|&b| b == b'\n').map(|p| i + p) else {
            return Ok(());
        };
        let mut indent = if increment > 0 {
            if ctx.indent >= 0 {
                ctx.indent as usize + increment
            } else {
                increment
            }
        } else {
            0
        };
        let mut max_indent = 0;
        let mut pos = eol + 1;
        let header_line = self.src[..h].matches('\n').count() + 1;
        let mut line_no = header_line;
        while pos < src.len() {
            line_no += 1;
            let mut col = 0;
            while (indent == 0 || col < indent) && src.get(pos + col) == Some(&b' ') {
                col += 1;
            }
            let next = src.get(pos + col).copied();
            if (indent == 0 || col < indent) && next == Some(b'\t') {
                return Err(self
                    .error(
                        line_no,
                        col + 1,
                        "found a tab character where an indentation space is expected (libyaml reads block scalar indentation as spaces only)",
                    )
                    .into());
            }
            match next {
                None => break,
                Some(b'\n') => {
                    max_indent = max_indent.max(col);
                    pos += col + 1;
                }
                Some(_) => {
                    if indent == 0 {
                        let min = (ctx.indent + 1).max(1) as usize;
                        indent = max_indent.max(col).max(min);
                    }
                    if col < indent {
                        break;
                    }
                    match src[pos..].iter().position(|&b| b == b'\n') {
                        Some(p) => pos += p + 1,
                        None => break,
                    }
                }
            }
        }
        Ok(())
    }

    /// Escapes granit accepts and libyaml does not: `\/`, and `\u` escapes of surrogate
    /// code points (granit joins a pair into one character).
    fn check_escapes(&self, span: Span) -> Result<(), Failure> {
        let Some(src) = span.slice(self.src) else {
            return Ok(());
        };
        if !src.contains('\\') {
            return Ok(());
        }
        let mut chars = src.chars().skip(1);
        while let Some(c) = chars.next() {
            if c != '\\' {
                continue;
            }
            match chars.next() {
                Some('/') => {
                    return Err(self
                        .err_at(
                            Some(span),
                            "found unknown escape character `\\/` (libyaml has no such escape; write `/`)",
                        )
                        .into());
                }
                Some('u') => {
                    let hex: String = chars.clone().take(4).collect();
                    if u32::from_str_radix(&hex, 16).is_ok_and(|v| (0xD800..=0xDFFF).contains(&v)) {
                        return Err(self
                            .err_at(
                                Some(span),
                                "found invalid Unicode character escape code (libyaml refuses surrogate halves such as \\uD83D; write the character or a \\U escape)",
                            )
                            .into());
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Where a block scalar's header (`|` or `>`) is, given where granit's span starts: at the
/// content's first character, or at the header itself when there is no content (the value
/// is only line breaks). The header is the last indicator on the nearest line above the
/// content that is not blank, followed only by indicators and a comment.
fn block_header(src: &[u8], start: usize, has_content: bool) -> Option<usize> {
    let is_header_at = |h: usize| {
        let rest = &src[h + 1..];
        let rest = &rest[..rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len())];
        let ind = rest
            .iter()
            .take_while(|b| matches!(b, b'1'..=b'9' | b'+' | b'-'))
            .count();
        let tail = &rest[ind..];
        let blank = tail
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
            .count();
        ind <= 2 && (blank == tail.len() || (blank > 0 && tail[blank] == b'#'))
    };
    if !has_content && matches!(src.get(start), Some(b'|' | b'>')) && is_header_at(start) {
        return Some(start);
    }
    // Back over the content line's indentation and the blank lines before it.
    let mut end = src[..start.min(src.len())]
        .iter()
        .rposition(|&b| b == b'\n')?;
    loop {
        let line_start = src[..end]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let line = &src[line_start..end];
        if line.iter().any(|b| !matches!(b, b' ' | b'\t' | b'\r')) {
            return (line_start..end)
                .rev()
                .find(|&h| matches!(src[h], b'|' | b'>') && is_header_at(h));
        }
        end = line_start.checked_sub(1)?;
    }
}

/// Whether some line starts with a tab, after spaces.
fn has_line_start_tab(src: &str) -> bool {
    src.contains('\t')
        && src
            .split('\n')
            .any(|l| l.trim_start_matches(' ').starts_with('\t'))
}

/// The node written last: the last value of the last entry, down to a scalar.
fn last_leaf(v: &mut Value) -> &mut Value {
    let has_child = match &*v {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    };
    if !has_child {
        return v;
    }
    match v {
        Value::Object(m) => last_leaf(m.iter_mut().next_back().expect("not empty").1),
        Value::Array(a) => last_leaf(a.last_mut().expect("not empty")),
        other => other,
    }
}

/// A tag as yaml.v3 spells it: `!!str` for the core schema's, else handle and suffix.
fn tag_name(tag: Option<&granit_parser::Tag>) -> Option<String> {
    tag.map(|t| {
        if t.handle() == "tag:yaml.org,2002:" {
            format!("!!{}", t.suffix())
        } else {
            format!("{}{}", t.handle(), t.suffix())
        }
    })
}

/// A scalar's text; granit reports an empty plain scalar (a key with no value) as `~`.
fn source_text<'s>(text: Cow<'s, str>, style: ScalarStyle, span: Span) -> Cow<'s, str> {
    if style == ScalarStyle::Plain && span.start.index() == span.end.index() {
        Cow::Borrowed("")
    } else {
        text
    }
}

fn key_string(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Null => "null".to_string(),
        other => other.to_string(),
    }
}

/// What a scalar resolved to, in yaml.v3's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Null,
    Bool,
    Int,
    Float,
    /// `.inf`, `.nan` and their spellings.
    NonFinite,
    Timestamp,
    Binary,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Str => "a string",
            Kind::Null => "null",
            Kind::Bool => "a bool",
            Kind::Int => "an int",
            Kind::Float | Kind::NonFinite => "a float",
            Kind::Timestamp => "a timestamp",
            Kind::Binary => "binary",
        }
    }
}

/// Resolves a scalar as yaml.v3 decoding into `interface{}` does. With `timestamps`, a
/// date or date-time becomes the RFC 3339 text Go's JSON encoder writes for it; without,
/// it stays a string (sigs.k8s.io/yaml, through go-yaml v2, keeps it).
fn resolve_v3(
    text: &str,
    style: ScalarStyle,
    tag: Option<&str>,
    timestamps: bool,
) -> Result<(Value, Kind), String> {
    let str_value = || Ok((Value::String(text.to_string()), Kind::Str));
    match tag {
        // A non-specific `!` is no tag at all for yaml.v3.
        None | Some("!") => {}
        Some("!!str") => return str_value(),
        Some("!!binary") => {
            let clean: String = text.chars().filter(|c| *c != '\n' && *c != '\r').collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(clean)
                .map_err(|_| "!!binary value contains invalid base64 data".to_string())?;
            return Ok((
                Value::String(String::from_utf8_lossy(&bytes).into_owned()),
                Kind::Binary,
            ));
        }
        Some("!!null") => {
            return match text {
                "" | "~" | "null" | "Null" | "NULL" => Ok((Value::Null, Kind::Null)),
                _ => Err(format!("cannot decode `{text}` as a !!null")),
            };
        }
        Some("!!bool") => {
            return parse_bool(text)
                .map(|b| (Value::Bool(b), Kind::Bool))
                .ok_or_else(|| format!("cannot decode {text:?} as a bool"));
        }
        Some("!!int") => {
            return parse_int(text)
                .map(|v| (v, Kind::Int))
                .ok_or_else(|| format!("cannot decode {text:?} as an int"));
        }
        Some("!!float") => {
            if non_finite(text) {
                return Ok((Value::String(text.to_string()), Kind::NonFinite));
            }
            return match parse_int(text) {
                // yaml.v3 turns an int into a float only when it fits an int64.
                Some(v) if v.as_i64().is_none() => {
                    Err(format!("cannot decode {text:?} as a float"))
                }
                Some(v) => Ok(v.as_f64().and_then(Number::from_f64).map(Value::Number)),
                None => Ok(parse_float(text)),
            }?
            .map(|v| (v, Kind::Float))
            .ok_or_else(|| format!("cannot decode {text:?} as a float"));
        }
        Some("!!timestamp") => {
            return match go_timestamp(text) {
                Some(t) if timestamps => Ok((Value::String(t), Kind::Timestamp)),
                Some(_) => Ok((Value::String(text.to_string()), Kind::Timestamp)),
                None => Err(format!("cannot decode {text:?} as a timestamp")),
            };
        }
        // Other tags (`!!map` on a scalar, local tags) leave the text a string.
        Some(_) => return str_value(),
    }
    if style != ScalarStyle::Plain {
        return str_value();
    }
    if non_finite(text) {
        return Ok((Value::String(text.to_string()), Kind::NonFinite));
    }
    if timestamps
        && text.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && let Some(t) = go_timestamp(text)
    {
        return Ok((Value::String(t), Kind::Timestamp));
    }
    let v = resolve_plain(text);
    let kind = match &v {
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Bool,
        Value::Number(n) if n.is_f64() => Kind::Float,
        Value::Number(_) => Kind::Int,
        _ => Kind::Str,
    };
    Ok((v, kind))
}

/// go-yaml v2's booleans (YAML 1.1).
fn yaml11_bool(text: &str) -> Option<bool> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

/// yaml.v3's spellings of infinity and not-a-number.
fn non_finite(text: &str) -> bool {
    matches!(
        text,
        ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
            | ".nan"
            | ".NaN"
            | ".NAN"
    )
}

/// Whether yaml.v3's writer may keep a literal or folded style for this value (its
/// `yaml_emitter_analyze_scalar`): not empty, no trailing space, no space before a line
/// break, and only characters it counts as printable (tabs allowed; 4-byte UTF-8, CR, NEL
/// and other controls are not).
fn block_allowed(value: &str) -> bool {
    if value.is_empty() || value.ends_with(' ') || value.contains(" \n") {
        return false;
    }
    value.chars().all(|c| {
        matches!(c, '\t' | '\n' | ' '..='~')
            || ('\u{A0}'..='\u{D7FF}').contains(&c)
            || (('\u{E000}'..='\u{FFFD}').contains(&c) && c != '\u{FEFF}')
    })
}

/// What a folded scalar reads back as after yaml.v3 writes it (as kyaml sets it up: no
/// line width) and reads it again; `None` when that is the value itself. yaml.v3's folded
/// writer decides whether to add a blank line after a line from the first character of
/// the whole value (libyaml looks at the next line), so a value starting with a space or
/// tab loses its single line breaks, and a line break before a more-indented line doubles.
fn folded_round_trip(value: &str) -> Option<String> {
    if !block_allowed(value) {
        // Written double-quoted: read back unchanged.
        return None;
    }
    let b = value.as_bytes();
    let mut out = String::with_capacity(value.len() + 64);
    out.push_str("k: >");
    if b[0] == b' ' || b[0] == b'\n' {
        out.push('2');
    }
    let trailing_breaks = b.iter().rev().take_while(|&&c| c == b'\n').count();
    if trailing_breaks == 0 {
        out.push('-');
    } else if trailing_breaks >= 2 || b.len() == 1 {
        out.push('+');
    }
    out.push('\n');
    let lead_breaks = b.iter().take_while(|&&c| c == b'\n').count();
    let extra = !matches!(b.get(lead_breaks), None | Some(b' ' | b'\t'));
    let (mut breaks, mut leading_spaces) = (true, true);
    for c in value.chars() {
        if c == '\n' {
            if !breaks && !leading_spaces && extra {
                out.push('\n');
            }
            out.push('\n');
            breaks = true;
            continue;
        }
        if breaks {
            out.push_str("  ");
            leading_spaces = c == ' ' || c == '\t';
        }
        out.push(c);
        breaks = false;
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("z: 0\n");
    let mut parser = Parser::new_from_str_with_options(&out, parser_options());
    while let Some(Ok((ev, _))) = parser.next_event() {
        if let Event::Scalar(text, ScalarStyle::Folded, _, _) = ev {
            return (text != value).then(|| text.into_owned());
        }
    }
    None
}

/// A yaml.v3 timestamp (Go's `time.Parse` with the layouts `2006-1-2T15:4:5.999999999Z07:00`,
/// the same with `t`, `2006-1-2 15:4:5.999999999` and `2006-1-2`) in the RFC 3339 form
/// Go's JSON encoder writes (`2001-12-14T00:00:00Z`), or `None` when it is not one.
pub fn go_timestamp(text: &str) -> Option<String> {
    let b = text.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let year: u32 = text[..4].parse().ok()?;
    let mut p = Cursor { b, i: 5 };
    let month = p.num()?;
    p.lit(b'-')?;
    let day = p.num()?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    if p.done() {
        return Some(format!("{date}T00:00:00Z"));
    }
    let sep = p.peek()?;
    if !matches!(sep, b'T' | b't' | b' ') {
        return None;
    }
    p.i += 1;
    let hour = p.num()?;
    p.lit(b':')?;
    let minute = p.num()?;
    p.lit(b':')?;
    let second = p.num()?;
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Fractional seconds: any number of digits after `.` or `,`, nine kept.
    let mut frac = String::new();
    if matches!(p.peek(), Some(b'.' | b',')) && p.b.get(p.i + 1).is_some_and(u8::is_ascii_digit) {
        p.i += 1;
        while let Some(d) = p.peek().filter(u8::is_ascii_digit) {
            if frac.len() < 9 {
                frac.push(d as char);
            }
            p.i += 1;
        }
    }
    let frac = frac.trim_end_matches('0');
    let frac = if frac.is_empty() {
        String::new()
    } else {
        format!(".{frac}")
    };
    let time = format!("{hour:02}:{minute:02}:{second:02}{frac}");
    let zone = if sep == b' ' {
        // No zone in this layout: UTC.
        "Z".to_string()
    } else if p.peek() == Some(b'Z') {
        p.i += 1;
        "Z".to_string()
    } else {
        let z = p.b.get(p.i..p.i + 6)?;
        if !matches!(z[0], b'+' | b'-')
            || z[3] != b':'
            || ![z[1], z[2], z[4], z[5]].iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        p.i += 6;
        let hh = (z[1] - b'0') * 10 + (z[2] - b'0');
        let mm = (z[4] - b'0') * 10 + (z[5] - b'0');
        if hh > 24 || mm > 60 {
            return None;
        }
        if hh == 0 && mm == 0 {
            "Z".to_string()
        } else {
            format!("{}{hh:02}:{mm:02}", z[0] as char)
        }
    };
    p.done().then(|| format!("{date}T{time}{zone}"))
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
    fn lit(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }
    /// Go's `getnum(s, false)`: one or two digits.
    fn num(&mut self) -> Option<u32> {
        let d1 = self.peek().filter(u8::is_ascii_digit)?;
        self.i += 1;
        match self.peek().filter(u8::is_ascii_digit) {
            Some(d2) => {
                self.i += 1;
                Some(((d1 - b'0') * 10 + (d2 - b'0')) as u32)
            }
            None => Some((d1 - b'0') as u32),
        }
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Plain-scalar resolution (yaml.v3 `resolve`): null, bool, int, float, else string.
/// Timestamps stay strings, as yaml.v3 keeps them when decoding into `interface{}`.
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        _ => {}
    }
    if let Some(b) = parse_bool(text) {
        return Value::Bool(b);
    }
    let first = text.as_bytes()[0];
    if first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.' {
        if looks_like_timestamp(text) {
            return Value::String(text.to_string());
        }
        if let Some(v) = parse_int(text) {
            return v;
        }
        if let Some(v) = parse_float(text) {
            return v;
        }
    }
    Value::String(text.to_string())
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` after removing underscores, as yaml.v3 does:
/// `0x`, `0o`, `0b` prefixes and a leading `0` meaning octal.
fn parse_int(text: &str) -> Option<Value> {
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    let (neg, digits) = match plain.as_bytes().first()? {
        b'-' => (true, &plain[1..]),
        b'+' => (false, &plain[1..]),
        _ => (false, plain.as_str()),
    };
    if digits.is_empty() {
        return None;
    }
    let (radix, body) = if let Some(r) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, r)
    } else if let Some(r) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        (8, r)
    } else if let Some(r) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, r)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let mag = u64::from_str_radix(body, radix).ok()?;
    if neg {
        if mag <= i64::MAX as u64 + 1 {
            Some(Value::Number(Number::from(
                (mag as i128).wrapping_neg() as i64
            )))
        } else {
            None
        }
    } else if mag <= i64::MAX as u64 {
        Some(Value::Number(Number::from(mag as i64)))
    } else {
        Some(Value::Number(Number::from(mag)))
    }
}

/// yaml.v3's float syntax `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
/// plus `.inf`/`.nan` spellings (which JSON cannot hold, so they are errors later).
fn parse_float(text: &str) -> Option<Value> {
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    let b = plain.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return None;
        }
    } else if int_digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    let f: f64 = plain.parse().ok()?;
    Number::from_f64(f).map(Value::Number)
}

/// yaml.v3 accepts `2006-1-2`, `2006-1-2T15:4:5...` and `2006-1-2 15:4:5...`.
fn looks_like_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    // YYYY-M-D with 4-digit year at least.
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let rest = &text[5..];
    let mut parts = rest.splitn(2, '-');
    let month = parts.next().unwrap_or("");
    let tail = match parts.next() {
        Some(t) => t,
        None => return false,
    };
    if month.is_empty() || month.len() > 2 || !month.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let day_len = tail.bytes().take_while(u8::is_ascii_digit).count();
    if day_len == 0 || day_len > 2 {
        return false;
    }
    let after = &tail[day_len..];
    if after.is_empty() {
        return true;
    }
    let sep = after.as_bytes()[0];
    if sep != b'T' && sep != b't' && sep != b' ' {
        return false;
    }
    // A time part h:m:s must follow.
    let time = &after[1..];
    let mut colon = time.split(':');
    let h = colon.next().unwrap_or("");
    let m = colon.next();
    let s = colon.next();
    !h.is_empty()
        && h.len() <= 2
        && h.bytes().all(|c| c.is_ascii_digit())
        && m.is_some()
        && s.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(text: &str) -> Value {
        parse_one(text, "t.yaml").unwrap()
    }

    #[test]
    fn resolves_scalars_like_yaml_v3() {
        let v = one(
            "a: 0755\nb: yes\nc: 1.0\nd: '1'\ne: ~\nf: 0x1F\ng: 1_000\nh: 2001-12-14\ni: True\nj: .5\nk: -3\nl: 1e3\nm: !!str 12\n",
        );
        assert_eq!(
            v,
            json!({"a": 493, "b": "yes", "c": 1.0, "d": "1", "e": null, "f": 31, "g": 1000,
                   "h": "2001-12-14", "i": true, "j": 0.5, "k": -3, "l": 1000.0, "m": "12"})
        );
    }

    #[test]
    fn anchors_and_merge_keys() {
        let v = one("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\nlist: [*b]\n");
        assert_eq!(v["other"], json!({"y": 3, "x": 1}));
        assert_eq!(v["list"][0], json!({"x": 1, "y": 2}));
    }

    /// The empty nulls of a document, as `(pointer, flow)`.
    fn empty_nulls(doc: &Document) -> Vec<(String, bool)> {
        let mut out: Vec<(String, bool)> = doc
            .empty_nulls
            .iter()
            .map(|e| {
                let path: String = e
                    .path
                    .iter()
                    .map(|s| match s {
                        PathSeg::Key(k) => format!("/{k}"),
                        PathSeg::Index(i) => format!("/{i}"),
                    })
                    .collect();
                (path, e.flow)
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn records_nulls_written_without_text() {
        let text = "kind: K\nmetadata:\n  name: n\n  annotations:\n    a:\n  labels: {l: }\nspec:\n  a:\n  b: ~\n  c: null\n  d: !!null\n  e: !!null ''\n  f: [x, {g: , h: ~}]\n  i:\n  - \n  - k: &e\n    j: *e\n";
        let docs = parse_resources(text, "r.yaml").unwrap();
        let doc = &docs[0];
        // Annotations are rewritten as strings by kustomize; `~` and `null` have text.
        assert_eq!(
            empty_nulls(doc),
            [
                ("/metadata/labels/l", true),
                ("/spec/a", false),
                ("/spec/d", false),
                ("/spec/e", false),
                ("/spec/f/1/g", true),
                ("/spec/i/0", false),
                ("/spec/i/1/j", false),
                ("/spec/i/1/k", false),
            ]
            .map(|(p, f)| (p.to_string(), f))
        );
        // A resource holds a flow one as kustomize prints it when no merge drops it.
        assert_eq!(doc.value["metadata"]["labels"]["l"], json!(""));
        assert_eq!(doc.value["spec"]["a"], Value::Null);
        // A patch keeps it null: a null there deletes.
        let patch = parse_stream(text, "p.yaml").unwrap();
        assert_eq!(patch[0].value["metadata"]["labels"]["l"], Value::Null);
        assert_eq!(empty_nulls(&patch[0]), empty_nulls(doc));
        // Files kustomize reads through JSON record none.
        assert!(parse_one(text, "k.yaml").is_ok());
    }

    #[test]
    fn a_tagged_empty_null_in_flow_stays_null() {
        // yaml.v3 writes `!!null` back, and an untagged empty value as `''`.
        let text = "kind: K\nmetadata: {name: n}\nspec: {a: !!null , b: ! , c: , d: !!str }\n";
        let doc = &parse_resources(text, "r.yaml").unwrap()[0];
        assert_eq!(
            doc.value["spec"],
            json!({"a": null, "b": "", "c": "", "d": ""})
        );
        let marks: Vec<_> = doc.empty_nulls.iter().map(|e| (e.flow, e.tagged)).collect();
        assert_eq!(marks, [(false, true), (true, false), (true, false)]);
    }

    #[test]
    fn empty_nulls_follow_merge_keys_and_list_items() {
        let text = "kind: K\nmetadata: {name: n}\nbase: &b\n  x:\n  y:\n  z: 1\nspec:\n  <<: [{w: }, *b]\n  y: 2\n";
        let doc = &parse_resources(text, "r.yaml").unwrap()[0];
        // `y` is the mapping's own; `x` and `w` come from the merge, and are written in
        // the block mapping they are merged into.
        assert_eq!(
            empty_nulls(doc),
            [
                ("/base/x", false),
                ("/base/y", false),
                ("/spec/w", false),
                ("/spec/x", false)
            ]
            .map(|(p, f)| (p.to_string(), f))
        );
        assert_eq!(doc.value["spec"]["w"], Value::Null);
        // Items kustomize reads as YAML nodes keep their marks; items of other `*List`
        // kinds go through JSON, which loses the texts.
        let list = "apiVersion: v1\nkind: List\nitems:\n- kind: K\n  metadata: {name: a}\n  a:\n";
        let doc = &parse_resources(list, "l.yaml").unwrap()[0];
        assert_eq!(empty_nulls(doc), [("/items/0/a".to_string(), false)]);
        let other = list.replace("kind: List", "kind: KList");
        let doc = &parse_resources(&other, "l.yaml").unwrap()[0];
        assert_eq!(empty_nulls(doc), []);
    }

    #[test]
    fn multi_document_stream_skips_empty_documents() {
        let docs = parse_stream(
            "---\n# only a comment\n---\na: 1\n---\n---\nb: 2\n",
            "s.yaml",
        )
        .unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].value, json!({"a": 1}));
        assert_eq!(docs[1].line, 7);
    }

    #[test]
    fn syntax_error_names_file_line_and_column() {
        let err = parse_stream("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml").unwrap_err();
        assert_eq!(err.file, "bad.yaml");
        assert!(err.line >= 2, "{err}");
        assert!(err.to_string().starts_with("bad.yaml:"), "{err}");
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse_stream("a: 1\na: 2\n", "dup.yaml").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("already defined"));
    }

    fn resource(text: &str) -> Value {
        let mut docs = parse_resources(text, "r.yaml").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(docs.len(), 1, "{text:?}");
        docs.remove(0).value
    }

    fn resource_err(text: &str) -> YamlError {
        match parse_resources(text, "r.yaml") {
            Ok(docs) => panic!("expected an error for {text:?}, got {docs:?}"),
            Err(e) => e,
        }
    }

    fn patch(text: &str) -> Value {
        parse_stream(text, "p.yaml").unwrap().remove(0).value
    }

    // Expected values below are what kustomize v5.5.0 prints for the same input
    // (checked with `kustomize build`; scripts/diff-loader.sh runs that comparison).

    #[test]
    fn block_scalar_at_end_of_input_gets_no_line_break() {
        // Issue 9, part 2: clip chomping keeps only a line break that is there.
        for (src, want) in [
            ("a: |\n  hello", "hello"),
            ("a: >\n  hello", "hello"),
            ("a: |+\n  hello", "hello"),
            ("a: |-\n  hello", "hello"),
            ("a: |\n  a\n  b", "a\nb"),
            ("a: >\n  a\n  b", "a b"),
            ("a: |\n  hello\n", "hello\n"),
            ("a: |+\n  hello\n\n", "hello\n\n"),
            ("a: |\n  hello\n\n  ", "hello\n"),
            ("a: |+\n  ", ""),
        ] {
            assert_eq!(resource(src)["a"], json!(want), "{src:?}");
            // kustomization files and JSON 6902 patches are read by libyaml as well.
            assert_eq!(
                parse_one(src, "k.yaml").unwrap()["a"],
                json!(want),
                "{src:?}"
            );
        }
        assert_eq!(
            resource("a: |\r\n  x\r\n  y")["a"],
            json!("x\ny"),
            "CRLF and no final newline"
        );
    }

    #[test]
    fn annotations_that_are_not_a_map_are_dropped_from_resources() {
        // Issue 9, part 2b: kustomize reads them as no annotations and writes none back.
        for ann in ["", " ~", " null", " \"\"", " 5", " []"] {
            let v = resource(&format!(
                "metadata:\n  name: s\n  annotations:{ann}\n  labels:\n    app: x\n"
            ));
            assert_eq!(
                v["metadata"],
                json!({"name": "s", "labels": {"app": "x"}}),
                "annotations:{ann}"
            );
        }
        // A null `labels` stays: kustomize does not rewrite labels.
        assert_eq!(
            resource("metadata:\n  name: s\n  labels:\n")["metadata"],
            json!({"name": "s", "labels": null})
        );
        // kustomize v5.5.0 panics on a list with items there.
        let e = resource_err("metadata:\n  name: s\n  annotations: [a]\n");
        assert_eq!((e.line, e.column), (3, 16), "{e}");
        // In a strategic-merge patch a null deletes, so it stays.
        assert_eq!(
            patch("metadata:\n  annotations:\n")["metadata"],
            json!({"annotations": null})
        );
    }

    #[test]
    fn annotation_values_are_their_source_text() {
        let v = resource(
            "metadata:\n  annotations:\n    a: 0x1F\n    b: 1e3\n    c: True\n    d: ~\n    e: null\n    f:\n    g: 5.\n    h: {x: 1}\n    i: [a]\n    j: &x 0755\n    k: *x\n    l: .inf\n    a: last\n",
        );
        assert_eq!(
            v["metadata"]["annotations"],
            json!({"a": "last", "b": "1e3", "c": "True", "d": "~", "e": "null", "f": "",
                   "g": "5.", "h": "", "i": "", "j": "0755", "k": "0755", "l": ".inf"})
        );
        // In a patch, values are text too, but a null deletes the annotation.
        let p = patch("metadata:\n  annotations:\n    a: 0x1F\n    b: ~\n");
        assert_eq!(
            p["metadata"]["annotations"],
            json!({"a": "0x1F", "b": null})
        );
        // Labels keep their types.
        let v = resource("metadata:\n  labels:\n    a: 0x1F\n    b: ~\n");
        assert_eq!(v["metadata"]["labels"], json!({"a": 31, "b": null}));
    }

    #[test]
    fn items_of_a_list_are_read_as_kustomize_expands_them() {
        let list = |kind: &str| {
            format!(
                "apiVersion: v1\nkind: {kind}\nitems:\n- kind: ConfigMap\n  metadata:\n    name: x\n    annotations:\n      a: 0x1F\n  data:\n    f: {{k: }}\n"
            )
        };
        // A lone `List` is unwrapped into YAML nodes: source text, writer round trip.
        let v = resource(&list("List"));
        assert_eq!(v["items"][0]["metadata"]["annotations"]["a"], json!("0x1F"));
        assert_eq!(v["items"][0]["data"]["f"], json!({"k": ""}));
        // Other lists, or a `List` among other documents, go through JSON.
        for text in [
            list("ConfigMapList"),
            format!("{}---\na: 1\n", list("List")),
        ] {
            let docs = parse_resources(&text, "r.yaml").unwrap();
            let item = &docs[0].value["items"][0];
            assert_eq!(item["metadata"]["annotations"]["a"], json!(31), "{text}");
            assert_eq!(item["data"]["f"], json!({"k": null}), "{text}");
        }
    }

    #[test]
    fn plain_dates_come_out_as_rfc3339_timestamps() {
        let v = resource(
            "a: 2001-12-14\nb: 2002-1-1\nc: 2001-12-14t21:59:43.10-05:00\nd: 2001-12-14 21:59:43.10 -5\ne: 2001-12-14 21:59:43\nf: 2001-12-14T21:59:43.123456789123+05:30\ng: 2001-12-14T21:59:43,5Z\nh: 2001-12-14T21:59:43+00:00\ni: 2001-12-14T1:2:3Z\nj: 2001-2-30\nk: 2024-02-29\nl: 2023-02-29\nm: \"2001-12-14\"\nn: !!timestamp 2001-12-14\no: 2001-12-14T21:59:43-00:30\np: 2001-12-14T21:59:43.000Z\nq: 12001-12-14\n",
        );
        assert_eq!(
            v,
            json!({"a": "2001-12-14T00:00:00Z", "b": "2002-01-01T00:00:00Z",
                   "c": "2001-12-14T21:59:43.1-05:00", "d": "2001-12-14 21:59:43.10 -5",
                   "e": "2001-12-14T21:59:43Z", "f": "2001-12-14T21:59:43.123456789+05:30",
                   "g": "2001-12-14T21:59:43.5Z", "h": "2001-12-14T21:59:43Z",
                   "i": "2001-12-14T01:02:03Z", "j": "2001-2-30", "k": "2024-02-29T00:00:00Z",
                   "l": "2023-02-29", "m": "2001-12-14", "n": "2001-12-14T00:00:00Z",
                   "o": "2001-12-14T21:59:43-00:30", "p": "2001-12-14T21:59:43Z",
                   "q": "12001-12-14"})
        );
        // sigs.k8s.io/yaml (kustomization files) keeps them as written.
        assert_eq!(
            parse_one("a: 2001-12-14\n", "k.yaml").unwrap(),
            json!({"a": "2001-12-14"})
        );
    }

    #[test]
    fn the_writer_round_trip_is_reproduced() {
        // An empty plain value in a flow collection is written `''`.
        let v = resource("a: {b: }\nc: [d: ]\ne: {f}\ng: {h: ~}\ni:\n");
        assert_eq!(
            v,
            json!({"a": {"b": ""}, "c": [{"d": ""}], "e": {"f": ""}, "g": {"h": null}, "i": null})
        );
        assert_eq!(
            patch("a: {b: }\n"),
            json!({"a": {"b": null}}),
            "a patch deletes with it"
        );
        // yaml.v3's folded writer: an extra line break before a more-indented line, and
        // none at all when the value starts with a space.
        assert_eq!(
            resource("j: >\n  a\n  \tb\n  c\n")["j"],
            json!("a\n\n\tb\nc\n")
        );
        assert_eq!(
            resource("k: >2\n   x\n  y\n\n  z\n")["k"],
            json!(" x\ny z\n")
        );
        // Keep chomping and a comment after the document's last node: one more break.
        assert_eq!(resource("a: |+\n  x\n\n# c\n")["a"], json!("x\n\n\n"));
        assert_eq!(resource("a: |+\n  x\n\n# c\nb: 1\n")["a"], json!("x\n\n"));
        assert_eq!(
            resource("a:\n  b: |+\n    x\n\n  # c\n# d\n")["a"]["b"],
            json!("x\n\n")
        );
        // A comment after a field of `metadata`, when kustomize writes the annotations last.
        let v = resource("metadata:\n  annotations:\n    a: |+\n      on\n\n  labels:\n  # c\n");
        assert_eq!(v["metadata"]["annotations"]["a"], json!("on\n\n\n"));
        assert_eq!(resource("a: |+\n  x\n\n...\n# c\n")["a"], json!("x\n\n\n"));
        assert_eq!(
            resource("a: |+\n  x\n\n...\nb: 1\n# c\n")["a"],
            json!("x\n\n")
        );
        // A block whose first line starts with a tab is written where indentation is read.
        let e = resource_err("a: |2-\n  \tx\n");
        assert!(e.message.contains("starts with a tab"), "{e}");
        assert_eq!(
            parse_one("a: |2-\n  \tx\n", "k.yaml").unwrap(),
            json!({"a": "\tx"})
        );
        let e = resource_err("metadata:\n  annotations:\n    a: \"\\tx\\ny\"\n");
        assert!(e.message.contains("starts with a tab"), "{e}");
    }

    #[test]
    fn tags_resolve_like_yaml_v3() {
        let v = resource(
            "a: ! 5\nb: !custom 5\nc: !!binary aGVsbG8=\nd: !!binary |\n  aGVs\n  bG8=\ne: !!str 5\nf: !!float 1\ng: ! \"5\"\n",
        );
        assert_eq!(
            v,
            json!({"a": 5, "b": "5", "c": "hello", "d": "hello", "e": "5", "f": 1.0, "g": "5"})
        );
        assert!(resource_err("a: !!int x\n").message.contains("as an int"));
        assert!(
            resource_err("a: !!float 9223372036854775808\n")
                .message
                .contains("as a float")
        );
        assert_eq!(resource("a: !!float 0x1F\n")["a"], json!(31.0));
        assert!(resource_err("a: !!binary ???\n").message.contains("base64"));
    }

    #[test]
    fn values_kustomize_cannot_print_are_errors() {
        for src in ["a: .inf\n", "a: -.Inf\n", "a: .NaN\n", "a: !!float .inf\n"] {
            let e = resource_err(src);
            assert!(e.message.contains("JSON cannot hold"), "{src}: {e}");
        }
        for src in [
            "a:\n  1: x\n",
            "a:\n  true: x\n",
            "a:\n  ~: x\n",
            "a:\n  2001-12-14: x\n",
            "a:\n  ? [x]\n  : y\n",
        ] {
            let e = resource_err(src);
            assert!(e.message.contains("key"), "{src}: {e}");
        }
        // At a document's root and in annotations kustomize uses the key's text.
        assert_eq!(resource("1: x\n~: y\n"), json!({"1": "x", "": "y"}));
        assert_eq!(
            resource("metadata:\n  annotations:\n    1: x\n")["metadata"]["annotations"],
            json!({"1": "x"})
        );
        // An empty key is written `''`.
        assert_eq!(resource("a:\n  ? \n  : x\n"), json!({"a": {"": "x"}}));
    }

    #[test]
    fn documents_are_split_as_kyaml_does() {
        // Only the first document of each `---` piece is read.
        let docs = parse_resources("a: 1\n...\nb: 2\n", "r.yaml").unwrap();
        assert_eq!(
            docs.iter().map(|d| &d.value).collect::<Vec<_>>(),
            [&json!({"a": 1})]
        );
        let docs = parse_resources("a: 1\n...\n]\n---\nb: 2\n", "r.yaml").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].line, 5);
        for src in ["a: 1\n--- x\nb: 2\n", "a: 1\n----\nb: 2\n"] {
            let e = resource_err(src);
            assert!(e.message.contains("invalid document separator"), "{e}");
            assert_eq!(e.line, 2, "{e}");
        }
        assert_eq!(
            parse_resources("a: 1\n--- # c\nb: 2\n", "r.yaml")
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn libyaml_scanner_rules() {
        // `\'` is an escape for libyaml; `\/` and surrogate halves are not.
        assert_eq!(resource("a: \"it\\'s \\'x\\'\"\n")["a"], json!("it's 'x'"));
        assert_eq!(
            parse_one("a: \"it\\'s\"\n", "k.yaml").unwrap()["a"],
            json!("it's")
        );
        for src in ["a: \"\\/\"\n", "a: \"\\uD83D\\uDE00\"\n"] {
            assert!(parse_resources(src, "r.yaml").is_err(), "{src}");
        }
        // A tab where block-scalar indentation is read (still looking for it, or left of
        // it) stops libyaml; after the indentation it is content.
        for src in [
            "a: |\n  \tx\n",
            "a: |\n  \n\t\n  x\n",
            "a: |\n    x\n  \ty\n",
        ] {
            let e = parse_one(src, "k.yaml").unwrap_err();
            assert!(e.message.contains("tab"), "{src}: {e}");
        }
        assert_eq!(
            parse_one("a: |\n  x\n  \ty\n", "k.yaml").unwrap()["a"],
            json!("x\n\ty\n")
        );
        assert_eq!(
            parse_one("a: |2\n  \tx\n", "k.yaml").unwrap()["a"],
            json!("\tx\n")
        );
        let e = parse_one("a: b\nc: |\n  x\n  \ty\n \tz\n", "k.yaml").unwrap_err();
        assert_eq!(e.line, 5);
        // A tab at the start of a line, outside scalars and flow collections, cannot start
        // a token; where a plain scalar may continue, it must not be left of its indentation.
        for src in [
            "a:\n  \tb\n",
            "a: !\n  \tb\n",
            "\ta: b\n",
            "a: 'x'\n\t\nb: 2\n",
            "a: b\n\t\nc: d\n",
            "a: b\n\n\t# c\nc: d\n",
            "a: b # c\n  \t\nc: d\n",
        ] {
            let e = parse_one(src, "k.yaml").expect_err(src);
            assert!(e.message.contains("tab"), "{src:?}: {e}");
            assert!(parse_resources(src, "r.yaml").is_err(), "{src:?}");
        }
        for (src, want) in [
            ("a:\tb\n", json!({"a": "b"})),
            ("a: b\n  \t# c\nc: d\n", json!({"a": "b", "c": "d"})),
            ("a: b\n  \tc\n", json!({"a": "b c"})),
            ("a: 'x\n\ty'\n", json!({"a": "x y"})),
            ("a: |\n  x\n  \ty\n", json!({"a": "x\n\ty\n"})),
        ] {
            assert_eq!(parse_one(src, "k.yaml").unwrap(), want, "{src:?}");
        }
    }

    #[test]
    fn json6902_patches_resolve_like_go_yaml_v2() {
        // kustomize prints `x: true` for `value: y` in a JSON 6902 patch.
        let ops = parse_json6902(
            "- op: add\n  path: /a\n  value: [y, Yes, on, n, OFF, \"yes\", 0x1F, yes!]\n  value: [y, Yes, on, n, OFF, \"yes\", 0x1F, 2001-12-14]\n",
            "p.yaml",
        )
        .unwrap();
        assert_eq!(
            ops[0]["value"],
            json!([true, true, true, false, false, "yes", 31, "2001-12-14"])
        );
        assert!(parse_json6902("- value: .inf\n", "p.yaml").is_err());
        assert_eq!(
            parse_json6902("- value: !\n  path: ! 5\n", "p.yaml").unwrap(),
            json!([{"value": "", "path": "5"}])
        );
    }

    #[test]
    fn go_timestamps() {
        assert_eq!(
            go_timestamp("2001-12-14").as_deref(),
            Some("2001-12-14T00:00:00Z")
        );
        assert_eq!(
            go_timestamp("2001-12-14T21:59:43.0001000Z").as_deref(),
            Some("2001-12-14T21:59:43.0001Z")
        );
        for bad in [
            "2001-12-14T24:00:00Z",
            "2001-12-14T21:59:60Z",
            "2001-00-14",
            "2001-12-14T21:59:43",
            "2001-12-14T21:59:43+5:00",
            "2001-12-14x",
            "200-12-14",
        ] {
            assert_eq!(go_timestamp(bad), None, "{bad}");
        }
    }
}
