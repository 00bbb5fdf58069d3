//! taktik-db: typed, async access for Electron to the SQLite file the TAKTIK
//! Python bot writes. The layers, bottom up:
//! - `connection`: pragmas, read pool, writer, close;
//! - `schema`: the Python schema and its migrations;
//! - `rows` + `time`: the one row mapper (camelCase, booleans, JSON, timestamps);
//! - `args`: argument validation; `api`: each query exported async + Sync;
//! - `domain`: one module per area of the data, each a set of queries.
#![deny(clippy::all)]

pub mod api;
pub mod args;
pub mod cancel;
pub mod capabilities;
pub mod connection;
pub mod database;
pub mod domain;
pub mod error;
pub mod layout;
pub mod maintenance;
pub mod rows;
pub mod schema;
pub mod slots;
pub mod time;
pub mod typings;
pub mod unified;
pub mod watch;
pub mod writes;
