// The one place this example names the addon. Inside this repository it is the
// generated loader two directories up; in the app, replace both specifiers
// with 'taktik-db' (the package name). Everything else imports from here, so
// that is the only edit.
//
// Only the main process and the utility process import the runtime values.
// The preload and the renderer import types only (`import type`), which
// TypeScript erases: the native addon is never loaded into a renderer.
export { defaultDatabasePath, isTaktikError, openDatabase } from '../../index.js'
export type * from '../../index.js'
