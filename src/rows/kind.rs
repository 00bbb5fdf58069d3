//! A column's kind, from its declared type and its name: the rules every
//! result follows (flags as booleans, JSON text parsed, timestamps as UTC).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// INTEGER column: number, or null when NULL or not numeric.
    Int,
    /// An aggregate or zero-filled counter: number, never null (missing -> 0).
    Count,
    /// REAL column: number or null.
    Real,
    /// 0/1 flag: boolean or null.
    Bool,
    /// TEXT: any non-NULL value as a string.
    Text,
    /// `YYYY-MM-DD` local date, passed through as text.
    Date,
    /// TEXT holding JSON: parsed value, null when NULL, empty or invalid.
    Json,
    /// TEXT timestamp: ISO-8601 UTC with `Z`, unparseable text unchanged.
    Timestamp,
    /// db.query()'s columns that no rule above claims: by the value's own
    /// storage class (INTEGER and REAL as numbers, TEXT and BLOB as strings).
    Value,
}

/// Flag columns that do not start with `is_`.
pub(super) const FLAG_COLUMNS: &[&str] = &[
    "success",
    "synced_to_api",
    "export_csv",
    "save_to_db",
    "ai_qualified",
];

/// TEXT columns holding JSON, as listed by the python-side contract.
pub(super) const JSON_COLUMNS: &[&str] = &[
    "config_used",
    "niche_keywords",
    "target_hashtags",
    "target_accounts",
    "target_post_urls",
    "last_scroll_position",
    "media_urls",
    "hashtags",
    "mentions",
    "tagged_users",
    "location_data",
    "coauthors",
    "dimensions",
    "ai_analysis",
    "qualification_criteria",
    // A JSON list of the profile's other handles (Python json.dumps).
    "linked_accounts",
];

/// The kind of a result column. `decl_type` is SQLite's declared type when the
/// column is a plain table column, `None` for expressions (aggregates, COALESCE),
/// which queries name after what they compute (`interaction_count`,
/// `last_interaction_at`, `total_likes`).
pub(crate) fn classify(name: &str, decl_type: Option<&str>) -> Kind {
    let decl = decl_type.map(|d| d.to_ascii_uppercase());
    if name == "date" {
        return Kind::Date;
    }
    if name.starts_with("is_") || FLAG_COLUMNS.contains(&name) {
        return Kind::Bool;
    }
    if JSON_COLUMNS.contains(&name) {
        return Kind::Json;
    }
    let text_like = matches!(decl.as_deref(), None | Some("TEXT"));
    if text_like && (name.ends_with("_at") || name.ends_with("_time") || name == "scheduled_for") {
        return Kind::Timestamp;
    }
    match decl.as_deref() {
        Some("INTEGER") => Kind::Int,
        Some("REAL") => Kind::Real,
        Some(_) => Kind::Text,
        None if name.ends_with("_count")
            || name.ends_with("_seconds")
            || name.ends_with("_sessions")
            || name.starts_with("total_")
            || name.starts_with("successful_") =>
        {
            Kind::Count
        }
        None if name.ends_with("_id") => Kind::Int,
        None => Kind::Text,
    }
}

/// The kind of a column of SQL the app wrote (db.query()): the rules above,
/// by name and declared type, except that a column they would read as plain
/// TEXT only because nothing is known of it (an expression such as
/// `count(*) AS n`, or a declared type without text affinity) keeps its
/// value's own type, so `n` is a number, not "5".
pub(crate) fn classify_sql(name: &str, decl_type: Option<&str>) -> Kind {
    match classify(name, decl_type) {
        Kind::Text if !decl_type.is_some_and(text_affinity) => Kind::Value,
        kind => kind,
    }
}

/// SQLite's TEXT affinity rule for a declared type.
fn text_affinity(decl: &str) -> bool {
    let d = decl.to_ascii_uppercase();
    !d.contains("INT") && (d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT"))
}

pub(crate) fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
