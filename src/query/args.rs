//! Arguments, checked. Every argument arrives untyped and is checked by these
//! rules, so each mistake (wrong type, negative or fractional id, limit out of
//! range, unknown option key, unknown sortBy) becomes an INVALID_ARGUMENT error
//! that names the function and the argument, instead of a silent coercion (`-1`
//! wrapping to 4294967295) or a crash. `Args` is how a query asks for its
//! arguments by name; the node layer implements it over JS values, `JsonArgs`
//! over JSON (an export hands its filters to the listing it runs).

use serde::de::DeserializeOwned;

use crate::base::error::{DbError, Result};
use crate::base::time;

/// Rows returned when `limit` is not given.
pub const DEFAULT_LIMIT: i64 = 50;
/// The largest `limit` any listing accepts; page with `offset` beyond it.
pub const MAX_LIMIT: i64 = 10_000;
/// `days` of getDailyStats / getTikTokDailyStats: 1..=3650 (ten years).
pub const MAX_DAYS: i64 = 3650;
/// Largest integer a JS number holds exactly.
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

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

/// A profile id (number) or a username (string, a leading `@` ignored).
pub enum ProfileKey {
    Id(i64),
    Username(String),
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

/// `after` of a listing: a cursor its own earlier page returned (see
/// rows/cursor.rs), with `len` sort key values. Jumping by `offset` and
/// continuing after a row are two ways to page: not both at once.
pub fn after(
    func: &str,
    after: Option<String>,
    offset: Option<f64>,
    tag: u32,
    len: usize,
) -> Result<Option<Vec<rusqlite::types::Value>>> {
    let Some(cursor) = after else {
        return Ok(None);
    };
    if offset.is_some() {
        return Err(DbError::invalid(format!(
            "{func}: pass either after (continue after a page) or offset (jump to a row), not both"
        )));
    }
    crate::rows::cursor::decode(func, &cursor, tag, len).map(Some)
}

/// A count's copy of its listing's paging options: checked like the
/// listing's (one options object serves both calls), then ignored.
pub fn ignored_paging(
    func: &str,
    limit: Option<f64>,
    offset: Option<f64>,
    after: Option<String>,
    tag: u32,
    len: usize,
) -> Result<()> {
    page(func, limit, offset)?;
    self::after(func, after, offset, tag, len).map(drop)
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

/// What `since`/`until` accept, for messages.
pub const INSTANT_ACCEPTS: &str =
    "an ISO-8601 timestamp, a YYYY-MM-DD date, Unix milliseconds or a Date";

/// The key under which the node layer hands a JS `Date` to serde (its time in
/// ms, null for an Invalid Date): serde sees objects, not Dates, and a key no
/// caller writes keeps a plain object from passing for one. (No NUL in it:
/// the binding writes object keys as C strings.)
pub const DATE_KEY: &str = "$taktikDate";

/// A Date's time as serde is handed it (NaN, an Invalid Date, as null).
pub fn date_json(ms: f64) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert(
        DATE_KEY.to_owned(),
        serde_json::Number::from_f64(ms).map_or(serde_json::Value::Null, serde_json::Value::Number),
    );
    serde_json::Value::Object(m)
}

/// `since`/`until`: ISO-8601 text (any timestamp shape Python writes), a
/// `YYYY-MM-DD` local date, Unix milliseconds or a JS `Date`.
#[derive(Debug, Clone)]
pub enum InstantArg {
    Millis(f64),
    Text(String),
    /// A JS Date's time; NaN for an Invalid Date.
    Date(f64),
}

impl<'de> serde::Deserialize<'de> for InstantArg {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = InstantArg;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(INSTANT_ACCEPTS)
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<InstantArg, E> {
                Ok(InstantArg::Millis(v))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<InstantArg, E> {
                Ok(InstantArg::Millis(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<InstantArg, E> {
                Ok(InstantArg::Millis(v as f64))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<InstantArg, E> {
                Ok(InstantArg::Text(v.to_owned()))
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut m: M,
            ) -> std::result::Result<InstantArg, M::Error> {
                let mut ms = None;
                while let Some(key) = m.next_key::<String>()? {
                    let v: Option<f64> = m.next_value()?;
                    if key != DATE_KEY {
                        return Err(serde::de::Error::custom(INSTANT_ACCEPTS));
                    }
                    ms = Some(v.unwrap_or(f64::NAN));
                }
                ms.map(InstantArg::Date)
                    .ok_or_else(|| serde::de::Error::custom(INSTANT_ACCEPTS))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// `since`: the instant as Unix ms; a date-only `YYYY-MM-DD` is the start of
/// that local day.
pub fn since(func: &str, v: Option<InstantArg>) -> Result<Option<i64>> {
    instant(func, "since", v, false)
}

/// `until` (inclusive): the instant as Unix ms; a date-only `YYYY-MM-DD`
/// runs through the end of that local day, i.e. to the millisecond before the
/// next local midnight (stored times are compared at ms precision).
pub fn until(func: &str, v: Option<InstantArg>) -> Result<Option<i64>> {
    instant(func, "until", v, true)
}

fn instant(func: &str, name: &str, v: Option<InstantArg>, end_of_day: bool) -> Result<Option<i64>> {
    let ms = |ms: f64| {
        integer(
            func,
            name,
            ms.trunc(),
            -(MAX_SAFE_INTEGER as i64),
            MAX_SAFE_INTEGER as i64,
        )
    };
    match v {
        None => Ok(None),
        Some(InstantArg::Millis(n)) => ms(n).map(Some),
        Some(InstantArg::Date(t)) if t.is_nan() => Err(DbError::invalid(format!(
            "{func}: {name} must be {INSTANT_ACCEPTS}, got an Invalid Date"
        ))),
        Some(InstantArg::Date(t)) => ms(t).map(Some),
        Some(InstantArg::Text(s)) => {
            let day = time::parse_date(s.trim()).map(|d| {
                if end_of_day {
                    d.succ_opt()
                        .and_then(time::local_midnight_ms)
                        .map(|next| next - 1)
                } else {
                    time::local_midnight_ms(d)
                }
            });
            match day {
                Some(day) => day,
                None => time::epoch_ms(&s),
            }
            .map(Some)
            .ok_or_else(|| {
                DbError::invalid(format!(
                    "{func}: {name} must be {INSTANT_ACCEPTS}, got {}",
                    describe_text(&s)
                ))
            })
        }
    }
}

/// A string as messages show it: `the string "5"`, long ones cut short.
pub fn describe_text(s: &str) -> String {
    let cut: String = s.chars().take(40).collect();
    if cut.len() < s.len() {
        format!("the string {cut:?}…")
    } else {
        format!("the string {s:?}")
    }
}

/// Sample values of each JS type, tried on an option that was refused to say
/// what it accepts (serde's own words name Rust types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    Number,
    Text,
    Bool,
    Texts,
    Numbers,
    Date,
}

impl Probe {
    pub const ALL: [Probe; 6] = [
        Probe::Number,
        Probe::Text,
        Probe::Bool,
        Probe::Texts,
        Probe::Numbers,
        Probe::Date,
    ];

    fn words(self) -> &'static str {
        match self {
            Probe::Number => "a number",
            Probe::Text => "a string",
            Probe::Bool => "true or false",
            Probe::Texts => "an array of strings",
            Probe::Numbers => "an array of numbers",
            Probe::Date => "a Date",
        }
    }

    /// The sample as JSON (a Date as the node layer hands it over).
    pub fn json(self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Probe::Number => json!(0),
            Probe::Text => json!("x"),
            Probe::Bool => json!(true),
            Probe::Texts => json!(["x"]),
            Probe::Numbers => json!([0]),
            Probe::Date => date_json(0.0),
        }
    }
}

/// The INVALID_ARGUMENT for an option serde refused: `key` (as the caller
/// wrote it) named, what it accepts, and what it got in JS words. `reason`
/// is serde's message, read only for an unknown key's list of known ones;
/// `fits` tells whether a sample value would have been accepted.
pub fn option_error(
    func: &str,
    key: &str,
    got: &str,
    reason: &str,
    fits: impl Fn(Probe) -> bool,
) -> DbError {
    if reason.starts_with("unknown field") {
        let known = reason
            .split_once("expected ")
            .map(|(_, k)| k.trim_start_matches("one of ").replace('`', ""));
        return DbError::invalid(match known {
            Some(known) => format!("{func}: {key} is not an option (the options are {known})"),
            None => format!("{func}: {key} is not an option: {func} takes none"),
        });
    }
    let accepts = match key {
        "limit" => format!("an integer from 0 to {MAX_LIMIT}"),
        "offset" => "a non-negative integer".into(),
        "since" | "until" => INSTANT_ACCEPTS.into(),
        "order" => "\"asc\" or \"desc\"".into(),
        "groupBy" => "\"day\", \"hour\", \"type\" or \"account\", or an array of them".into(),
        _ => {
            let fitting: Vec<&str> = Probe::ALL
                .into_iter()
                .filter(|p| fits(*p))
                .map(Probe::words)
                .collect();
            match fitting.split_last() {
                None => "left out".into(),
                Some((last, [])) => (*last).into(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            }
        }
    };
    DbError::invalid(format!("{func}: {key} must be {accepts}, got {got}"))
}

/// An options object as JSON, checked: on a refusal, the key at fault is
/// found by trying each alone, and named (`option_error`).
pub fn options_from_json<T: DeserializeOwned>(
    func: &str,
    map: &serde_json::Map<String, serde_json::Value>,
) -> Result<T> {
    let e = match T::deserialize(&serde_json::Value::Object(map.clone())) {
        Ok(t) => return Ok(t),
        Err(e) => e,
    };
    let alone = |key: &str, v: serde_json::Value| {
        let mut one = serde_json::Map::new();
        one.insert(key.to_owned(), v);
        T::deserialize(&serde_json::Value::Object(one))
    };
    for (key, v) in map {
        if let Some(e) = alone(key, v.clone())
            .err()
            .filter(|e| at_fault(&e.to_string()))
        {
            return Err(option_error(
                func,
                key,
                &describe_json(v),
                &e.to_string(),
                |p| {
                    alone(key, p.json())
                        .err()
                        .is_none_or(|e| !at_fault(&e.to_string()))
                },
            ));
        }
    }
    // Each key fits alone, not together (a required key missing).
    Err(missing_option(func, &e.to_string()))
}

/// Whether serde's refusal of one key alone is that key's fault: not when
/// it only misses another, required, key.
pub fn at_fault(reason: &str) -> bool {
    !reason.starts_with("missing field")
}

/// serde's "missing field `x`" as ours, else a generic refusal.
pub fn missing_option(func: &str, reason: &str) -> DbError {
    match reason
        .strip_prefix("missing field `")
        .and_then(|r| r.split_once('`'))
    {
        Some((key, _)) => DbError::invalid(format!("{func}: {key} is required")),
        None => unreachable_options(func),
    }
}

fn unreachable_options(func: &str) -> DbError {
    DbError::invalid(format!(
        "{func}: options must be an object of its documented options"
    ))
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

/// One call's arguments, asked for by the names the exports table gives them
/// (`accountId`, `options`, ...). Errors name the function and the argument.
pub trait Args {
    /// The JS name of the function called, for messages.
    fn func(&self) -> &'static str;
    /// A row id: a non-negative integer.
    fn id(&self, name: &str) -> Result<i64>;
    /// A row id, or undefined / null (None: "all").
    fn optional_id(&self, name: &str) -> Result<Option<i64>>;
    /// `days` of the daily stats: 1..=MAX_DAYS.
    fn days(&self, name: &str) -> Result<u32>;
    /// A profile id (number) or a username (string, a leading `@` ignored).
    fn profile_key(&self, name: &str) -> Result<ProfileKey>;
    /// A string.
    fn text(&self, name: &str) -> Result<String>;
    /// A string, or null / undefined (None).
    fn nullable_text(&self, name: &str) -> Result<Option<String>>;
    /// Whether the argument was left out (or is undefined).
    fn is_undefined(&self, name: &str) -> bool;
    /// Whether the argument is a plain object (not an array, not null).
    fn is_object(&self, name: &str) -> bool;
    /// An options object: undefined/null gives the defaults; unknown keys and
    /// wrongly typed values are rejected (a typo like `{ limt: 10 }` must not
    /// pass silently).
    fn options<T: DeserializeOwned + Default>(&self, name: &str) -> Result<T>;
    /// A plain-data object as JSON (None when undefined or null).
    fn json(&self, name: &str) -> Result<Option<serde_json::Value>>;
    /// The keys of an options object (None when undefined or null).
    fn keys(&self, name: &str) -> Result<Option<Vec<String>>>;
    /// `name.key` as a boolean (undefined: None).
    fn member_bool(&self, name: &str, key: &str) -> Result<Option<bool>>;
    /// Whether `name.key` is null itself: not undefined, not left out (where
    /// `options` sees both as absent, a write may give null its own meaning).
    fn member_is_null(&self, name: &str, key: &str) -> bool;
    /// `name.key` as a callback called on the JS thread with a JSON value
    /// (undefined: None). The callback does not keep the process alive.
    fn member_callback(&self, name: &str, key: &str) -> Result<Option<Callback>>;
    /// The parameters of a SQL statement (db.query): an array (positional),
    /// an object (named), or undefined / null (none). Each value is checked
    /// here; whether they fit the statement is checked when it is prepared.
    fn sql_params(&self, name: &str) -> Result<SqlParams>;

    /// A string with something in it besides whitespace.
    fn required_text(&self, name: &str) -> Result<String> {
        match self.nullable_text(name)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            _ => Err(DbError::invalid(format!(
                "{}: {name} must be a non-empty string",
                self.func()
            ))),
        }
    }
}

/// A JS function as the layers below see it: called from any thread, run on
/// the JS thread later (never waited for).
pub type Callback = Box<dyn Fn(serde_json::Value) + Send + Sync>;

/// A value bound to a statement parameter: NULL, INTEGER, REAL, TEXT or BLOB.
pub type SqlValue = rusqlite::types::Value;

/// The parameters of db.query(): bound by SQLite, never written into the SQL.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlParams {
    /// None given: the statement must have no parameters.
    None,
    /// An array: `?`, `?NNN`, the i-th value for parameter i + 1.
    Positional(Vec<SqlValue>),
    /// An object: `:name`, `@name`, `$name` by their name without the prefix.
    Named(Vec<(String, SqlValue)>),
}

/// A JS number as SQLite stores it: a whole number in the safe range as
/// INTEGER (so `typeof(?)` and integer comparisons are what the caller
/// meant), anything else as REAL. NaN and infinities are refused: SQLite
/// would store NaN as NULL.
pub fn sql_number(func: &str, at: &str, n: f64) -> Result<SqlValue> {
    if !n.is_finite() {
        return Err(DbError::invalid(format!(
            "{func}: {at} must be a finite number, got {n}"
        )));
    }
    if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER {
        Ok(SqlValue::Integer(n as i64))
    } else {
        Ok(SqlValue::Real(n))
    }
}

/// The values db.query() binds, for messages.
pub const SQL_VALUE_TYPES: &str = "a number, a string, a boolean, null or a Uint8Array / Buffer";

/// A JSON value as a parameter (JsonArgs): no arrays or objects.
fn sql_json_value(func: &str, at: &str, v: &serde_json::Value) -> Result<SqlValue> {
    use serde_json::Value;
    match v {
        Value::Null => Ok(SqlValue::Null),
        Value::Bool(b) => Ok(SqlValue::Integer(i64::from(*b))),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Ok(SqlValue::Integer(i)),
            None => sql_number(func, at, n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Ok(SqlValue::Text(s.clone())),
        other => Err(DbError::invalid(format!(
            "{func}: {at} must be {SQL_VALUE_TYPES}, got {}",
            describe_json(other)
        ))),
    }
}

/// What a JSON value is, in JS words, for messages ("got the string \"5\"").
pub fn describe_json(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => describe_text(s),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Array(_) => "an array".into(),
        Value::Object(o) if o.contains_key(DATE_KEY) => "a Date".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// `Args` over JSON values: what `exportCsv` hands the listing it runs.
pub struct JsonArgs<'a> {
    pub func: &'static str,
    pub values: &'a [(&'a str, serde_json::Value)],
}

impl JsonArgs<'_> {
    fn get(&self, name: &str) -> Option<&serde_json::Value> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }
}

impl Args for JsonArgs<'_> {
    fn func(&self) -> &'static str {
        self.func
    }
    fn id(&self, name: &str) -> Result<i64> {
        match self.get(name) {
            Some(serde_json::Value::Number(n)) if n.as_f64().is_some() => {
                let n = n.as_f64().unwrap_or(f64::NAN);
                integer(self.func, name, n, 0, MAX_SAFE_INTEGER as i64).map_err(|_| {
                    DbError::invalid(format!(
                        "{}: {name} must be a non-negative integer id, got {n}",
                        self.func
                    ))
                })
            }
            other => Err(DbError::invalid(format!(
                "{}: {name} must be a non-negative integer id, got {}",
                self.func,
                other.map_or_else(|| "undefined".into(), describe_json)
            ))),
        }
    }
    fn optional_id(&self, name: &str) -> Result<Option<i64>> {
        match self.get(name) {
            None => Ok(None),
            Some(_) => self.id(name).map(Some),
        }
    }
    fn days(&self, name: &str) -> Result<u32> {
        match self.get(name).and_then(serde_json::Value::as_f64) {
            Some(n) => integer(self.func, name, n, 1, MAX_DAYS).map(|d| d as u32),
            None => Err(DbError::invalid(format!(
                "{}: {name} must be an integer from 1 to {MAX_DAYS}",
                self.func
            ))),
        }
    }
    fn profile_key(&self, name: &str) -> Result<ProfileKey> {
        match self.get(name) {
            Some(serde_json::Value::String(s)) => profile_key_text(self.func, s),
            _ => self.id(name).map(ProfileKey::Id),
        }
    }
    fn text(&self, name: &str) -> Result<String> {
        match self.get(name) {
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            _ => Err(DbError::invalid(format!(
                "{}: {name} must be a string",
                self.func
            ))),
        }
    }
    fn nullable_text(&self, name: &str) -> Result<Option<String>> {
        match self.get(name) {
            None => Ok(None),
            Some(_) => self.text(name).map(Some),
        }
    }
    fn is_undefined(&self, name: &str) -> bool {
        !self.values.iter().any(|(n, _)| *n == name)
    }
    fn is_object(&self, name: &str) -> bool {
        matches!(self.get(name), Some(serde_json::Value::Object(_)))
    }
    fn options<T: DeserializeOwned + Default>(&self, name: &str) -> Result<T> {
        match self.get(name) {
            None => Ok(T::default()),
            Some(serde_json::Value::Object(map)) => options_from_json(self.func, map),
            Some(v) => Err(DbError::invalid(format!(
                "{}: options must be an object, got {}",
                self.func,
                describe_json(v)
            ))),
        }
    }
    fn json(&self, name: &str) -> Result<Option<serde_json::Value>> {
        Ok(self.get(name).cloned())
    }
    fn keys(&self, name: &str) -> Result<Option<Vec<String>>> {
        Ok(self
            .get(name)
            .and_then(serde_json::Value::as_object)
            .map(|o| o.keys().cloned().collect()))
    }
    fn member_bool(&self, name: &str, key: &str) -> Result<Option<bool>> {
        match self.get(name).and_then(|o| o.get(key)) {
            None => Ok(None),
            Some(serde_json::Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(DbError::invalid(format!(
                "{}: {key} must be a boolean",
                self.func
            ))),
        }
    }
    fn member_is_null(&self, name: &str, key: &str) -> bool {
        self.get(name)
            .and_then(|o| o.get(key))
            .is_some_and(serde_json::Value::is_null)
    }
    fn member_callback(&self, _name: &str, key: &str) -> Result<Option<Callback>> {
        Err(DbError::invalid(format!(
            "{}: {key} cannot be a function here",
            self.func
        )))
    }
    fn sql_params(&self, name: &str) -> Result<SqlParams> {
        let func = self.func;
        match self.get(name) {
            None => Ok(SqlParams::None),
            Some(serde_json::Value::Array(values)) => values
                .iter()
                .enumerate()
                .map(|(i, v)| sql_json_value(func, &format!("{name}[{i}]"), v))
                .collect::<Result<_>>()
                .map(SqlParams::Positional),
            Some(serde_json::Value::Object(values)) => values
                .iter()
                .map(|(k, v)| Ok((k.clone(), sql_json_value(func, &format!("{name}.{k}"), v)?)))
                .collect::<Result<_>>()
                .map(SqlParams::Named),
            Some(other) => Err(DbError::invalid(format!(
                "{func}: {name} must be an array or an object, got {}",
                describe_json(other)
            ))),
        }
    }
}

/// A username argument: trimmed, a leading `@` dropped, not empty.
pub fn profile_key_text(func: &str, s: &str) -> Result<ProfileKey> {
    let s = s.trim().trim_start_matches('@').to_string();
    if s.is_empty() {
        return Err(DbError::invalid(format!(
            "{func}: usernameOrId must not be empty"
        )));
    }
    Ok(ProfileKey::Username(s))
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
    fn instants_accept_iso_millis_dates_and_days() {
        let text = |s: &str| Some(InstantArg::Text(s.into()));
        assert_eq!(
            since("f", text("2026-02-10T14:03:22Z")).unwrap(),
            Some(1_770_732_202_000)
        );
        assert_eq!(since("f", Some(InstantArg::Millis(5.0))).unwrap(), Some(5));
        assert_eq!(since("f", Some(InstantArg::Date(7.0))).unwrap(), Some(7));
        assert!(since("f", Some(InstantArg::Date(f64::NAN))).is_err());
        assert!(since("f", text("yesterday")).is_err());
        assert!(until("f", text("2026-02-30")).is_err());
        // A date alone: from its local midnight, through the ms before the next.
        let day = time::parse_date("2026-03-01").unwrap();
        let start = time::local_midnight_ms(day).unwrap();
        let next = time::local_midnight_ms(day.succ_opt().unwrap()).unwrap();
        assert_eq!(since("f", text("2026-03-01")).unwrap(), Some(start));
        assert_eq!(until("f", text("2026-03-01")).unwrap(), Some(next - 1));
    }

    #[test]
    fn option_errors_name_the_key_in_js_words() {
        #[derive(Debug, Default, serde::Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        #[allow(dead_code)]
        struct O {
            limit: Option<f64>,
            since: Option<InstantArg>,
            tables: Option<Vec<String>>,
            dry_run: Option<bool>,
        }
        let err = |v: serde_json::Value| {
            options_from_json::<O>("f", v.as_object().unwrap())
                .unwrap_err()
                .message
        };
        use serde_json::json;
        assert_eq!(
            err(json!({ "limit": "5" })),
            "f: limit must be an integer from 0 to 10000, got the string \"5\""
        );
        assert_eq!(
            err(json!({ "since": true })),
            format!("f: since must be {INSTANT_ACCEPTS}, got true")
        );
        assert_eq!(
            err(json!({ "tables": "sessions" })),
            "f: tables must be an array of strings, got the string \"sessions\""
        );
        assert_eq!(
            err(json!({ "limit": 5, "dryRun": [] })),
            "f: dryRun must be true or false, got an array"
        );
        assert!(err(json!({ "limt": 5 }))
            .starts_with("f: limt is not an option (the options are limit, since"));
        let ok: O = options_from_json("f", json!({ "since": date_json(5.0) }).as_object().unwrap())
            .unwrap();
        assert!(matches!(ok.since, Some(InstantArg::Date(t)) if t == 5.0));
    }

    #[test]
    fn order_words() {
        assert!(descending("f", None).unwrap());
        assert!(!descending("f", Some("ASC")).unwrap());
        assert!(descending("f", Some("sideways")).is_err());
    }
}
