//! The SQL functions queries use, registered on every connection.

use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::base::time;
use crate::rows;

/// Custom SQL functions the queries use. Registered per connection.
pub(super) fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_DETERMINISTIC
        | FunctionFlags::SQLITE_INNOCUOUS;
    // taktik_icontains(haystack, needle_lowercased): Unicode case-insensitive
    // substring test. Unlike LIKE, `%` and `_` in the needle are plain characters
    // and non-ASCII letters fold too.
    conn.create_scalar_function("taktik_icontains", 2, flags, |ctx| {
        let hay = ctx.get_raw(0);
        let needle = ctx.get_raw(1);
        let (rusqlite::types::ValueRef::Text(h), rusqlite::types::ValueRef::Text(n)) =
            (hay, needle)
        else {
            return Ok(false);
        };
        let h = crate::base::text::lossy(h).to_lowercase();
        Ok(h.contains(&*crate::base::text::lossy(n)))
    })?;
    // taktik_bool(flag): 1, 0 or NULL exactly as the row mapper reads a flag cell
    // (2, 'yes', 'true' are true; 'x' or a BLOB is NULL), so filters on flags
    // select what the returned rows say.
    conn.create_scalar_function("taktik_bool", 1, flags, |ctx| {
        Ok(rows::bool_of(ctx.get_raw(0)).map(i64::from))
    })?;
    register_epoch_ms(conn)
}

/// taktik_epoch_ms(timestamp): the instant of any timestamp shape Python writes
/// (see time.rs), in Unix milliseconds, or NULL. Registered through the C API:
/// getProfiles calls it once per interaction row inside MAX(), and rusqlite's
/// generic closure wrapper (boxing, Context, ToSql, a UTF-8 check) cost as much
/// as the parsing itself.
fn register_epoch_ms(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::ffi;
    use std::os::raw::c_int;

    unsafe extern "C" fn epoch_ms(
        ctx: *mut ffi::sqlite3_context,
        argc: c_int,
        argv: *mut *mut ffi::sqlite3_value,
    ) {
        // SAFETY: SQLite passes `argc` valid values for the duration of the call;
        // text pointers stay valid until the value is touched again.
        let result = catch_unwind(AssertUnwindSafe(|| unsafe {
            if argc != 1 || argv.is_null() {
                return None;
            }
            let v = *argv;
            match ffi::sqlite3_value_type(v) {
                ffi::SQLITE_TEXT => {
                    let p = ffi::sqlite3_value_text(v);
                    let n = ffi::sqlite3_value_bytes(v);
                    if p.is_null() || n < 0 {
                        return None;
                    }
                    time::epoch_ms_bytes(std::slice::from_raw_parts(p, n as usize))
                }
                ffi::SQLITE_INTEGER => Some(ffi::sqlite3_value_int64(v).saturating_mul(1000)),
                ffi::SQLITE_FLOAT => {
                    let f = ffi::sqlite3_value_double(v);
                    f.is_finite().then_some((f * 1000.0) as i64)
                }
                _ => None,
            }
        }));
        // SAFETY: ctx is the live context of this call.
        unsafe {
            match result {
                Ok(Some(ms)) => ffi::sqlite3_result_int64(ctx, ms),
                _ => ffi::sqlite3_result_null(ctx),
            }
        }
    }

    let flags = ffi::SQLITE_UTF8 | ffi::SQLITE_DETERMINISTIC | ffi::SQLITE_INNOCUOUS;
    // SAFETY: the handle is this open connection's; the function has no user
    // data or destructor.
    let rc = unsafe {
        ffi::sqlite3_create_function_v2(
            conn.handle(),
            c"taktik_epoch_ms".as_ptr(),
            1,
            flags,
            std::ptr::null_mut(),
            Some(epoch_ms),
            None,
            None,
            None,
        )
    };
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(rusqlite::Error::SqliteFailure(ffi::Error::new(rc), None))
    }
}
