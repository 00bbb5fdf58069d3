//! Errors as JavaScript sees them.

use napi::{Env, JsError};

use crate::base::error::DbError;

/// A JS Error with our `code`, wrapped so napi-rs throws or rejects with it as is.
pub(crate) fn to_napi(env: &Env, err: DbError) -> napi::Error {
    let js = JsError::from(napi::Error::new(err.code, err.message)).into_unknown(*env);
    napi::Error::from(js)
}
