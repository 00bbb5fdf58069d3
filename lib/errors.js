// The `code` of every error taktik-db throws or rejects with, and a guard for
// them. The native codes are the Rust side's ErrorCode (a cargo test keeps
// this list equal to it); NATIVE_BINDING_NOT_FOUND is index.js's own.
'use strict'

const CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_CONSTRAINT',
  'SQLITE_INTERRUPT',
  'SQLITE_PERM',
  'SQLITE_ERROR',
  'INVALID_ARGUMENT',
  'CLOSED',
  'ABORTED',
  'TIMEOUT',
  'FILE_EXISTS',
  'IO_ERROR',
  'NOT_IN_THIS_FILE',
  'NOT_A_TAKTIK_DATABASE',
  'NOT_LEGACY',
  'INTERNAL',
  'NATIVE_BINDING_NOT_FOUND',
])

/**
 * Whether `error` is one of taktik-db's errors: an Error whose `code` is one
 * of TaktikErrorCode. A guard, so `error.code` is typed after it.
 * @param {unknown} error
 * @returns {boolean}
 */
function isTaktikError(error) {
  return (
    error instanceof Error && typeof (/** @type {{ code?: unknown }} */ (error).code) === 'string' &&
    CODES.has(/** @type {string} */ (/** @type {{ code?: unknown }} */ (error).code))
  )
}

module.exports = { CODES, isTaktikError }
