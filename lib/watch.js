// `db.watch(callback, { onError })`: the native feed (src/node/watch.rs) calls
// `callback` from a threadsafe function, where a throw can only become an
// `uncaughtException`. With `onError`, the callback is wrapped here so that
// what it throws goes to `onError` instead and the app can handle it (as
// db.live()'s onError does). The native side checks every other option, and
// accepts `onError` without reading it.
'use strict'

/** @typedef {import('../index.d.ts').TaktikDatabase} TaktikDatabase */
/** @typedef {import('../index.d.ts').ChangeEvent} ChangeEvent */
/** @typedef {import('../index.d.ts').WatchOptions} WatchOptions */
/** @typedef {import('../index.d.ts').WatchHandle} WatchHandle */

/**
 * An error like the native ones: `code` is a TaktikErrorCode.
 * @param {string} message
 * @returns {Error & { code: string }}
 */
function invalid(message) {
  return Object.assign(new Error(message), { code: 'INVALID_ARGUMENT' })
}

/**
 * Puts the wrapping `watch` on the class in front of the native one.
 * @param {{ prototype: TaktikDatabase }} TaktikDatabase
 */
function install(TaktikDatabase) {
  const proto = TaktikDatabase.prototype
  const nativeWatch = proto.watch
  /**
   * @this {TaktikDatabase}
   * @param {(event: ChangeEvent) => void} callback
   * @param {WatchOptions} [options]
   * @returns {WatchHandle}
   */
  function watch(callback, options) {
    const onError = options !== null && typeof options === 'object' ? options.onError : undefined
    // Anything else (a bad callback or options included) is the native side's to check.
    if (onError === undefined || typeof callback !== 'function') return nativeWatch.call(this, callback, options)
    if (typeof onError !== 'function') throw invalid('watch: onError must be a function')
    /** @param {ChangeEvent} event */
    const guarded = (event) => {
      try {
        callback(event)
      } catch (error) {
        // A throw from onError itself is an uncaughtException, as without it.
        onError(error)
      }
    }
    return nativeWatch.call(this, guarded, options)
  }
  // Like the native methods: writable, enumerable, configurable.
  Object.defineProperty(proto, 'watch', { writable: true, enumerable: true, configurable: true, value: watch })
}

module.exports = { install }
