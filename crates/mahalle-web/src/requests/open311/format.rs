//! One value tree written as JSON or XML, as GeoReport v2 asks: the XML is schemaless (root
//! element, one element per item, one child per field) and the JSON is its Spark-convention
//! mapping (a top-level array of objects).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// Splits `name.json` / `name.xml` into the name and the format.
    pub fn split(file: &str) -> Option<(&str, Format)> {
        let (name, ext) = file.rsplit_once('.')?;
        let f = match ext.to_ascii_lowercase().as_str() {
            "json" => Format::Json,
            "xml" => Format::Xml,
            _ => return None,
        };
        Some((name, f))
    }
}

/// A field value.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    S(String),
    I(i64),
    F(f64),
    B(bool),
    Null,
    /// An object: fields in order.
    O(Vec<(&'static str, V)>),
    /// A list whose XML items are elements named by the first field.
    L(&'static str, Vec<V>),
}

impl From<&str> for V {
    fn from(s: &str) -> V {
        V::S(s.to_string())
    }
}
impl From<String> for V {
    fn from(s: String) -> V {
        V::S(s)
    }
}
impl From<Option<String>> for V {
    fn from(s: Option<String>) -> V {
        s.map_or(V::Null, V::S)
    }
}
impl From<Option<f64>> for V {
    fn from(v: Option<f64>) -> V {
        v.map_or(V::Null, V::F)
    }
}

fn json(v: &V) -> serde_json::Value {
    use serde_json::Value;
    match v {
        V::S(s) => Value::String(s.clone()),
        V::I(i) => Value::from(*i),
        V::F(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        V::B(b) => Value::Bool(*b),
        V::Null => Value::Null,
        V::O(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), json(v)))
                .collect(),
        ),
        V::L(_, items) => Value::Array(items.iter().map(json).collect()),
    }
}

/// Escapes text for XML, dropping characters XML 1.0 cannot carry at all.
fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

fn xml(tag: &str, v: &V, out: &mut String) {
    match v {
        V::Null => {
            out.push('<');
            out.push_str(tag);
            out.push_str("/>");
            return;
        }
        V::L(item, items) => {
            out.push('<');
            out.push_str(tag);
            out.push('>');
            for i in items {
                xml(item, i, out);
            }
        }
        _ => {
            out.push('<');
            out.push_str(tag);
            out.push('>');
            match v {
                V::S(s) => escape(s, out),
                V::I(i) => out.push_str(&i.to_string()),
                V::F(f) => out.push_str(&f.to_string()),
                V::B(b) => out.push_str(if *b { "true" } else { "false" }),
                V::O(fields) => {
                    for (k, v) in fields {
                        xml(k, v, out);
                    }
                }
                V::Null | V::L(..) => unreachable!(),
            }
        }
    }
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

/// The document for a root element (e.g. `services`) holding `v`.
pub fn render(format: Format, root: &str, v: &V) -> String {
    match format {
        Format::Json => json(v).to_string(),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
            xml(root, v, &mut out);
            out.push('\n');
            out
        }
    }
}

pub fn respond(format: Format, status: StatusCode, root: &str, v: &V) -> Response {
    let ct = match format {
        Format::Json => "application/json; charset=utf-8",
        Format::Xml => "text/xml; charset=utf-8",
    };
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(ct))],
        render(format, root, v),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> V {
        V::L(
            "service",
            vec![V::O(vec![
                ("service_code", "SL-01".into()),
                ("service_name", "چراغ <خاموش> & \"شکسته\"".into()),
                ("metadata", V::B(true)),
                ("lat", V::F(35.7)),
                ("account_id", V::Null),
                ("id", V::I(7)),
            ])],
        )
    }

    #[test]
    fn json_is_an_array_of_objects() {
        let s = render(Format::Json, "services", &sample());
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v[0]["service_code"], "SL-01");
        assert_eq!(v[0]["metadata"], true);
        assert_eq!(v[0]["lat"], 35.7);
        assert!(v[0]["account_id"].is_null());
    }

    #[test]
    fn xml_escapes_and_nests() {
        let s = render(Format::Xml, "services", &sample());
        assert!(s.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<services><service><service_code>SL-01</service_code>"));
        assert!(
            s.contains("<service_name>چراغ &lt;خاموش&gt; &amp; &quot;شکسته&quot;</service_name>")
        );
        assert!(s.contains(
            "<metadata>true</metadata><lat>35.7</lat><account_id/><id>7</id></service></services>"
        ));
        let mut out = String::new();
        escape("a\u{0}b\u{1b}c\nd", &mut out);
        assert_eq!(out, "abc\nd");
    }

    #[test]
    fn formats_from_file_names() {
        assert_eq!(
            Format::split("services.json"),
            Some(("services", Format::Json))
        );
        assert_eq!(Format::split("SL-01.XML"), Some(("SL-01", Format::Xml)));
        assert_eq!(Format::split("a.b.json"), Some(("a.b", Format::Json)));
        assert_eq!(Format::split("services"), None);
        assert_eq!(Format::split("services.html"), None);
    }
}
