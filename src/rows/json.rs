//! Values as JSON text: strings escaped to ASCII, numbers written exactly,
//! JSON columns copied through, and the coercion of each kind of value.

use rusqlite::types::ValueRef;
use serde_json::value::RawValue;

use super::kind::Kind;
use crate::base::text::lossy;
use crate::base::time;

pub(super) const HEX: &[u8; 16] = b"0123456789abcdef";

/// `\uXXXX` for one UTF-16 unit, without allocating.
pub(super) fn write_u_escape(out: &mut Vec<u8>, unit: u16) {
    out.extend_from_slice(&[
        b'\\',
        b'u',
        HEX[usize::from(unit >> 12)],
        HEX[usize::from((unit >> 8) & 0xf)],
        HEX[usize::from((unit >> 4) & 0xf)],
        HEX[usize::from(unit & 0xf)],
    ]);
}

/// `\uXXXX` for a char outside ASCII (a surrogate pair above the BMP).
pub(super) fn write_unicode_escape(out: &mut Vec<u8>, c: char) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        write_u_escape(out, *unit);
    }
}

/// Bytes copied into a JSON string literal as they are: printable ASCII but the
/// quote and the backslash.
pub(super) const PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0x20;
    while b < 0x7f {
        t[b] = b != b'"' as usize && b != b'\\' as usize;
        b += 1;
    }
    t
};

/// A JSON string literal in pure ASCII: quotes, backslashes and control
/// characters escaped as usual, and every non-ASCII char as `\uXXXX`. An ASCII
/// result reaches V8 as a one-byte string (a copy, no UTF-8 decoding) that
/// JSON.parse reads on its fast path; the parsed strings are the same.
pub(super) fn write_str(out: &mut Vec<u8>, s: &str) {
    // Valid UTF-8 is always written whole.
    write_escaped(out, s.as_bytes());
}

/// A stored text value as a JSON string (see write_str). One pass: runs of
/// plain bytes are copied whole and UTF-8 is decoded as it goes, so valid text
/// (nearly all of it) is never scanned twice. Invalid UTF-8 (hostile rows) is
/// written again from the lossy conversion: U+FFFD, as everywhere else.
pub(super) fn write_text(out: &mut Vec<u8>, bytes: &[u8]) {
    let mark = out.len();
    if !write_escaped(out, bytes) {
        out.truncate(mark);
        write_escaped(out, String::from_utf8_lossy(bytes).as_bytes());
    }
}

/// write_str over bytes; false (with a partial literal written) at the first
/// invalid UTF-8 sequence.
pub(super) fn write_escaped(out: &mut Vec<u8>, bytes: &[u8]) -> bool {
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if PLAIN[usize::from(b)] {
            i += 1;
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x7f => out.push(0x7f),
            0..=0x1f => write_u_escape(out, u16::from(b)),
            _ => {
                // A multi-byte char: its length from the lead byte, validated
                // by the standard decoder (overlongs, surrogates, truncation).
                let width = match b {
                    0xc2..=0xdf => 2,
                    0xe0..=0xef => 3,
                    0xf0..=0xf4 => 4,
                    _ => return false,
                };
                let Some(c) = bytes
                    .get(i..i + width)
                    .and_then(|seq| std::str::from_utf8(seq).ok())
                    .and_then(|seq| seq.chars().next())
                else {
                    return false;
                };
                write_unicode_escape(out, c);
                i += width;
                start = i;
                continue;
            }
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
    true
}

/// Where a byte of valid JSON text is: inside a string literal or not (for the
/// compacting copy below).
#[derive(Debug, Default)]
pub(super) struct JsonScan {
    in_string: bool,
    escaped: bool,
}

impl JsonScan {
    /// Feeds one byte; true when it is structural (outside every string,
    /// quotes themselves excluded).
    fn outside(&mut self, b: u8) -> bool {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            false
        } else if b == b'"' {
            self.in_string = true;
            false
        } else {
            true
        }
    }
}

/// Valid JSON text copied through as ASCII. Plain ASCII text (the usual case) is
/// copied as is: a word-at-a-time check and one memcpy, where the byte-by-byte
/// compaction below cost ~20% of a getSessions(500); V8 skips the whitespace
/// Python's `json.dumps` writes (`", "`, `": "`) about as fast as it would
/// skip nothing. Otherwise whitespace outside strings is dropped, and non-ASCII
/// chars (which valid JSON only has inside strings) become `\uXXXX` so the
/// output stays ASCII. Runs of plain bytes are copied whole.
pub(super) fn write_json_ascii(out: &mut Vec<u8>, json: &str) {
    let bytes = json.as_bytes();
    if bytes.is_ascii() {
        out.extend_from_slice(bytes);
        return;
    }
    let (mut start, mut i) = (0, 0);
    let mut scan = JsonScan::default();
    while i < bytes.len() {
        let b = bytes[i];
        if b >= 0x80 {
            // Only inside strings in valid JSON; a char, never an escape's target.
            out.extend_from_slice(&bytes[start..i]);
            let c = json[i..].chars().next().unwrap_or('\u{fffd}');
            write_unicode_escape(out, c);
            i += c.len_utf8();
            start = i;
            scan.escaped = false;
            continue;
        }
        if scan.outside(b) && matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            out.extend_from_slice(&bytes[start..i]);
            start = i + 1;
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

pub(crate) fn write_i64(out: &mut Vec<u8>, v: i64) {
    // Digits backwards into a stack buffer: cheaper than the serde machinery
    // for the many small ids and counters of a listing.
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[i..]);
}

pub(super) fn write_f64(out: &mut Vec<u8>, v: f64) {
    if v.is_finite() {
        let _ = serde_json::to_writer(&mut *out, &v);
    } else {
        out.extend_from_slice(b"null");
    }
}

/// A number read leniently from whatever storage class holds it.
pub(super) fn number(v: ValueRef<'_>) -> Option<f64> {
    match v {
        ValueRef::Integer(i) => Some(i as f64),
        ValueRef::Real(f) if f.is_finite() => Some(f),
        ValueRef::Text(t) => std::str::from_utf8(t)
            .ok()
            .map(str::trim)
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|f| f.is_finite()),
        _ => None,
    }
}

pub(super) fn write_number(out: &mut Vec<u8>, v: ValueRef<'_>, null_as_zero: bool) {
    match v {
        ValueRef::Integer(i) => write_i64(out, i),
        ValueRef::Text(t)
            if std::str::from_utf8(t).is_ok_and(|s| s.trim().parse::<i64>().is_ok()) =>
        {
            let s = std::str::from_utf8(t).unwrap_or_default();
            write_i64(out, s.trim().parse::<i64>().unwrap_or_default());
        }
        other => match number(other) {
            Some(f) => write_f64(out, f),
            None if null_as_zero => out.push(b'0'),
            None => out.extend_from_slice(b"null"),
        },
    }
}

pub(crate) fn bool_of(v: ValueRef<'_>) -> Option<bool> {
    match v {
        ValueRef::Integer(i) => Some(i != 0),
        ValueRef::Real(f) => Some(f != 0.0),
        ValueRef::Text(t) => {
            let s = std::str::from_utf8(t).ok()?.trim();
            if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("yes") {
                Some(true)
            } else if s.eq_ignore_ascii_case("false") || s.eq_ignore_ascii_case("no") {
                Some(false)
            } else {
                s.parse::<f64>().ok().map(|f| f != 0.0)
            }
        }
        _ => None,
    }
}

pub(super) fn write_value(out: &mut Vec<u8>, v: ValueRef<'_>, kind: Kind) {
    if matches!(v, ValueRef::Null) {
        out.extend_from_slice(if kind == Kind::Count { b"0" } else { b"null" });
        return;
    }
    match kind {
        Kind::Int => write_number(out, v, false),
        Kind::Count => write_number(out, v, true),
        Kind::Real => match number(v) {
            Some(f) => write_f64(out, f),
            None => out.extend_from_slice(b"null"),
        },
        Kind::Bool => match bool_of(v) {
            Some(true) => out.extend_from_slice(b"true"),
            Some(false) => out.extend_from_slice(b"false"),
            None => out.extend_from_slice(b"null"),
        },
        Kind::Text | Kind::Date => match v {
            ValueRef::Text(t) | ValueRef::Blob(t) => write_text(out, t),
            ValueRef::Integer(i) => write_str(out, &i.to_string()),
            ValueRef::Real(f) => write_str(out, &f.to_string()),
            ValueRef::Null => out.extend_from_slice(b"null"),
        },
        Kind::Value => match v {
            ValueRef::Integer(i) => write_i64(out, i),
            ValueRef::Real(f) => write_f64(out, f),
            ValueRef::Text(t) | ValueRef::Blob(t) => write_text(out, t),
            ValueRef::Null => out.extend_from_slice(b"null"),
        },
        Kind::Json => match v {
            ValueRef::Text(t) | ValueRef::Blob(t) => {
                match serde_json::from_str::<&RawValue>(lossy(t).trim()) {
                    Ok(raw) => write_json_ascii(out, raw.get()),
                    Err(_) => out.extend_from_slice(b"null"),
                }
            }
            other => write_number(out, other, false),
        },
        Kind::Timestamp => match v {
            ValueRef::Text(t) | ValueRef::Blob(t) => {
                let text = lossy(t);
                match time::instant(&text) {
                    // The common case goes straight into the buffer: no String.
                    Some(instant) => match time::iso_bytes(instant) {
                        Some(b) => {
                            out.push(b'"');
                            out.extend_from_slice(&b);
                            out.push(b'"');
                        }
                        None => write_str(out, &time::format_utc(instant)),
                    },
                    None => write_str(out, &text),
                }
            }
            other => match number(other).and_then(time::from_unix_seconds) {
                Some(iso) => write_str(out, &iso),
                None => out.extend_from_slice(b"null"),
            },
        },
    }
}
