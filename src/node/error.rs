//! Errors as JavaScript sees them.

use napi::{sys, Env, JsError, Unknown};

use crate::base::error::DbError;

/// A JS Error with our `code`, wrapped so napi-rs throws or rejects with it as is.
pub(crate) fn to_napi(env: &Env, err: DbError) -> napi::Error {
    let js = JsError::from(napi::Error::new(err.code, err.message)).into_unknown(*env);
    napi::Error::from(js)
}

/// Where an async call was made: an Error created on the JS thread when the
/// call is made, so V8 records the caller's stack then. An error made when
/// the work completes has no JavaScript under it (its `stack` named no frame
/// of the app's). A rejection takes this object over, with its code and
/// message; V8 writes `stack`'s first line when it is first read, so it shows
/// them. The cost is one V8 stack capture a call, as `new Error()` there:
/// ~6 µs more JS-thread CPU per async call issued, ~1 µs with
/// Error.stackTraceLimit = 0 (README "Errors" has the measurement).
pub(crate) struct CallSite(sys::napi_ref);

// Only touched on the JS thread: made at the call, used or released when the
// task settles (resolve / finally), never by the worker thread.
unsafe impl Send for CallSite {}

impl CallSite {
    /// The caller's stack, now. None if Node refused (then the rejection is a
    /// fresh Error, as before).
    pub(crate) fn here(env: &Env) -> Option<CallSite> {
        let raw = env.raw();
        unsafe {
            let mut message = std::ptr::null_mut();
            let mut error = std::ptr::null_mut();
            let mut reference = std::ptr::null_mut();
            let ok = sys::napi_create_string_utf8(raw, c"".as_ptr(), 0, &mut message)
                == sys::Status::napi_ok
                && sys::napi_create_error(raw, std::ptr::null_mut(), message, &mut error)
                    == sys::Status::napi_ok
                && sys::napi_create_reference(raw, error, 1, &mut reference)
                    == sys::Status::napi_ok;
            ok.then_some(CallSite(reference))
        }
    }

    /// `err` as the call-time Error: its `code` and `message` set.
    pub(crate) fn reject(self, env: &Env, err: DbError) -> napi::Error {
        let raw = env.raw();
        let mut error = std::ptr::null_mut();
        let got = unsafe { sys::napi_get_reference_value(raw, self.0, &mut error) };
        self.release(env);
        if got != sys::Status::napi_ok || error.is_null() {
            return to_napi(env, err);
        }
        let set = |key: &std::ffi::CStr, text: &str| unsafe {
            let mut value = std::ptr::null_mut();
            sys::napi_create_string_utf8(raw, text.as_ptr().cast(), text.len() as isize, &mut value)
                == sys::Status::napi_ok
                && sys::napi_set_named_property(raw, error, key.as_ptr(), value)
                    == sys::Status::napi_ok
        };
        if !(set(c"message", &err.message) && set(c"code", err.code.as_str())) {
            return to_napi(env, err);
        }
        napi::Error::from(unsafe { Unknown::from_raw_unchecked(raw, error) })
    }

    /// Lets the Error go (the call succeeded, or it was used).
    pub(crate) fn release(self, env: &Env) {
        unsafe { sys::napi_delete_reference(env.raw(), self.0) };
    }
}
