//! What every other layer uses and nothing of theirs: errors, text, the time
//! rules, the cancellation token, the stop handle and the read slots.

pub(crate) mod cancel;
pub(crate) mod error;
pub(crate) mod read_slots;
pub(crate) mod stop;
pub(crate) mod text;
pub(crate) mod time;
