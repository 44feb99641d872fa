//! Spec text to JSON values: UTF-8, not empty, valid YAML (JSON is YAML).
//!
//! Values are built by our own serde visitor rather than by
//! `serde_json::Value`'s, for one reason: numbers. YAML integers beyond the
//! 64-bit ranges (DigitalOcean writes `maximum: 18446744073709551616`) reach
//! the visitor as `u128`/`i128`, which `serde_json::Value` refuses with
//! "number out of range", rejecting the whole document over a bound no Rust
//! integer could reach anyway. Here they are read as the nearest `f64`, as
//! JSON parsers do, and an infinite float as the largest finite one.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::{Problem, ProblemKind};

/// The text of `bytes`, and the document it holds; `file` is for messages.
pub(crate) fn parse(file: &str, bytes: &[u8]) -> Result<(String, Value), Problem> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.valid_up_to();
            let before = &bytes[..offset];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count()
                + 1;
            let byte = bytes.get(offset).copied().unwrap_or(0);
            return Err(Problem::at(
                ProblemKind::Utf8,
                file,
                line,
                column,
                format!(
                    "not UTF-8 text (invalid byte 0x{byte:02x} at offset {offset}); save the spec as UTF-8"
                ),
            ));
        }
    };
    if text.trim().is_empty() {
        return Err(Problem::at(
            ProblemKind::Empty,
            file,
            1,
            1,
            "the file is empty; expected an OpenAPI 3.0.x document".to_string(),
        ));
    }
    // JSON is YAML, but a JSON parser reads it several times faster (most
    // published specs are JSON); anything it refuses goes to the YAML
    // parser, whose messages say where and why.
    if text.trim_start().starts_with('{')
        && let Ok(value) = serde_json::from_str::<Loose>(text)
    {
        return Ok((text.to_string(), value.0));
    }
    let value = serde_yaml_ng::from_str::<Loose>(text).map_err(|e| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        let message = e.to_string();
        let suffix = format!(" at line {line} column {column}");
        let message = message.strip_suffix(&suffix).unwrap_or(&message);
        let hint = yaml_hint(text, line, message);
        Problem::at(
            ProblemKind::Yaml,
            file,
            line,
            column,
            format!("invalid YAML: {message}{hint}"),
        )
    })?;
    Ok((text.to_string(), value.0))
}

/// What to do about the YAML errors people make most.
fn yaml_hint(text: &str, line: usize, message: &str) -> &'static str {
    let tab = text
        .lines()
        .nth(line.saturating_sub(1))
        .is_some_and(|l| l.trim_start_matches(' ').starts_with('\t'));
    if tab {
        "; the line is indented with a tab, and YAML allows only spaces"
    } else if message.contains("recursion limit") {
        "; the document nests more than 128 levels deep"
    } else {
        ""
    }
}

/// A JSON value read without refusing big numbers.
struct Loose(Value);

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LooseVisitor).map(Loose)
    }
}

struct LooseVisitor;

/// A float as a JSON number: infinities become the largest finite value
/// (`1e400` is "very large", not "no bound"); NaN cannot be written in YAML
/// as a number, but would become null.
fn float(x: f64) -> Value {
    let x = if x.is_infinite() {
        f64::MAX.copysign(x)
    } else {
        x
    };
    Number::from_f64(x).map_or(Value::Null, Value::Number)
}

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(match i64::try_from(v) {
            Ok(v) => Value::Number(v.into()),
            Err(_) => match u64::try_from(v) {
                Ok(v) => Value::Number(v.into()),
                // Beyond 64 bits: the nearest float, as JSON parsers read it.
                Err(_) => float(v as f64),
            },
        })
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(match u64::try_from(v) {
            Ok(v) => Value::Number(v.into()),
            Err(_) => float(v as f64),
        })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Loose::deserialize(d).map(|l| l.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Loose(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        // Keys are read as strings, as `serde_json::Value` reads them: a
        // YAML key `200:` is the string "200".
        while let Some(key) = map.next_key::<String>()? {
            let Loose(value) = map.next_value()?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_beyond_64_bits_are_read() {
        let (_, v) = parse(
            "t.yaml",
            b"a: 18446744073709551616\nb: -9223372036854775809\nc: 18446744073709551615\ne: 12\n",
        )
        .unwrap_or_else(|p| panic!("{p}"));
        assert_eq!(v["a"].as_f64(), Some(18_446_744_073_709_551_616.0));
        assert_eq!(v["b"].as_f64(), Some(-9_223_372_036_854_775_809.0));
        assert_eq!(v["c"].as_u64(), Some(u64::MAX));
        assert_eq!(v["e"].as_i64(), Some(12));
    }

    #[test]
    fn values_are_what_serde_json_reads() {
        let text = "a: [1, -2, 2.5, 'x', true, null, ~]\n200: {b: c}\n";
        let (_, v) = parse("t.yaml", text.as_bytes()).unwrap_or_else(|p| panic!("{p}"));
        let plain: Value = serde_yaml_ng::from_str(text).unwrap_or_default();
        assert_eq!(v, plain);
    }
}
