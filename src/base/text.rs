//! Text as SQLite hands it over: bytes that are usually, not always, UTF-8.

/// Text as stored; invalid UTF-8 (possible in hostile rows) gets U+FFFD. The
/// strict check first: it is much faster than the lossy scan on valid text.
pub fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}
