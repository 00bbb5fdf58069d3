//! The Node boundary, the only layer that uses `napi`: it reads arguments off
//! JS values, turns errors into JS errors, hands results to the JavaScript in
//! `lib/`, runs async calls on the libuv pool, and declares the JS classes and
//! the table of every exported function.

mod args;
mod cancel;
mod capabilities;
mod class;
mod deliver;
mod error;
mod exports;
mod fast;
mod query;
mod task;
#[cfg(test)]
mod typings;
mod watch;
