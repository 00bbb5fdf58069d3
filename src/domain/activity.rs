//! Activity: interactions counted by local day, local hour, type and account,
//! with the success/failure split, over a range of local dates, for one
//! account, several or all (getActivity / getTikTokActivity).
//!
//! The rows are read once (from the addon's covering index alone, `success`
//! included) and counted in Rust: grouping by a local day or hour needs each
//! instant in the machine's zone, which SQL cannot do without a call into the
//! zone database per row; here it is one hash lookup per row (LocalClock).

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::marker::PhantomData;

use chrono::NaiveDate;
use rusqlite::types::{ToSql, ValueRef};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::interactions::{TypeFilter, Types};
use super::{filter, Platform};
use crate::base::error::{DbError, Result};
use crate::base::time::{self, LocalClock};
use crate::base::IntHasher;
use crate::db::layout::{FileSchema, Table};
use crate::query::args::{self, Args};
use crate::query::Read;
use crate::rows::{bool_of, Out};

/// Options of getActivity / getTikTokActivity.
#[derive(ts_rs::TS)]
#[ts(optional_fields)]
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActivityQuery {
    /// What each row counts: 'day', 'hour' (of the local day, 0-23), 'type' or 'account', or several. Default 'day'.
    #[ts(optional, type = "ActivityGroup | ActivityGroup[]")]
    pub group_by: Option<Groups>,
    /// One account, several, or (left out) all of them.
    #[ts(optional, type = "number | number[]")]
    pub account_id: Option<Ids>,
    /// First local date counted, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last local date counted, `YYYY-MM-DD` (inclusive).
    pub to: Option<String>,
    /// Only these interaction types (case-insensitive).
    #[serde(rename = "type")]
    #[ts(optional, type = "string | string[]")]
    pub kind: Option<Types>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Groups {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Ids {
    One(f64),
    Many(Vec<f64>),
}

/// One group's counts; only the keys grouped by are present.
#[derive(Debug, Default, Serialize, ts_rs::TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct ActivityRow {
    /// Local date, `YYYY-MM-DD` (groupBy 'day').
    #[serde(skip_serializing_if = "Option::is_none")]
    day: Option<String>,
    /// Hour of the local day, 0-23 (groupBy 'hour').
    #[serde(skip_serializing_if = "Option::is_none")]
    hour: Option<u32>,
    /// Interaction type, upper case (groupBy 'type').
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    /// groupBy 'account'.
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<i64>,
    total: u64,
    /// Interactions recorded as successful.
    succeeded: u64,
    /// The rest (unsuccessful, or success not recorded).
    failed: u64,
}

const DAY: u8 = 1;
const HOUR: u8 = 2;
const TYPE: u8 = 4;
const ACCOUNT: u8 = 8;
const GROUPS: [(&str, u8); 4] = [
    ("day", DAY),
    ("hour", HOUR),
    ("type", TYPE),
    ("account", ACCOUNT),
];

pub struct Activity<P> {
    /// Bits of DAY, HOUR, TYPE, ACCOUNT.
    groups: u8,
    /// None: every account. One id is compared directly, several bound as JSON.
    accounts: Option<AccountFilter>,
    kind: Option<TypeFilter>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    platform: PhantomData<P>,
}

#[derive(Debug, Clone)]
enum AccountFilter {
    One(i64),
    Many(String),
}

impl ToSql for AccountFilter {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            AccountFilter::One(id) => id.to_sql(),
            AccountFilter::Many(json) => json.to_sql(),
        }
    }
}

fn date(func: &str, name: &str, v: Option<String>) -> Result<Option<NaiveDate>> {
    v.map(|s| {
        time::parse_date(&s).ok_or_else(|| {
            DbError::invalid(format!(
                "{func}: {name} must be a local date written YYYY-MM-DD, got {s:?}"
            ))
        })
    })
    .transpose()
}

impl<P: Platform> Read for Activity<P> {
    const NAME: &'static str = P::ACTIVITY_FN;

    fn parse<A: Args>(a: &A) -> Result<Self> {
        let f = Self::NAME;
        let o: ActivityQuery = a.options("options")?;
        let names = match o.group_by {
            None => vec!["day".to_string()],
            Some(Groups::One(g)) => vec![g],
            Some(Groups::Many(gs)) => gs,
        };
        let mut groups = 0;
        for g in &names {
            let bit = GROUPS
                .iter()
                .find(|(n, _)| n == g)
                .map(|(_, b)| *b)
                .ok_or_else(|| {
                    DbError::invalid(format!(
                        "{f}: groupBy must be 'day', 'hour', 'type' or 'account' (or a list of them), got {g:?}"
                    ))
                })?;
            groups |= bit;
        }
        if groups == 0 {
            return Err(DbError::invalid(format!(
                "{f}: groupBy must name at least one of 'day', 'hour', 'type', 'account'"
            )));
        }
        let id = |n: f64| args::integer(f, "accountId", n, 0, args::MAX_SAFE_INTEGER as i64);
        let accounts = match o.account_id {
            None => None,
            Some(Ids::One(n)) => Some(AccountFilter::One(id(n)?)),
            Some(Ids::Many(ns)) if ns.is_empty() => {
                return Err(DbError::invalid(format!(
                    "{f}: accountId must be an id or a non-empty array of ids (leave it out for all accounts)"
                )))
            }
            Some(Ids::Many(ns)) => {
                let ids = ns.into_iter().map(id).collect::<Result<Vec<i64>>>()?;
                Some(AccountFilter::Many(serde_json::Value::from(ids).to_string()))
            }
        };
        let (from, to) = (date(f, "from", o.from)?, date(f, "to", o.to)?);
        if let (Some(a), Some(b)) = (from, to) {
            if a > b {
                return Err(DbError::invalid(format!(
                    "{f}: from ({a}) must not be after to ({b})"
                )));
            }
            // Days grouped alone come back zero-filled: one row per date.
            if groups == DAY && (b - a).num_days() >= args::MAX_DAYS {
                return Err(DbError::invalid(format!(
                    "{f}: grouped by day alone, from..to spans more than {} days",
                    args::MAX_DAYS
                )));
            }
        }
        Ok(Activity {
            groups,
            accounts,
            kind: TypeFilter::parse(f, o.kind)?,
            from,
            to,
            platform: PhantomData,
        })
    }

    const READS: &'static [Table] = &[P::INTERACTIONS];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let accounts = match &self.accounts {
            None => 0,
            Some(AccountFilter::One(_)) => 1,
            Some(AccountFilter::Many(_)) => 2,
        };
        let from = self.from.map(time::day_number);
        let to = self.to.map(time::day_number);
        let timed = self.groups & (DAY | HOUR) != 0 || from.is_some() || to.is_some();
        // Only the columns this grouping needs: SQLite decodes every column
        // selected, on each of up to 500k rows.
        let variant = accounts
            | TypeFilter::variant(self.kind.as_ref()) << 2
            | u32::from(self.groups) << 4
            | u32::from(timed) << 8;
        let sql = super::sql((Self::NAME, variant), file, || {
            let pick = |on: bool, col: &'static str| if on { col } else { "NULL" };
            let account = match &self.accounts {
                Some(AccountFilter::Many(_)) => {
                    "i.account_id IN (SELECT value FROM json_each(?1))".to_string()
                }
                a => filter(a.is_some(), "i.account_id = ?1", 1),
            };
            format!(
                "SELECT {}, {}, {}, i.success FROM {} AS i WHERE {account} AND {}",
                pick(self.groups & ACCOUNT != 0, "i.account_id"),
                pick(timed, "i.interaction_time"),
                pick(self.groups & TYPE != 0, "i.interaction_type"),
                file.rel(P::INTERACTIONS),
                TypeFilter::sql(self.kind.as_ref(), "i.interaction_type", 2)
            )
        });
        // Not grouped by day or hour, a row whose stored date is two days
        // inside the range is in it whatever its shape (a zone moves a date
        // by one day at most): most rows of a long range skip the parse.
        let inside = match (self.groups & (DAY | HOUR), from, to) {
            (0, Some(f), Some(t)) if t - f > 4 => time::day_text(f + 2).zip(time::day_text(t - 2)),
            _ => None,
        };

        let mut stmt = crate::rows::prepare(conn, sql)?;
        let reprepares = crate::rows::reprepares(&stmt);
        let mut rows = stmt.query((&self.accounts, &self.kind))?;
        let mut clock = LocalClock::default();
        let mut types = TypeNames::default();
        let mut counts: Counts = HashMap::default();
        while let Some(row) = rows.next()? {
            let (mut day, mut hour) = (0, 0);
            let stored = row.get_ref(1)?;
            let surely_inside = match (&inside, stored) {
                (Some((a, b)), ValueRef::Text(t)) => t
                    .get(..10)
                    .is_some_and(|d| d >= a.as_bytes() && d <= b.as_bytes() && d[4] == b'-'),
                _ => false,
            };
            if timed && !surely_inside {
                let Some((d, h)) = day_hour(&mut clock, stored) else {
                    // No readable time: outside any range, day or hour.
                    continue;
                };
                if from.is_some_and(|f| d < f) || to.is_some_and(|t| d > t) {
                    continue;
                }
                if self.groups & DAY != 0 {
                    day = d;
                }
                if self.groups & HOUR != 0 {
                    hour = h;
                }
            }
            let kind = if self.groups & TYPE != 0 {
                types.intern(row.get_ref(2)?)
            } else {
                0
            };
            let account = if self.groups & ACCOUNT != 0 {
                match row.get_ref(0)? {
                    ValueRef::Integer(i) => i,
                    _ => -1,
                }
            } else {
                0
            };
            let ok = bool_of(row.get_ref(3)?).unwrap_or(false);
            let c = counts.entry((day, hour, kind, account)).or_default();
            c.0 += 1;
            c.1 += u64::from(ok);
        }
        drop(rows);
        crate::rows::note_reprepares(&stmt, reprepares);

        // Charts want every bucket: one dimension of days (with both ends
        // given) or of hours comes back zero-filled.
        if self.groups == DAY {
            if let (Some(a), Some(b)) = (from, to) {
                for d in a..=b {
                    counts.entry((d, 0, 0, 0)).or_default();
                }
            }
        } else if self.groups == HOUR {
            for h in 0..24 {
                counts.entry((0, h, 0, 0)).or_default();
            }
        }
        let mut keys: Vec<_> = counts.into_iter().collect();
        keys.sort_by(|(a, _), (b, _)| {
            (a.0, a.1, &types.names.get(a.2 as usize), a.3).cmp(&(
                b.0,
                b.1,
                &types.names.get(b.2 as usize),
                b.3,
            ))
        });
        let result: Vec<ActivityRow> = keys
            .into_iter()
            .map(|((day, hour, kind, account), (total, ok))| ActivityRow {
                day: (self.groups & DAY != 0)
                    .then(|| time::day_text(day))
                    .flatten(),
                hour: (self.groups & HOUR != 0).then_some(hour),
                kind: (self.groups & TYPE != 0)
                    .then(|| types.names.get(kind as usize).cloned().unwrap_or_default()),
                account_id: (self.groups & ACCOUNT != 0).then_some(account),
                total,
                succeeded: ok,
                failed: total - ok,
            })
            .collect();
        out.set_value(&result)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
    }
}

/// Counts per (local day, hour, type, account), total and succeeded.
type Counts = HashMap<(i64, u32, u32, i64), (u64, u64), BuildHasherDefault<IntHasher>>;

/// The local day and hour of a stored interaction_time, by taktik_epoch_ms's
/// rules (numbers are Unix seconds).
fn day_hour(clock: &mut LocalClock, v: ValueRef<'_>) -> Option<(i64, u32)> {
    match v {
        ValueRef::Text(t) => clock.day_hour_of_text(t),
        ValueRef::Integer(s) => clock.day_hour(s.checked_mul(1000)?),
        ValueRef::Real(f) if f.is_finite() => clock.day_hour((f * 1000.0) as i64),
        _ => None,
    }
}

/// The types seen, upper case, and each stored spelling's index: no string
/// is made per row.
#[derive(Default)]
struct TypeNames {
    names: Vec<String>,
    index: HashMap<String, u32>,
    /// Each stored spelling met so far and its name's index. A file has a
    /// handful of types, so a scan from the last hit beats hashing the text
    /// of every row (hashing was ~9% of a year's count); `spelled` takes over
    /// past SCAN spellings, for files with many.
    seen: Vec<(Box<[u8]>, u32)>,
    last: usize,
    spelled: HashMap<Box<[u8]>, u32>,
}

impl TypeNames {
    const SCAN: usize = 32;

    fn intern(&mut self, v: ValueRef<'_>) -> u32 {
        let text: std::borrow::Cow<'_, [u8]> = match v {
            ValueRef::Text(t) | ValueRef::Blob(t) => t.into(),
            ValueRef::Integer(i) => i.to_string().into_bytes().into(),
            ValueRef::Real(f) => f.to_string().into_bytes().into(),
            ValueRef::Null => (&[][..]).into(),
        };
        let text = text.as_ref();
        if let Some((spelling, i)) = self.seen.get(self.last) {
            if **spelling == *text {
                return *i;
            }
        }
        if let Some(at) = self.seen.iter().position(|(s, _)| **s == *text) {
            self.last = at;
            return self.seen[at].1;
        }
        if let Some(i) = self.spelled.get(text) {
            return *i;
        }
        let name = crate::base::text::lossy(text).to_ascii_uppercase();
        let i = match self.index.get(&name) {
            Some(i) => *i,
            None => {
                let i = self.names.len() as u32;
                self.index.insert(name.clone(), i);
                self.names.push(name);
                i
            }
        };
        if self.seen.len() < Self::SCAN {
            self.seen.push((text.into(), i));
        } else {
            self.spelled.insert(text.into(), i);
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_merge_spellings_past_the_scanned_ones() {
        let mut t = TypeNames::default();
        // More spellings than the scan holds, each met twice, in two cases.
        let mut ids = Vec::new();
        for round in 0..2 {
            for n in 0..(TypeNames::SCAN * 3) {
                let lower = format!("type_{n}");
                let spelled = if round == 0 {
                    lower
                } else {
                    lower.to_ascii_uppercase()
                };
                ids.push(t.intern(ValueRef::Text(spelled.as_bytes())));
            }
        }
        let (first, second) = ids.split_at(TypeNames::SCAN * 3);
        assert_eq!(first, second, "a type in another case is the same type");
        assert_eq!(t.names.len(), TypeNames::SCAN * 3);
        assert_eq!(t.names[5], "TYPE_5");
        // Integers and NULL are types too, as their text.
        let seven = t.intern(ValueRef::Integer(7));
        assert_eq!(t.intern(ValueRef::Text(b"7")), seven);
        assert_eq!(t.names[seven as usize], "7");
        let none = t.intern(ValueRef::Null);
        assert_eq!(t.names[none as usize], "");
    }
}
