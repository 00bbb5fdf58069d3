//! Operations: the app's few edits (writes) and maintenance (backup,
//! checkpoint, integrity, info, optimize, CSV export).

pub(crate) mod backup;
pub(crate) mod export;
mod files;
pub(crate) mod maintenance;
pub(crate) mod writes;
