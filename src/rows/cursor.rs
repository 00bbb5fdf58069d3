//! Cursors of keyset paging: the sort key of a page's last row, handed to the
//! caller as an opaque `nextCursor` and taken back as `after`. A listing then
//! continues strictly after that row in its order, so rows the bot inserts or
//! deletes meanwhile never make a page repeat or skip one (offsets do).
//!
//! The text is base64url of `[tag, key...]` as JSON. `tag` hashes the
//! listing's name and order: a cursor from another listing, or the same one
//! sorted otherwise, is refused rather than read as a position it is not. Key
//! values keep their SQLite storage class (an integer 5 and a real 5.0 sort
//! alike, but a text "5" does not), so the next page compares like SQLite does.

use rusqlite::types::{Value, ValueRef};
use serde_json::{json, Value as Json};

use crate::base::error::{DbError, Result};

/// The tag of a listing's cursors: FNV-1a of its name and order.
pub(crate) fn tag(name: &str, order: u32) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes().chain(order.to_le_bytes()) {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The cursor after a row whose sort key is `key`.
pub(crate) fn encode(tag: u32, key: &[ValueRef<'_>]) -> String {
    let mut items = vec![json!(tag)];
    for v in key {
        items.push(match *v {
            ValueRef::Null => Json::Null,
            ValueRef::Integer(i) => json!(i),
            // Reals are tagged: JSON would not keep 5.0 apart from 5.
            ValueRef::Real(f) => json!({ "r": f }),
            ValueRef::Text(t) => match std::str::from_utf8(t) {
                Ok(s) => json!(s),
                Err(_) => json!({ "t": hex(t) }),
            },
            ValueRef::Blob(b) => json!({ "b": hex(b) }),
        });
    }
    base64url(Json::Array(items).to_string().as_bytes())
}

/// The sort key in a cursor made by the listing `func` with this `tag` and
/// `len` key values; INVALID_ARGUMENT for anything else.
pub(crate) fn decode(func: &str, cursor: &str, tag: u32, len: usize) -> Result<Vec<Value>> {
    let refused = || {
        DbError::invalid(format!(
            "{func}: after must be a nextCursor returned by {func} with the same sortBy and \
             order, got {:?}",
            cursor.chars().take(60).collect::<String>()
        ))
    };
    let text = unbase64url(cursor).ok_or_else(refused)?;
    let Ok(Json::Array(items)) = serde_json::from_slice::<Json>(&text) else {
        return Err(refused());
    };
    let (first, key) = items.split_first().ok_or_else(refused)?;
    if first.as_u64() != Some(u64::from(tag)) || key.len() != len {
        return Err(refused());
    }
    key.iter()
        .map(|v| {
            Some(match v {
                Json::Null => Value::Null,
                Json::Number(n) => Value::Integer(n.as_i64()?),
                Json::String(s) => Value::Text(s.clone()),
                Json::Object(o) if o.len() == 1 => match o.iter().next()? {
                    (k, Json::Number(f)) if k == "r" => Value::Real(f.as_f64()?),
                    (k, Json::String(h)) if k == "t" => {
                        Value::Text(String::from_utf8_lossy(&unhex(h)?).into_owned())
                    }
                    (k, Json::String(h)) if k == "b" => Value::Blob(unhex(h)?),
                    _ => return None,
                },
                _ => return None,
            })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(refused)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// RFC 4648 base64url without padding: safe in URLs and IPC as it is.
fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

fn unbase64url(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits must be padding zeros of a whole encoding.
    (bits < 6 && acc == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_every_storage_class() {
        let t = tag("getSessions", 0);
        let key = [
            ValueRef::Null,
            ValueRef::Integer(-1_700_000_000_123),
            ValueRef::Real(5.0),
            ValueRef::Text("Zoë 山田 \"q\"".as_bytes()),
            ValueRef::Text(b"\xff\xfe"),
            ValueRef::Blob(b"\x00\x01"),
        ];
        let c = encode(t, &key);
        assert!(c
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let back = decode("getSessions", &c, t, key.len()).unwrap();
        assert_eq!(
            back,
            vec![
                Value::Null,
                Value::Integer(-1_700_000_000_123),
                Value::Real(5.0),
                Value::Text("Zoë 山田 \"q\"".into()),
                Value::Text("\u{fffd}\u{fffd}".into()),
                Value::Blob(vec![0, 1]),
            ]
        );
    }

    #[test]
    fn foreign_or_damaged_cursors_are_refused() {
        let c = encode(tag("getSessions", 0), &[ValueRef::Integer(1)]);
        // Another listing, another order, another key length, damage.
        for (t, len, text) in [
            (tag("getInteractions", 0), 1, c.clone()),
            (tag("getSessions", 1), 1, c.clone()),
            (tag("getSessions", 0), 2, c.clone()),
            (tag("getSessions", 0), 1, format!("{c}x")),
            (tag("getSessions", 0), 1, "not a cursor!".into()),
            (tag("getSessions", 0), 1, String::new()),
        ] {
            let e = decode("getSessions", &text, t, len).unwrap_err();
            assert_eq!(e.code.as_str(), "INVALID_ARGUMENT");
            assert!(e.message.starts_with("getSessions: after"), "{}", e.message);
        }
    }

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url(plain.as_bytes()), coded);
            assert_eq!(unbase64url(coded).unwrap(), plain.as_bytes());
        }
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }
}
