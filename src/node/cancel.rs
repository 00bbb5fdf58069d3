//! The trailing `{ signal, timeoutMs }` argument of an async read, read off
//! the JS value into a `Cancel` token (base/cancel.rs), and its AbortSignal
//! listener, removed when the call settles.

use napi::bindgen_prelude::{FromNapiValue, Object, ToNapiValue};
use napi::JsValue;
use napi::{sys, Env, Unknown, ValueType};

use crate::base::cancel::Cancel;

// Read key by key in `CallCancel::from_js`; declared for its TypeScript type.
/// The trailing argument of every async read: cancel it or bound its time.
#[derive(ts_rs::TS)]
#[ts(optional_fields, rename_all = "camelCase")]
#[allow(dead_code)]
pub(crate) struct CallOptions {
    /// Aborting interrupts the SQLite work; the promise rejects with code ABORTED.
    #[ts(optional, type = "AbortSignal")]
    signal: Option<()>,
    /// Interrupts the read after this many ms; the promise rejects with code TIMEOUT.
    timeout_ms: Option<f64>,
}
use crate::base::error::{DbError, Result};

/// A call's cancellation as held by the async task: the token, and the abort
/// listener registered on the caller's AbortSignal (removed when the call
/// settles, so a long-lived signal does not keep every past call alive).
pub struct CallCancel {
    token: Cancel,
    listener: Option<(sys::napi_ref, sys::napi_ref)>,
}

// The napi references are only touched on the JS thread (from_js and release,
// which runs in the task's `finally`); the worker thread only reads `token`.
unsafe impl Send for CallCancel {}

impl CallCancel {
    pub fn token(&self) -> &Cancel {
        &self.token
    }

    /// Reads `{ signal?: AbortSignal, timeoutMs?: number }`, and lets the
    /// `extra` keys through (the call's own options, read by its parser).
    /// None when absent.
    pub fn from_js(
        env: &Env,
        func: &str,
        v: Option<&Unknown<'_>>,
        extra: &[&str],
    ) -> Result<Option<CallCancel>> {
        let Some(v) = v else { return Ok(None) };
        match v.get_type() {
            Ok(ValueType::Undefined | ValueType::Null) => return Ok(None),
            Ok(ValueType::Object) if !v.is_array().unwrap_or(false) => {}
            _ => {
                return Err(DbError::invalid(format!(
                    "{func}: call options must be an object like {{ signal, timeoutMs }}"
                )))
            }
        }
        let raw = v.raw();
        let obj = unsafe { Object::from_napi_value(env.raw(), raw) }.map_err(napi_err(func))?;
        for key in Object::keys(&obj).map_err(napi_err(func))? {
            if key != "signal" && key != "timeoutMs" && !extra.contains(&key.as_str()) {
                return Err(DbError::invalid(format!(
                    "{func}: {key} is not an option (the options are {})",
                    ["signal", "timeoutMs"]
                        .iter()
                        .chain(extra)
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        let timeout_ms = match obj.get::<Unknown>("timeoutMs").map_err(napi_err(func))? {
            None => None,
            Some(t) if matches!(t.get_type(), Ok(ValueType::Undefined)) => None,
            Some(t) => {
                let n = match t.get_type() {
                    Ok(ValueType::Number) => unsafe { f64::from_napi_value(env.raw(), t.raw()) }
                        .map_err(napi_err(func))?,
                    _ => {
                        return Err(DbError::invalid(format!(
                            "{func}: timeoutMs must be a whole number of milliseconds from 1 to {}, got {}",
                            i32::MAX,
                            super::args::describe(Some(&t))
                        )))
                    }
                };
                Some(
                    crate::query::args::integer(func, "timeoutMs", n, 1, i64::from(i32::MAX))?
                        as u32,
                )
            }
        };
        let token = Cancel::new(timeout_ms);
        let signal = match obj.get::<Unknown>("signal").map_err(napi_err(func))? {
            Some(s) if matches!(s.get_type(), Ok(ValueType::Object)) => s,
            None => {
                return Ok(Some(CallCancel {
                    token,
                    listener: None,
                }))
            }
            Some(s) if matches!(s.get_type(), Ok(ValueType::Undefined)) => {
                return Ok(Some(CallCancel {
                    token,
                    listener: None,
                }))
            }
            Some(s) => {
                return Err(DbError::invalid(format!(
                    "{func}: signal must be an AbortSignal, got {}",
                    super::args::describe(Some(&s))
                )))
            }
        };
        let signal_obj =
            unsafe { Object::from_napi_value(env.raw(), signal.raw()) }.map_err(napi_err(func))?;
        let is_signal = signal_obj
            .get::<Unknown>("addEventListener")
            .ok()
            .flatten()
            .is_some_and(|f| matches!(f.get_type(), Ok(ValueType::Function)))
            && signal_obj
                .get::<Unknown>("aborted")
                .ok()
                .flatten()
                .is_some_and(|a| matches!(a.get_type(), Ok(ValueType::Boolean)));
        if !is_signal {
            return Err(DbError::invalid(format!(
                "{func}: signal must be an AbortSignal"
            )));
        }
        if signal_obj.get::<bool>("aborted").ok().flatten() == Some(true) {
            token.abort();
            return Ok(Some(CallCancel {
                token,
                listener: None,
            }));
        }
        let flag = token.clone();
        let listener = env
            .create_function_from_closure::<(), (), _>("taktikAbort", move |_| {
                flag.abort();
                Ok(())
            })
            .map_err(napi_err(func))?;
        unsafe {
            let listener_raw = listener.raw();
            call_method(env.raw(), signal.raw(), "addEventListener", listener_raw)
                .map_err(napi_err(func))?;
            let mut signal_ref = std::ptr::null_mut();
            let mut listener_ref = std::ptr::null_mut();
            sys::napi_create_reference(env.raw(), signal.raw(), 1, &mut signal_ref);
            sys::napi_create_reference(env.raw(), listener_raw, 1, &mut listener_ref);
            Ok(Some(CallCancel {
                token,
                listener: Some((signal_ref, listener_ref)),
            }))
        }
    }

    /// On the JS thread, once the call settled: removes the abort listener.
    pub fn release(self, env: &Env) {
        if let Some((signal_ref, listener_ref)) = self.listener {
            unsafe {
                let mut signal = std::ptr::null_mut();
                let mut listener = std::ptr::null_mut();
                sys::napi_get_reference_value(env.raw(), signal_ref, &mut signal);
                sys::napi_get_reference_value(env.raw(), listener_ref, &mut listener);
                if !signal.is_null() && !listener.is_null() {
                    let _ = call_method(env.raw(), signal, "removeEventListener", listener);
                }
                sys::napi_delete_reference(env.raw(), signal_ref);
                sys::napi_delete_reference(env.raw(), listener_ref);
            }
        }
    }
}

/// `target[method]('abort', listener)`.
unsafe fn call_method(
    env: sys::napi_env,
    target: sys::napi_value,
    method: &str,
    listener: sys::napi_value,
) -> napi::Result<()> {
    unsafe {
        let target_obj = Object::from_napi_value(env, target)?;
        let f: Unknown = target_obj
            .get(method)?
            .ok_or_else(|| napi::Error::from_reason(format!("signal has no {method}")))?;
        let event = <&str as ToNapiValue>::to_napi_value(env, "abort")?;
        let args = [event, listener];
        let mut result = std::ptr::null_mut();
        let status = sys::napi_call_function(env, target, f.raw(), 2, args.as_ptr(), &mut result);
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_reason(format!(
                "{method} failed ({status})"
            )));
        }
    }
    Ok(())
}

fn napi_err(func: &str) -> impl Fn(napi::Error) -> DbError + '_ {
    move |e| DbError::invalid(format!("{func}: call options: {}", e.reason))
}
