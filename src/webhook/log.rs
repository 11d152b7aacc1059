//! Structured logs on stderr: one line per event, as `key=value` text or JSON lines (`--log-format json`).

use std::io::Write;

use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// A logger; cheap to clone.
#[derive(Debug, Clone, Copy)]
pub struct Log {
    pub format: Format,
}

impl Log {
    pub fn new(format: Format) -> Self {
        Log { format }
    }

    pub fn info(&self, event: &str, fields: Value) {
        self.write("info", event, fields)
    }

    pub fn warn(&self, event: &str, fields: Value) {
        self.write("warn", event, fields)
    }

    pub fn error(&self, event: &str, fields: Value) {
        self.write("error", event, fields)
    }

    fn write(&self, level: &str, event: &str, fields: Value) {
        let line = line(self.format, level, event, fields);
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
    }
}

/// One log line (with its line break).
pub fn line(format: Format, level: &str, event: &str, fields: Value) -> String {
    let time = humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string();
    let fields = match fields {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        other => {
            let mut m = Map::new();
            m.insert("value".into(), other);
            m
        }
    };
    match format {
        Format::Json => {
            let mut m = Map::new();
            m.insert("time".into(), Value::String(time));
            m.insert("level".into(), Value::String(level.into()));
            m.insert("event".into(), Value::String(event.into()));
            for (k, v) in fields {
                m.insert(k, v);
            }
            format!("{}\n", Value::Object(m))
        }
        Format::Text => {
            let mut s = format!("{time} {:<5} {event}", level.to_uppercase());
            for (k, v) in fields {
                let v = match v {
                    Value::String(s) if !s.contains([' ', '"', '=']) && !s.is_empty() => s,
                    Value::String(s) => format!("{s:?}"),
                    other => other.to_string(),
                };
                s.push_str(&format!(" {k}={v}"));
            }
            s.push('\n');
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats() {
        let j = line(
            Format::Json,
            "info",
            "release-finished",
            serde_json::json!({"workload": "deployment/api (namespace dev)", "ms": 12}),
        );
        let v: Value = serde_json::from_str(j.trim_end()).unwrap();
        assert_eq!(v["event"], "release-finished");
        assert_eq!(v["ms"], 12);
        let t = line(
            Format::Text,
            "warn",
            "x",
            serde_json::json!({"a": "b c", "n": 1, "s": "plain"}),
        );
        assert!(t.contains("WARN  x a=\"b c\" n=1 s=plain"), "{t}");
    }
}
