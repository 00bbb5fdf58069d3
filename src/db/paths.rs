//! Where the bot keeps its file, and paths as the `file:` URIs SQLite opens.

use std::path::PathBuf;

/// `DEFAULT_DATABASE_PATH` as the Python bot computes it: `%APPDATA%` when set,
/// else the home directory, then `taktik-desktop/taktik-data.db`.
pub(crate) fn default_path() -> PathBuf {
    let base = std::env::var_os("APPDATA")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(home_dir)
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("taktik-desktop").join("taktik-data.db")
}

fn home_dir() -> Option<PathBuf> {
    let var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// `file:<path>?mode=ro&immutable=1`, the path percent-encoded as SQLite's
/// URI parser expects.
pub(super) fn immutable_uri(path: &std::path::Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    file_uri(abs.as_os_str().as_encoded_bytes(), cfg!(windows)) + "?mode=ro&immutable=1"
}

/// An absolute path as a `file:` URI. On Windows, `\\` separators become `/`,
/// a `\\?\` verbatim prefix is dropped (SQLite would read `?` as the query),
/// `C:/x` becomes `file:///C:/x` and a UNC `//server/share/x` becomes
/// `file:////server/share/x` (an authority other than localhost is an error).
pub(super) fn file_uri(bytes: &[u8], windows: bool) -> String {
    let mut path: Vec<u8> = bytes
        .iter()
        .map(|&b| if windows && b == b'\\' { b'/' } else { b })
        .collect();
    if windows {
        if path.starts_with(b"//?/UNC/") {
            path.splice(..8, *b"//"); // "//?/UNC/server/share" -> "//server/share"
        } else if path.starts_with(b"//?/") {
            path.drain(..4);
        }
    }
    let mut uri = String::from("file:");
    if path.starts_with(b"//") {
        uri.push_str("//");
    } else if !path.starts_with(b"/") {
        uri.push_str("///");
    }
    for &b in &path {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' | b':' => {
                uri.push(b as char)
            }
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn immutable_uris_escape_what_sqlite_would_parse() {
        let uri = file_uri("/data/my db?#%é.db".as_bytes(), false);
        assert_eq!(uri, "file:/data/my%20db%3F%23%25%C3%A9.db");
        let here = if cfg!(windows) {
            r"C:\d\x.db"
        } else {
            "/d/x.db"
        };
        let uri = immutable_uri(std::path::Path::new(here));
        assert!(uri.ends_with("/d/x.db?mode=ro&immutable=1"), "{uri}");
    }

    #[test]
    fn windows_paths_become_uris_sqlite_opens() {
        let uri = |p: &str| file_uri(p.as_bytes(), true);
        assert_eq!(
            uri(r"C:\Users\Ann\AppData\x y.db"),
            "file:///C:/Users/Ann/AppData/x%20y.db"
        );
        assert_eq!(uri(r"\\?\C:\Users\x.db"), "file:///C:/Users/x.db");
        assert_eq!(uri(r"\\server\share\x.db"), "file:////server/share/x.db");
        assert_eq!(
            uri(r"\\?\UNC\server\share\x.db"),
            "file:////server/share/x.db"
        );
        // A backslash is a file-name character on Unix, not a separator.
        assert_eq!(file_uri(br"/tmp/a\b.db", false), "file:/tmp/a%5Cb.db");
    }
}
