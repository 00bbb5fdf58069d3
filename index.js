// taktik-db's entry point. `binding.js` is napi-rs's generated loader (it picks
// taktik-db.<platform>.node or the taktik-db-<platform> package, or the file
// in NAPI_RS_NATIVE_LIBRARY_PATH). This wrapper turns its generic "Cannot find
// native binding", and a binding.js left out of a packaged app, into an error
// that names the platform, the files looked for and the fix, with code
// NATIVE_BINDING_NOT_FOUND; and it hands the addon the
// JavaScript that turns results into values (lib/deliver.js), once per
// environment, before anything can call it; and it adds the methods written in
// JavaScript (lib/live.js, lib/watch.js's onError) to the class.
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const { isTaktikError } = require('./lib/errors.js')

function platformName() {
  const { platform, arch } = process
  if (platform === 'win32') return `win32-${arch}-msvc`
  if (platform === 'darwin') return `darwin-${arch}`
  if (platform === 'linux') {
    let musl
    try {
      /** @type {{ header?: { glibcVersionRuntime?: string } } | null} */
      const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null
      musl = Boolean(report && report.header && !report.header.glibcVersionRuntime)
    } catch {
      musl = false
    }
    return `linux-${arch}-${musl ? 'musl' : 'gnu'}`
  }
  return `${platform}-${arch}`
}

/**
 * @param {unknown} cause the loader's error
 * @param {string} [missing] what is missing before the binary is looked for (the loader itself)
 * @returns {Error & { code: string }}
 */
function loadError(cause, missing) {
  const name = platformName()
  const override = process.env.NAPI_RS_NATIVE_LIBRARY_PATH
  const looked = override
    ? [override + ' (NAPI_RS_NATIVE_LIBRARY_PATH)']
    : [path.join(__dirname, `taktik-db.${name}.node`), `the npm package taktik-db-${name}`]
  const inAsar = __dirname.includes(`.asar${path.sep}`) || __dirname.endsWith('.asar')
  const fix = inAsar
    ? 'This copy of taktik-db is inside an asar archive, where native modules cannot be loaded: ' +
      'unpack *.node (electron-builder "asarUnpack": ["**/*.node"]; Forge packagerConfig.asar.unpack ' +
      '"*.{node,dll}" or @electron-forge/plugin-auto-unpack-natives), or point NAPI_RS_NATIVE_LIBRARY_PATH at the unpacked file.'
    : `Install on the machine that runs it (npm install builds or fetches the binary for ${name}), ` +
      'or ship the matching taktik-db-<platform> package with your app (a binary built for another ' +
      'OS, CPU or libc cannot load here), or set NAPI_RS_NATIVE_LIBRARY_PATH to the .node file.'
  return Object.assign(
    new Error(
      `taktik-db: no native binary for ${name} (Node ${process.versions.node}, Node-API ${process.versions.napi}). ` +
        (missing ? `${missing} ` : '') +
        `Looked for: ${looked.join('; ')}. ${fix}`,
    ),
    { code: 'NATIVE_BINDING_NOT_FOUND', cause },
  )
}

/**
 * binding.js is generated and not type-checked (@ts-nocheck); the API it
 * loads is the one index.d.ts declares.
 * @returns {typeof import('./index.d.ts') & { initialize(helpers: typeof import('./lib/deliver.js')): import('./lib/deliver.js').FastPath }}
 */
function loadBinding() {
  try {
    return require('./binding.js')
  } catch (e) {
    const message = e && typeof e === 'object' && 'message' in e && typeof e.message === 'string' ? e.message : ''
    if (message.startsWith('Cannot find native binding') || message.startsWith('Failed to load native binding')) {
      throw loadError(e)
    }
    // A packager's `files` list that names index.js but not binding.js: no
    // binary can load without its loader, so the same error and help, saying so.
    const loader = path.join(__dirname, 'binding.js')
    const code = e && typeof e === 'object' && 'code' in e ? e.code : undefined
    if (code === 'MODULE_NOT_FOUND' && message.includes('binding.js') && !fs.existsSync(loader)) {
      throw loadError(
        e,
        `Its loader ${loader} is missing: package all of taktik-db (index.js, binding.js, lib/, package.json), not index.js alone.`,
      )
    }
    throw e
  }
}

const binding = loadBinding()
const deliver = require('./lib/deliver.js')
deliver.installSyncReads(binding.TaktikDatabase.prototype, binding.initialize(deliver))
// watch's onError: what the callback throws, for the app to handle (lib/watch.js).
require('./lib/watch.js').install(binding.TaktikDatabase)
// db.live() is JavaScript over the native watch feed and reads (lib/live.js).
require('./lib/live.js').install(binding.TaktikDatabase)

/**
 * A database just opened, introduced to the Sync reads' fast path: reading
 * `isOpen` goes through napi-rs's receiver check, which the fast path relies
 * on (src/node/fast.rs), so the first Sync read is fast too.
 * @param {import('./index.d.ts').TaktikDatabase} db
 */
function introduced(db) {
  void db.isOpen
  return db
}

/** @type {typeof binding.openDatabase} */
function openDatabase(options) {
  return introduced(binding.openDatabase(options))
}

/** @type {typeof binding.openDatabaseAsync} */
function openDatabaseAsync(options) {
  return binding.openDatabaseAsync(options).then(introduced)
}

// Named, so Node's ESM import (`import { openDatabase } from 'taktik-db'`)
// sees them statically (cjs-module-lexer). __test__/load.test.ts checks the
// list against binding.js: every export but `initialize`, which is this
// file's business, not the API.
module.exports.TaktikDatabase = binding.TaktikDatabase
module.exports.WatchHandle = binding.WatchHandle
module.exports.defaultDatabasePath = binding.defaultDatabasePath
module.exports.openDatabase = openDatabase
module.exports.openDatabaseAsync = openDatabaseAsync
module.exports.__napiBindingTarget = binding.__napiBindingTarget
module.exports.isTaktikError = isTaktikError
