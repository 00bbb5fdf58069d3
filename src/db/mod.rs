//! The file and its connections: opening and configuring them, the read pool
//! and the writer, the SQL functions queries use, the WAL guard, the guard on
//! SQL the app writes, where the bot's file lives, and the two layouts' schemas.

pub(crate) mod database;
mod functions;
pub(crate) mod guard;
pub(crate) mod layout;
pub(crate) mod paths;
pub(crate) mod schema;
pub(crate) mod unified;
mod wal;
