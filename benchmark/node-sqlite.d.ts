// The part of node:sqlite (Node >= 22.5) that the benchmark uses, for the JS
// type check (tsconfig.js.json): @types/node 20, the Node this package is built
// and tested with, has no node:sqlite. The benchmark runs it under Node 22/24
// only, and checks for the methods newer Nodes added before it calls them.
// Delete this file once @types/node declares node:sqlite.
declare module 'node:sqlite' {
  type SQLInputValue = null | number | bigint | string | Uint8Array
  type SQLOutputValue = null | number | bigint | string | Uint8Array

  interface StatementSync {
    all(...params: SQLInputValue[]): Record<string, SQLOutputValue>[]
    get(...params: SQLInputValue[]): Record<string, SQLOutputValue> | undefined
    run(...params: SQLInputValue[]): { changes: number | bigint; lastInsertRowid: number | bigint }
    setReadBigInts(enabled: boolean): void
    /** Node >= 22.16 / 24.0. */
    setReturnArrays?(enabled: boolean): void
    /** Node >= 22.16 / 23.11. */
    columns?(): { name: string; type: string | null }[]
  }

  class DatabaseSync {
    constructor(path: string, options?: { open?: boolean; readOnly?: boolean; timeout?: number })
    exec(sql: string): void
    prepare(sql: string): StatementSync
    function(
      name: string,
      options: { deterministic?: boolean; directOnly?: boolean; useBigIntArguments?: boolean; varargs?: boolean },
      fn: (...args: never[]) => unknown,
    ): void
    close(): void
  }
}
