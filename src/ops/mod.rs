//! Operations: the app's few edits (writes) and maintenance (backup,
//! checkpoint, integrity, info, optimize, CSV export, the move to the unified
//! layout).

pub(crate) mod backup;
pub(crate) mod export;
mod files;
pub(crate) mod maintenance;
pub(crate) mod upgrade;
pub(crate) mod writes;
