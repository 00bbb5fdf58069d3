//! Argument validation at the JS boundary. Every argument arrives as an untyped JS
//! value and is checked here, so each mistake (wrong type, negative or fractional
//! id, limit out of range, unknown option key, unknown sortBy) becomes an
//! INVALID_ARGUMENT error that names the function and the argument, instead of a
//! silent coercion (`-1` wrapping to 4294967295) or a crash.

use napi::{Env, JsValue, Unknown, ValueType};
use serde::de::DeserializeOwned;

use crate::error::{DbError, Result};
use crate::time;

/// Rows returned when `limit` is not given.
pub const DEFAULT_LIMIT: i64 = 50;
/// The largest `limit` any listing accepts; page with `offset` beyond it.
pub const MAX_LIMIT: i64 = 10_000;
/// `days` of getDailyStats / getTikTokDailyStats: 1..=3650 (ten years).
pub const MAX_DAYS: i64 = 3650;
/// Largest integer a JS number holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn describe(v: &Unknown<'_>) -> String {
    match v.get_type() {
        Ok(ValueType::Number) => match unsafe { v.cast::<f64>() } {
            Ok(n) => format!("{n}"),
            Err(_) => "a number".into(),
        },
        Ok(ValueType::String) => "a string".into(),
        Ok(ValueType::Undefined) => "undefined".into(),
        Ok(ValueType::Null) => "null".into(),
        Ok(ValueType::Boolean) => "a boolean".into(),
        Ok(ValueType::Object) => "an object".into(),
        Ok(ValueType::Function) => "a function".into(),
        Ok(ValueType::Symbol) => "a symbol".into(),
        // napi_bigint: not in napi-rs's ValueType below the napi6 feature.
        Ok(ValueType::Unknown) => "a bigint".into(),
        Ok(other) => format!("a {other}"),
        Err(_) => "an unreadable value".into(),
    }
}

fn number_of(v: &Unknown<'_>) -> Option<f64> {
    if v.get_type().ok()? != ValueType::Number {
        return None;
    }
    unsafe { v.cast::<f64>() }.ok()
}

/// A whole number in `min..=max`, or INVALID_ARGUMENT naming `func` and `name`.
pub fn integer(func: &str, name: &str, n: f64, min: i64, max: i64) -> Result<i64> {
    if !n.is_finite()
        || n.fract() != 0.0
        || n < min as f64
        || n > max as f64
        || n.abs() > MAX_SAFE_INTEGER
    {
        return Err(DbError::invalid(format!(
            "{func}: {name} must be an integer from {min} to {max}, got {n}"
        )));
    }
    Ok(n as i64)
}

/// A row id: a non-negative integer JS number.
pub fn id(func: &str, name: &str, v: &Unknown<'_>) -> Result<i64> {
    match number_of(v) {
        Some(n) if n.is_finite() && n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&n) => {
            Ok(n as i64)
        }
        _ => Err(DbError::invalid(format!(
            "{func}: {name} must be a non-negative integer id, got {}",
            describe(v)
        ))),
    }
}

/// An optional row id (undefined or null means "all").
pub fn optional_id(func: &str, name: &str, v: Option<&Unknown<'_>>) -> Result<Option<i64>> {
    match v {
        None => Ok(None),
        Some(v) if matches!(v.get_type(), Ok(ValueType::Undefined | ValueType::Null)) => Ok(None),
        Some(v) => id(func, name, v).map(Some),
    }
}

pub fn days(func: &str, v: &Unknown<'_>) -> Result<u32> {
    match number_of(v) {
        Some(n) => integer(func, "days", n, 1, MAX_DAYS).map(|d| d as u32),
        None => Err(DbError::invalid(format!(
            "{func}: days must be an integer from 1 to {MAX_DAYS}, got {}",
            describe(v)
        ))),
    }
}

/// A profile id (number) or a username (string, a leading `@` ignored).
pub enum ProfileKey {
    Id(i64),
    Username(String),
}

pub fn profile_key(func: &str, v: &Unknown<'_>) -> Result<ProfileKey> {
    if v.get_type().ok() == Some(ValueType::String) {
        let s: String = unsafe { v.cast::<String>() }
            .map_err(|e| DbError::invalid(format!("{func}: usernameOrId: {e}")))?;
        let s = s.trim().trim_start_matches('@').to_string();
        if s.is_empty() {
            return Err(DbError::invalid(format!(
                "{func}: usernameOrId must not be empty"
            )));
        }
        return Ok(ProfileKey::Username(s));
    }
    match number_of(v) {
        Some(n) => integer(func, "usernameOrId", n, 0, MAX_SAFE_INTEGER as i64).map(ProfileKey::Id),
        None => Err(DbError::invalid(format!(
            "{func}: usernameOrId must be a username string or a profile id, got {}",
            describe(v)
        ))),
    }
}

/// An options object: undefined/null gives the defaults; unknown keys and wrongly
/// typed values are rejected (a typo like `{ limt: 10 }` must not pass silently).
pub fn options<T: DeserializeOwned + Default>(
    env: &Env,
    func: &str,
    v: Option<&Unknown<'_>>,
) -> Result<T> {
    let Some(v) = v else {
        return Ok(T::default());
    };
    match v.get_type() {
        Ok(ValueType::Undefined | ValueType::Null) => Ok(T::default()),
        Ok(ValueType::Object) if !v.is_array().unwrap_or(false) => env
            .from_js_value::<T, _>(*v)
            .map_err(|e| DbError::invalid(format!("{func}: options: {}", e.reason))),
        _ => Err(DbError::invalid(format!(
            "{func}: options must be an object, got {}",
            describe(v)
        ))),
    }
}

/// `limit`/`offset` of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

pub fn page(func: &str, limit: Option<f64>, offset: Option<f64>) -> Result<Page> {
    Ok(Page {
        limit: match limit {
            Some(n) => integer(func, "limit", n, 0, MAX_LIMIT)?,
            None => DEFAULT_LIMIT,
        },
        offset: match offset {
            Some(n) => integer(func, "offset", n, 0, MAX_SAFE_INTEGER as i64)?,
            None => 0,
        },
    })
}

pub fn optional_integer(func: &str, name: &str, v: Option<f64>) -> Result<Option<i64>> {
    v.map(|n| integer(func, name, n, 0, MAX_SAFE_INTEGER as i64))
        .transpose()
}

pub fn optional_number(func: &str, name: &str, v: Option<f64>) -> Result<Option<f64>> {
    match v {
        Some(n) if !n.is_finite() => Err(DbError::invalid(format!(
            "{func}: {name} must be a finite number, got {n}"
        ))),
        other => Ok(other),
    }
}

/// A filter string (status, type, hashtag, ...): must not be empty when given.
pub fn optional_text(func: &str, name: &str, v: Option<String>) -> Result<Option<String>> {
    match v {
        Some(s) if s.is_empty() => Err(DbError::invalid(format!(
            "{func}: {name} must not be empty"
        ))),
        other => Ok(other),
    }
}

/// A search needle, lowercased for `taktik_icontains`; empty means no filter.
pub fn search(v: Option<String>) -> Option<String> {
    v.map(|s| s.to_lowercase()).filter(|s| !s.is_empty())
}

/// `since`/`until`: an ISO-8601 string (any timestamp shape Python writes) or Unix
/// milliseconds, as Unix milliseconds.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(untagged)]
pub enum InstantArg {
    Millis(f64),
    Text(String),
}

pub fn instant(func: &str, name: &str, v: Option<InstantArg>) -> Result<Option<i64>> {
    match v {
        None => Ok(None),
        Some(InstantArg::Millis(ms)) => integer(
            func,
            name,
            ms.trunc(),
            -(MAX_SAFE_INTEGER as i64),
            MAX_SAFE_INTEGER as i64,
        )
        .map(Some),
        Some(InstantArg::Text(s)) => time::epoch_ms(&s).map(Some).ok_or_else(|| {
            DbError::invalid(format!(
                "{func}: {name} must be an ISO-8601 timestamp or Unix milliseconds, got {s:?}"
            ))
        }),
    }
}

/// `order`: "asc" or "desc" (any case), default descending.
pub fn descending(func: &str, order: Option<&str>) -> Result<bool> {
    match order {
        None => Ok(true),
        Some(o) if o.eq_ignore_ascii_case("desc") => Ok(true),
        Some(o) if o.eq_ignore_ascii_case("asc") => Ok(false),
        Some(o) => Err(DbError::invalid(format!(
            "{func}: order must be \"asc\" or \"desc\", got {o:?}"
        ))),
    }
}

/// A string argument.
pub fn text(func: &str, name: &str, v: Option<&Unknown<'_>>) -> Result<String> {
    match v {
        Some(v) if v.get_type().ok() == Some(ValueType::String) => unsafe { v.cast::<String>() }
            .map_err(|e| DbError::invalid(format!("{func}: {name}: {}", e.reason))),
        _ => Err(DbError::invalid(format!("{func}: {name} must be a string"))),
    }
}

/// A string, or null / undefined (None).
pub fn nullable_text(func: &str, name: &str, v: Option<&Unknown<'_>>) -> Result<Option<String>> {
    match v.map(|v| v.get_type()) {
        None | Some(Ok(ValueType::Undefined | ValueType::Null)) => Ok(None),
        Some(Ok(ValueType::String)) => text(func, name, v).map(Some),
        _ => Err(DbError::invalid(format!(
            "{func}: {name} must be a string or null"
        ))),
    }
}

/// A string with something in it besides whitespace.
pub fn required_text(func: &str, name: &str, v: Option<&Unknown<'_>>) -> Result<String> {
    match nullable_text(func, name, v)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(DbError::invalid(format!(
            "{func}: {name} must be a non-empty string"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_checked_not_coerced() {
        assert_eq!(integer("f", "limit", 10.0, 0, 100), Ok(10));
        for bad in [-1.0, 1.5, f64::NAN, f64::INFINITY, 101.0, 1e300] {
            let e = integer("getSessions", "limit", bad, 0, 100).unwrap_err();
            assert_eq!(e.code.as_str(), "INVALID_ARGUMENT");
            assert!(e.message.starts_with("getSessions: limit"), "{}", e.message);
        }
    }

    #[test]
    fn pages_default_and_cap() {
        assert_eq!(
            page("f", None, None).unwrap(),
            Page {
                limit: DEFAULT_LIMIT,
                offset: 0
            }
        );
        assert!(page("f", Some((MAX_LIMIT + 1) as f64), None).is_err());
        assert!(page("f", Some(10.0), Some(-5.0)).is_err());
    }

    #[test]
    fn instants_accept_iso_and_millis() {
        assert_eq!(
            instant(
                "f",
                "since",
                Some(InstantArg::Text("2026-02-10T14:03:22Z".into()))
            )
            .unwrap(),
            Some(1_770_732_202_000)
        );
        assert_eq!(
            instant("f", "since", Some(InstantArg::Millis(5.0))).unwrap(),
            Some(5)
        );
        assert!(instant("f", "since", Some(InstantArg::Text("yesterday".into()))).is_err());
    }

    #[test]
    fn order_words() {
        assert!(descending("f", None).unwrap());
        assert!(!descending("f", Some("ASC")).unwrap());
        assert!(descending("f", Some("sideways")).is_err());
    }
}
