//! `Args` over JS values: how a query's `parse` reads the arguments of a call
//! by name. The exports table gives each argument its name; a name the table
//! does not list reads as undefined.

use napi::bindgen_prelude::{FromNapiValue, Function, JsObjectValue, Object};
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi::JsDate;
use napi::{Env, JsValue, Unknown, ValueType};
use serde::de::DeserializeOwned;

use crate::base::error::{DbError, Result};
use crate::query::args::{
    at_fault, date_json, describe_text, integer, missing_option, option_error, profile_key_text,
    sql_number, Args, Callback, ProfileKey, SqlParams, SqlValue, MAX_DAYS, MAX_SAFE_INTEGER,
    SQL_VALUE_TYPES,
};

pub(crate) struct JsArgs<'a, 'e> {
    env: &'a Env,
    func: &'static str,
    names: &'static [&'static str],
    values: &'a [Option<&'a Unknown<'e>>],
}

impl<'a, 'e> JsArgs<'a, 'e> {
    pub(crate) fn new(
        env: &'a Env,
        func: &'static str,
        names: &'static [&'static str],
        values: &'a [Option<&'a Unknown<'e>>],
    ) -> Self {
        JsArgs {
            env,
            func,
            names,
            values,
        }
    }

    /// The argument called `name`; None when left out or not in the table.
    fn get(&self, name: &str) -> Option<&'a Unknown<'e>> {
        let i = self.names.iter().position(|n| *n == name)?;
        self.values.get(i).copied().flatten()
    }

    fn is_nullish(v: Option<&Unknown<'_>>) -> bool {
        v.is_none_or(|v| matches!(v.get_type(), Ok(ValueType::Undefined | ValueType::Null)))
    }

    /// `name` as an object, None when undefined or null.
    fn object(&self, name: &str) -> Result<Option<Object<'e>>> {
        let v = self.get(name);
        if Self::is_nullish(v) {
            return Ok(None);
        }
        match v {
            Some(v) if v.get_type().ok() == Some(ValueType::Object) => {
                unsafe { Object::from_napi_value(self.env.raw(), v.raw()) }
                    .map(Some)
                    .map_err(|e| DbError::invalid(format!("{}: {}", self.func, e.reason)))
            }
            _ => Err(DbError::invalid(format!(
                "{}: {name} must be an object, got {}",
                self.func,
                describe(v)
            ))),
        }
    }
}

impl<'e> JsArgs<'_, 'e> {
    /// Why an object is not plain data: its first member that is not (a
    /// function, a symbol), named `name.key`.
    fn not_plain(&self, name: &str, v: &Unknown<'e>) -> Option<DbError> {
        let obj = unsafe { Object::from_napi_value(self.env.raw(), v.raw()) }.ok()?;
        Object::keys(&obj).ok()?.into_iter().find_map(|key| {
            let member = obj.get::<Unknown>(&key).ok()??;
            self.env
                .from_js_value::<serde_json::Value, _>(member)
                .err()
                .map(|_| {
                    DbError::invalid(format!(
                        "{}: {name}.{key} must be plain data (strings, numbers, booleans, arrays, objects), got {}",
                        self.func,
                        describe(Some(&member))
                    ))
                })
        })
    }

    /// An options object that `from_js_value` refused: again with each Date
    /// member handed over as `{ [DATE_KEY]: ms }`, then, if still refused, each
    /// key alone, to name the one at fault and what it accepts.
    fn options_checked<T: DeserializeOwned>(&self, v: &Unknown<'e>) -> Result<T> {
        let (env, func) = (self.env, self.func);
        let js = |e: napi::Error| DbError::invalid(format!("{func}: options: {}", e.reason));
        let obj = unsafe { Object::from_napi_value(env.raw(), v.raw()) }.map_err(js)?;
        let mut copy = Object::new(env).map_err(js)?;
        let mut members = Vec::new();
        for key in Object::keys(&obj).map_err(js)? {
            let Some(value) = obj.get::<Unknown>(&key).map_err(js)? else {
                continue;
            };
            let given = if value.is_date().unwrap_or(false) {
                let ms = unsafe { JsDate::from_napi_value(env.raw(), value.raw()) }
                    .and_then(|d| d.value_of())
                    .map_err(js)?;
                let marker = date_json(ms);
                env.to_js_value(&marker).map_err(js)?.raw()
            } else {
                value.raw()
            };
            copy.set(&key, given).map_err(js)?;
            members.push((key, describe(Some(&value)), given));
        }
        let whole = env.from_js_value::<T, _>(copy);
        let reason = match whole {
            Ok(t) => return Ok(t),
            Err(e) => e.reason,
        };
        let alone = |key: &str, value: napi::sys::napi_value| -> napi::Result<T> {
            let mut one = Object::new(env)?;
            one.set(key, value)?;
            env.from_js_value::<T, _>(one)
        };
        for (key, got, given) in &members {
            if let Some(e) = alone(key, *given).err().filter(|e| at_fault(&e.reason)) {
                return Err(option_error(func, key, got, &e.reason, |p| {
                    env.to_js_value(&p.json())
                        .and_then(|sample| alone(key, sample.raw()))
                        .err()
                        .is_none_or(|e| !at_fault(&e.reason))
                }));
            }
        }
        Err(missing_option(func, &reason))
    }
}

pub(crate) fn describe(v: Option<&Unknown<'_>>) -> String {
    let Some(v) = v else {
        return "undefined".into();
    };
    match v.get_type() {
        Ok(ValueType::Number) => match unsafe { v.cast::<f64>() } {
            Ok(n) => format!("{n}"),
            Err(_) => "a number".into(),
        },
        Ok(ValueType::String) => match unsafe { v.cast::<String>() } {
            Ok(s) => describe_text(&s),
            Err(_) => "a string".into(),
        },
        Ok(ValueType::Undefined) => "undefined".into(),
        Ok(ValueType::Null) => "null".into(),
        Ok(ValueType::Boolean) => match unsafe { v.cast::<bool>() } {
            Ok(b) => b.to_string(),
            Err(_) => "a boolean".into(),
        },
        Ok(ValueType::Object) if v.is_array().unwrap_or(false) => "an array".into(),
        Ok(ValueType::Object) if v.is_date().unwrap_or(false) => "a Date".into(),
        Ok(ValueType::Object) => "an object".into(),
        Ok(ValueType::Function) => "a function".into(),
        Ok(ValueType::Symbol) => "a symbol".into(),
        // napi_bigint: not in napi-rs's ValueType below the napi6 feature.
        Ok(ValueType::Unknown) => "a bigint".into(),
        Ok(other) => format!("a {other}"),
        Err(_) => "an unreadable value".into(),
    }
}

/// One parameter of db.query() (`at` names it: `params[2]`, `params.name`).
fn sql_value(env: &Env, func: &str, at: &str, v: &Unknown<'_>) -> Result<SqlValue> {
    let bad = |what: String| {
        DbError::invalid(format!(
            "{func}: {at} must be {SQL_VALUE_TYPES}, got {what}"
        ))
    };
    match v.get_type() {
        Ok(ValueType::Null) => Ok(SqlValue::Null),
        Ok(ValueType::Boolean) => unsafe { bool::from_napi_value(env.raw(), v.raw()) }
            .map(|b| SqlValue::Integer(i64::from(b)))
            .map_err(|e| bad(e.reason)),
        Ok(ValueType::Number) => match unsafe { v.cast::<f64>() } {
            Ok(n) => sql_number(func, at, n),
            Err(e) => Err(bad(e.reason)),
        },
        Ok(ValueType::String) => unsafe { v.cast::<String>() }
            .map(SqlValue::Text)
            .map_err(|e| bad(e.reason)),
        // A Buffer is a Uint8Array; other typed arrays (and DataView,
        // ArrayBuffer) are refused rather than reinterpreted as bytes.
        Ok(ValueType::Object) if v.is_typedarray().unwrap_or(false) => {
            unsafe { <&[u8]>::from_napi_value(env.raw(), v.raw()) }
                .map(|bytes| SqlValue::Blob(bytes.to_vec()))
                .map_err(|_| bad("a typed array other than Uint8Array".into()))
        }
        Ok(ValueType::Undefined) => sql_value_undefined(func, at),
        // napi_bigint: not in napi-rs's ValueType below the napi6 feature.
        Ok(ValueType::Unknown) => Err(bad(
            "a bigint (pass a number: ids and counts are below 2^53)".into(),
        )),
        _ => Err(bad(describe(Some(v)))),
    }
}

/// undefined is refused, not bound as NULL: it is usually a missing value.
fn sql_value_undefined(func: &str, at: &str) -> Result<SqlValue> {
    Err(DbError::invalid(format!(
        "{func}: {at} is undefined (bind NULL with null)"
    )))
}

fn number_of(v: Option<&Unknown<'_>>) -> Option<f64> {
    let v = v?;
    if v.get_type().ok()? != ValueType::Number {
        return None;
    }
    unsafe { v.cast::<f64>() }.ok()
}

impl Args for JsArgs<'_, '_> {
    fn func(&self) -> &'static str {
        self.func
    }

    fn id(&self, name: &str) -> Result<i64> {
        let v = self.get(name);
        match number_of(v) {
            Some(n)
                if n.is_finite() && n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&n) =>
            {
                Ok(n as i64)
            }
            _ => Err(DbError::invalid(format!(
                "{}: {name} must be a non-negative integer id, got {}",
                self.func,
                describe(v)
            ))),
        }
    }

    fn optional_id(&self, name: &str) -> Result<Option<i64>> {
        if Self::is_nullish(self.get(name)) {
            Ok(None)
        } else {
            self.id(name).map(Some)
        }
    }

    fn days(&self, name: &str) -> Result<u32> {
        let v = self.get(name);
        match number_of(v) {
            Some(n) => integer(self.func, name, n, 1, MAX_DAYS).map(|d| d as u32),
            None => Err(DbError::invalid(format!(
                "{}: {name} must be an integer from 1 to {MAX_DAYS}, got {}",
                self.func,
                describe(v)
            ))),
        }
    }

    fn profile_key(&self, name: &str) -> Result<ProfileKey> {
        let func = self.func;
        let v = self.get(name);
        if let Some(v) = v.filter(|v| v.get_type().ok() == Some(ValueType::String)) {
            let s: String = unsafe { v.cast::<String>() }
                .map_err(|e| DbError::invalid(format!("{func}: {name}: {e}")))?;
            return profile_key_text(func, &s);
        }
        match number_of(v) {
            Some(n) => integer(func, name, n, 0, MAX_SAFE_INTEGER as i64).map(ProfileKey::Id),
            None => Err(DbError::invalid(format!(
                "{func}: {name} must be a username string or a profile id, got {}",
                describe(v)
            ))),
        }
    }

    fn text(&self, name: &str) -> Result<String> {
        let func = self.func;
        match self.get(name) {
            Some(v) if v.get_type().ok() == Some(ValueType::String) => {
                unsafe { v.cast::<String>() }
                    .map_err(|e| DbError::invalid(format!("{func}: {name}: {}", e.reason)))
            }
            v => Err(DbError::invalid(format!(
                "{func}: {name} must be a string, got {}",
                describe(v)
            ))),
        }
    }

    fn nullable_text(&self, name: &str) -> Result<Option<String>> {
        let v = self.get(name);
        if Self::is_nullish(v) {
            return Ok(None);
        }
        match v.map(|v| v.get_type()) {
            Some(Ok(ValueType::String)) => self.text(name).map(Some),
            _ => Err(DbError::invalid(format!(
                "{}: {name} must be a string or null, got {}",
                self.func,
                describe(v)
            ))),
        }
    }

    fn is_undefined(&self, name: &str) -> bool {
        self.get(name)
            .is_none_or(|v| matches!(v.get_type(), Ok(ValueType::Undefined)))
    }

    fn options<T: DeserializeOwned + Default>(&self, name: &str) -> Result<T> {
        let func = self.func;
        let v = self.get(name);
        if Self::is_nullish(v) {
            return Ok(T::default());
        }
        match v {
            Some(v)
                if v.get_type().ok() == Some(ValueType::Object)
                    && !v.is_array().unwrap_or(false) =>
            {
                match self.env.from_js_value::<T, _>(*v) {
                    Ok(t) => Ok(t),
                    // Refused, or holding a Date (serde sees an empty object):
                    // the slow path reads Dates and names the key at fault.
                    Err(_) => self.options_checked(v),
                }
            }
            _ => Err(DbError::invalid(format!(
                "{func}: options must be an object, got {}",
                describe(v)
            ))),
        }
    }

    fn json(&self, name: &str) -> Result<Option<serde_json::Value>> {
        let v = self.get(name);
        if Self::is_nullish(v) {
            return Ok(None);
        }
        match v {
            Some(v)
                if v.get_type().ok() == Some(ValueType::Object)
                    && !v.is_array().unwrap_or(false) =>
            {
                let js = |e: napi::Error| {
                    DbError::invalid(format!("{}: {name}: {}", self.func, e.reason))
                };
                let mut json = match self.env.from_js_value::<serde_json::Value, _>(*v) {
                    Ok(json) => json,
                    Err(e) => return Err(self.not_plain(name, v).unwrap_or_else(|| js(e))),
                };
                // A Date member (an export's since/until) as the marker
                // InstantArg reads: serde saw an empty object.
                if let serde_json::Value::Object(map) = &mut json {
                    let obj =
                        unsafe { Object::from_napi_value(self.env.raw(), v.raw()) }.map_err(js)?;
                    for (key, member) in map.iter_mut() {
                        let Some(value) = obj.get::<Unknown>(key).map_err(js)? else {
                            continue;
                        };
                        if value.is_date().unwrap_or(false) {
                            let ms =
                                unsafe { JsDate::from_napi_value(self.env.raw(), value.raw()) }
                                    .and_then(|d| d.value_of())
                                    .map_err(js)?;
                            *member = date_json(ms);
                        }
                    }
                }
                Ok(Some(json))
            }
            _ => Err(DbError::invalid(format!(
                "{}: {name} must be an object, got {}",
                self.func,
                describe(v)
            ))),
        }
    }

    fn is_object(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| {
            v.get_type().ok() == Some(ValueType::Object) && !v.is_array().unwrap_or(false)
        })
    }

    fn keys(&self, name: &str) -> Result<Option<Vec<String>>> {
        match self.object(name)? {
            None => Ok(None),
            Some(obj) => Object::keys(&obj)
                .map(Some)
                .map_err(|e| DbError::invalid(e.reason)),
        }
    }

    fn member_bool(&self, name: &str, key: &str) -> Result<Option<bool>> {
        let Some(obj) = self.object(name)? else {
            return Ok(None);
        };
        let member: Option<Unknown> = obj.get(key).ok().flatten();
        match member {
            None => Ok(None),
            Some(v) if v.get_type().ok() == Some(ValueType::Undefined) => Ok(None),
            Some(v) => unsafe { bool::from_napi_value(self.env.raw(), v.raw()) }
                .map(Some)
                .map_err(|_| {
                    DbError::invalid(format!(
                        "{}: {key} must be true or false, got {}",
                        self.func,
                        describe(Some(&v))
                    ))
                }),
        }
    }

    fn sql_params(&self, name: &str) -> Result<SqlParams> {
        let (env, func) = (self.env, self.func);
        let v = self.get(name);
        if Self::is_nullish(v) {
            return Ok(SqlParams::None);
        }
        let Some(v) = v.filter(|v| {
            v.get_type().ok() == Some(ValueType::Object) && !v.is_typedarray().unwrap_or(true)
        }) else {
            return Err(DbError::invalid(format!(
                "{func}: {name} must be an array (for ? parameters) or an object (for :name parameters), got {}",
                describe(v)
            )));
        };
        let obj = unsafe { Object::from_napi_value(env.raw(), v.raw()) }
            .map_err(|e| DbError::invalid(format!("{func}: {name}: {}", e.reason)))?;
        let js = |e: napi::Error| DbError::invalid(format!("{func}: {name}: {}", e.reason));
        if v.is_array().unwrap_or(false) {
            let len = obj.get_array_length().map_err(js)?;
            let mut values = Vec::with_capacity(len as usize);
            for i in 0..len {
                let item: Unknown = obj.get_element(i).map_err(js)?;
                values.push(sql_value(env, func, &format!("{name}[{i}]"), &item)?);
            }
            return Ok(SqlParams::Positional(values));
        }
        let mut values = Vec::new();
        for key in Object::keys(&obj).map_err(js)? {
            let at = format!("{name}.{key}");
            let value = match obj.get::<Unknown>(&key).map_err(js)? {
                Some(item) => sql_value(env, func, &at, &item)?,
                None => sql_value_undefined(func, &at)?,
            };
            values.push((key, value));
        }
        Ok(SqlParams::Named(values))
    }

    fn member_is_null(&self, name: &str, key: &str) -> bool {
        let Ok(Some(obj)) = self.object(name) else {
            return false;
        };
        // `get` gives None for undefined, the value for null.
        let member: Option<Unknown> = obj.get(key).ok().flatten();
        member.is_some_and(|v| v.get_type().ok() == Some(ValueType::Null))
    }

    fn member_callback(&self, name: &str, key: &str) -> Result<Option<Callback>> {
        let Some(obj) = self.object(name)? else {
            return Ok(None);
        };
        let member: Option<Unknown> = obj.get(key).ok().flatten();
        match member {
            Some(f) if f.get_type().ok() == Some(ValueType::Function) => {
                let f: Function<'_, serde_json::Value, ()> =
                    unsafe { Function::from_napi_value(self.env.raw(), f.raw()) }
                        .map_err(|e| DbError::invalid(e.reason))?;
                // Weak: a pending progress callback must not keep Node alive.
                let tsfn = f
                    .build_threadsafe_function::<serde_json::Value>()
                    .weak::<true>()
                    .callee_handled::<false>()
                    .build()
                    .map_err(|e| DbError::internal(e.reason))?;
                Ok(Some(Box::new(move |v| {
                    tsfn.call(v, ThreadsafeFunctionCallMode::NonBlocking);
                })))
            }
            None => Ok(None),
            Some(f) if f.get_type().ok() == Some(ValueType::Undefined) => Ok(None),
            Some(v) => Err(DbError::invalid(format!(
                "{}: {key} must be a function, got {}",
                self.func,
                describe(Some(&v))
            ))),
        }
    }
}
