//! taktik-db: typed, async access for Electron to the SQLite file the TAKTIK
//! Python bot writes. Layers, each depending only on those above it in this
//! list (ARCHITECTURE.md draws them and follows one call through):
//! - `base`: errors, text, time rules, cancellation token, stop handle, read slots;
//! - `rows`: the one row mapper (column kinds, JSON writing, output buffer);
//! - `db`: connections (read pool, writer, WAL guard), SQL functions, paths,
//!   the two layouts' schemas;
//! - `query` (the read and operation traits, argument rules), then `domain`
//!   (reads, one module per area of the data), `ops` (writes, maintenance,
//!   backup, export) and `watch` (the change feed);
//! - `node`: the only layer that speaks Node-API: argument reading, errors,
//!   result delivery, async tasks, the exports table and the JS classes.
//!
//! Above it, JavaScript in `.js` files (`index.js`, `lib/`).
#![deny(clippy::all)]
// napi-derive registers the exports only outside `cargo test`, so there they
// look unused; the addon build (clippy checks both) still reports dead code.
#![cfg_attr(test, allow(dead_code))]

mod base;
mod db;
mod domain;
mod node;
mod ops;
mod query;
mod rows;
mod watch;

/// The layering above, checked on the source text: `cargo test` fails when a
/// module reaches up a layer or names `napi` outside `node/`.
#[cfg(test)]
mod layering {
    use std::path::{Path, PathBuf};

    /// Each top-level module's layer; a module may use only lower layers.
    const LAYERS: &[(&str, u8)] = &[
        ("base", 0),
        ("rows", 1),
        ("db", 2),
        ("query", 3),
        ("domain", 4),
        ("watch", 4),
        ("ops", 5),
        ("node", 6),
    ];

    fn layer(module: &str) -> u8 {
        LAYERS
            .iter()
            .find(|(m, _)| *m == module)
            .unwrap_or_else(|| panic!("src/{module}: add it to LAYERS"))
            .1
    }

    fn sources(dir: &Path, into: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                into.push(path);
            }
        }
    }

    /// Every source file but lib.rs, with its top-level module.
    fn files() -> Vec<(String, PathBuf, String)> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut paths = Vec::new();
        sources(&src, &mut paths);
        paths
            .into_iter()
            .filter(|p| p.file_name().is_some_and(|n| n != "lib.rs"))
            .map(|p| {
                let rel = p.strip_prefix(&src).unwrap();
                let first = rel.components().next().unwrap().as_os_str();
                let module = first.to_string_lossy().trim_end_matches(".rs").to_string();
                let text = std::fs::read_to_string(&p).unwrap();
                (module, p, text)
            })
            .collect()
    }

    #[test]
    fn napi_is_spoken_in_node_only() {
        for (module, path, text) in files() {
            if module != "node" {
                assert!(
                    !text.contains("napi"),
                    "{} names napi: only src/node/ may",
                    path.display()
                );
            }
        }
    }

    #[test]
    fn layers_depend_downward_only() {
        for (module, path, text) in files() {
            let own = layer(&module);
            for (i, _) in text.match_indices("crate::") {
                let rest = &text[i + "crate::".len()..];
                let used: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if used == module || used.is_empty() {
                    continue;
                }
                assert!(
                    layer(&used) < own,
                    "{} (layer {own}) uses crate::{used} (layer {}): dependencies point down only",
                    path.display(),
                    layer(&used)
                );
            }
        }
    }
}
