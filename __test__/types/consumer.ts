// Type test (issue 6.5): compiled by `tsc --noEmit` in `npm test` (npm run lint),
// never executed. Correct use must compile under `strict`; every misuse below
// carries @ts-expect-error, so if the typings ever accept it, tsc fails with
// "Unused '@ts-expect-error' directive".
import {
  defaultDatabasePath,
  isTaktikError,
  openDatabase,
  type Account,
  type ChangeEvent,
  type DailyStatsDay,
  type ProfileWithInteractions,
  type Session,
  type TaktikDatabase,
  type TaktikError,
  type TaktikErrorCode,
  type WriteResult,
} from '../../index.js'

export async function correctUse(): Promise<void> {
  const db: TaktikDatabase = openDatabase({ path: defaultDatabasePath(), readonly: true, busyTimeoutMs: 500 })
  const accounts: Account[] = await db.getAccounts()
  const first = accounts[0]
  if (!first) return
  const sessions: Session[] = await db.getSessions(first.accountId, { limit: 20, status: 'COMPLETED' })
  const s: Session | undefined = sessions[0]
  const name: string = s?.sessionName ?? ''
  const synced: boolean | null | undefined = s?.syncedToApi
  const days: DailyStatsDay[] = db.getDailyStatsSync(first.accountId, 30)
  const likes: number = days.reduce((t, d) => t + d.totalLikes, 0)
  const profiles: ProfileWithInteractions[] = await db.getProfiles(
    first.accountId,
    { search: 'anna', sortBy: 'followersCount', order: 'desc', limit: 100, isPrivate: false },
    { signal: AbortSignal.timeout(1000), timeoutMs: 500 },
  )
  const count: number = profiles[0]?.interactionCount ?? 0
  const one = await db.getProfile('anna.fit')
  const notes: string | null | undefined = one?.notes
  const w: WriteResult = await db.updateProfileNotes(1, null)
  const deleted: number | undefined = w.deleted['instagram_profiles']
  const handle = db.watch((e: ChangeEvent) => void e.tables.map((t: string) => t.length), { intervalMs: 100, tables: ['sessions'] })
  handle.close()
  try {
    db.getAccountsSync()
  } catch (e) {
    const code: TaktikError['code'] = (e as TaktikError).code
    void code
  }
  try {
    await db.getAccounts()
  } catch (e) {
    // The guard narrows: no cast, and `code` is the closed union.
    if (isTaktikError(e)) {
      const code: TaktikErrorCode = e.code
      if (e.code === 'NATIVE_BINDING_NOT_FOUND' || e.code === 'SQLITE_BUSY') void code
    }
  }
  db.close()
  void [name, synced, likes, count, notes, deleted]
}

export async function misuse(db: TaktikDatabase): Promise<void> {
  // @ts-expect-error accountId is a number, not a string
  await db.getSessions('1')
  // @ts-expect-error days is required
  db.getDailyStatsSync(1)
  // @ts-expect-error misspelled option (limt)
  await db.getSessions(1, { limt: 5 })
  // @ts-expect-error sortBy is a closed set of column names
  await db.getProfiles(1, { sortBy: 'followers; DROP TABLE x' })
  // @ts-expect-error order is 'asc' | 'desc'
  await db.getProfiles(1, { order: 'up' })
  const sessions = await db.getSessions(1)
  // @ts-expect-error rows are camelCase (session_name does not exist)
  void sessions[0]?.session_name
  // @ts-expect-error a misspelled field
  void sessions[0]?.sessionNmae
  // @ts-expect-error Sync forms return values, not Promises
  void db.getAccountsSync().then
  // @ts-expect-error async forms return Promises: no array methods without await
  void db.getAccounts().map
  // @ts-expect-error timeoutMs is a number
  await db.getAccounts({ timeoutMs: '100' })
  // @ts-expect-error the path option is a string
  openDatabase({ path: 42 })
  // @ts-expect-error readonly is a boolean
  openDatabase({ readonly: 'yes' })
  // @ts-expect-error checkpoint modes are a closed set
  await db.checkpoint('FAST')
  // @ts-expect-error export kinds are a closed set
  await db.exportCsv('sessions', '/tmp/x.csv', { accountId: 1 })
  // @ts-expect-error the watch callback receives a ChangeEvent, not a string
  db.watch((e: string) => e)
  // @ts-expect-error notes are string | null
  await db.updateProfileNotes(1, 5)
  try {
    db.getAccountsSync()
  } catch (e) {
    // @ts-expect-error without the guard, an error is unknown
    void e.code
    // @ts-expect-error no such code
    if (isTaktikError(e) && e.code === 'SQLITE_NOPE') void e
  }
}
