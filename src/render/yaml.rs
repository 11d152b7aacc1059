//! Loading YAML text into documents, resolving scalars the way kustomize's yaml.v3 does.
//!
//! kustomize reads files with yaml.v3 and later turns each resource into JSON by
//! decoding it into Go `interface{}` values, so the types a plain scalar gets here
//! (`0755` is the int 493, `yes` stays a string, `1.0` is a float) follow yaml.v3's
//! resolver, not YAML 1.2 strictly. Positions are kept for error messages.

use std::collections::HashMap;

use granit_parser::{Event, Parser, ScalarStyle, Span};
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
}

/// Parses a YAML stream into its documents. Empty documents (only comments,
/// or a bare `---`) are dropped, as kustomize drops them.
pub fn parse_stream(text: &str, file: &str) -> Result<Vec<Document>, YamlError> {
    let mut loader = Loader {
        parser: Parser::new_from_str(text),
        file,
        anchors: HashMap::new(),
        last_span: None,
    };
    loader.stream()
}

/// Parses text that must hold exactly one document (a kustomization, a patch file).
/// Returns `Value::Null` for an empty text.
pub fn parse_one(text: &str, file: &str) -> Result<Value, YamlError> {
    let mut docs = parse_stream(text, file)?;
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

struct Loader<'a> {
    parser: Parser<'a, granit_parser::StrInput<'a>>,
    file: &'a str,
    anchors: HashMap<usize, Value>,
    last_span: Option<Span>,
}

impl<'a> Loader<'a> {
    fn err_at(&self, span: Option<Span>, message: impl Into<String>) -> YamlError {
        let (line, column) = span
            .map(|s| (s.start.line(), s.start.col() + 1))
            .unwrap_or((1, 1));
        YamlError {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    fn next(&mut self) -> Result<(Event<'a>, Span), YamlError> {
        loop {
            match self.parser.next_event() {
                None => return Err(self.err_at(self.last_span, "unexpected end of YAML")),
                Some(Err(e)) => {
                    let m = e.marker();
                    return Err(YamlError {
                        file: self.file.to_string(),
                        line: m.line(),
                        column: m.col() + 1,
                        message: e.info(),
                    });
                }
                Some(Ok((Event::Comment(..), _))) => continue,
                Some(Ok((Event::Anchor(..), _))) => continue,
                Some(Ok((ev, span))) => {
                    self.last_span = Some(span);
                    return Ok((ev, span));
                }
            }
        }
    }

    fn stream(&mut self) -> Result<Vec<Document>, YamlError> {
        let mut docs = Vec::new();
        loop {
            let (ev, span) = self.next()?;
            match ev {
                Event::StreamStart => {}
                Event::StreamEnd => return Ok(docs),
                Event::DocumentStart(..) => {
                    self.anchors.clear();
                    let (ev, vspan) = self.next()?;
                    let value = if matches!(ev, Event::DocumentEnd) {
                        Value::Null
                    } else {
                        let v = self.node(ev, vspan)?;
                        let (end, espan) = self.next()?;
                        if !matches!(end, Event::DocumentEnd) {
                            return Err(self.err_at(Some(espan), "expected end of document"));
                        }
                        v
                    };
                    if !value.is_null() {
                        docs.push(Document {
                            value,
                            line: vspan.start.line().max(span.start.line()),
                        });
                    }
                }
                _ => return Err(self.err_at(Some(span), "unexpected YAML event")),
            }
        }
    }

    fn node(&mut self, ev: Event<'a>, span: Span) -> Result<Value, YamlError> {
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| {
                    if t.handle() == "tag:yaml.org,2002:" {
                        format!("!!{}", t.suffix())
                    } else {
                        format!("{}{}", t.handle(), t.suffix())
                    }
                });
                let v = resolve_scalar(&text, style, tag.as_deref())
                    .map_err(|m| self.err_at(Some(span), m))?;
                if anchor != 0 {
                    self.anchors.insert(anchor, v.clone());
                }
                Ok(v)
            }
            Event::Alias(id) => self
                .anchors
                .get(&id)
                .cloned()
                .ok_or_else(|| self.err_at(Some(span), "unknown anchor")),
            Event::SequenceStart(_, anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let (ev, s) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(ev, s)?);
                }
                let v = Value::Array(items);
                if anchor != 0 {
                    self.anchors.insert(anchor, v.clone());
                }
                Ok(v)
            }
            Event::MappingStart(_, anchor, _) => {
                let mut map = Map::new();
                let mut merges: Vec<(Value, Span)> = Vec::new();
                loop {
                    let (kev, kspan) = self.next()?;
                    if matches!(kev, Event::MappingEnd) {
                        break;
                    }
                    let is_merge =
                        matches!(&kev, Event::Scalar(t, ScalarStyle::Plain, _, _) if t == "<<");
                    let key = self.node(kev, kspan)?;
                    let (vev, vspan) = self.next()?;
                    let value = self.node(vev, vspan)?;
                    if is_merge {
                        merges.push((value, vspan));
                        continue;
                    }
                    let key = key_string(&key);
                    if map.contains_key(&key) {
                        return Err(self
                            .err_at(Some(kspan), format!("mapping key {key:?} already defined")));
                    }
                    map.insert(key, value);
                }
                // Merge keys fill in what the mapping does not set itself.
                for (merged, mspan) in merges {
                    let sources = match merged {
                        Value::Object(m) => vec![m],
                        Value::Array(items) => {
                            let mut out = Vec::new();
                            for item in items {
                                match item {
                                    Value::Object(m) => out.push(m),
                                    _ => {
                                        return Err(self.err_at(
                                            Some(mspan),
                                            "map merge requires a map or a sequence of maps",
                                        ));
                                    }
                                }
                            }
                            out
                        }
                        _ => {
                            return Err(self.err_at(
                                Some(mspan),
                                "map merge requires a map or a sequence of maps",
                            ));
                        }
                    };
                    for src in sources {
                        for (k, v) in src {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
                let v = Value::Object(map);
                if anchor != 0 {
                    self.anchors.insert(anchor, v.clone());
                }
                Ok(v)
            }
            _ => Err(self.err_at(Some(span), "unexpected YAML event")),
        }
    }
}

fn key_string(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Null => "null".to_string(),
        other => other.to_string(),
    }
}

/// Resolves one scalar to a typed value as yaml.v3 decoding into `interface{}` does.
pub fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Result<Value, String> {
    match tag {
        Some("!!str") | Some("!") | Some("!!binary") => return Ok(Value::String(text.to_string())),
        Some("!!null") => return Ok(Value::Null),
        Some("!!bool") => {
            return parse_bool(text)
                .map(Value::Bool)
                .ok_or_else(|| format!("cannot decode {text:?} as a bool"));
        }
        Some("!!int") => {
            return parse_int(text).ok_or_else(|| format!("cannot decode {text:?} as an int"));
        }
        Some("!!float") => {
            return parse_int(text)
                .or_else(|| parse_float(text))
                .ok_or_else(|| format!("cannot decode {text:?} as a float"));
        }
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text.to_string()));
    }
    Ok(resolve_plain(text))
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
}
