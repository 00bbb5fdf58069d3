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
  type LiveQuery,
  type ProfileWithInteractions,
  type ReadArgs,
  type ReadResult,
  type Session,
  TaktikDatabase,
  WatchHandle,
  type DiscoveryCampaign,
  type ExportResult,
  type JsonValue,
  type TikTokAccount,
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
  // Live queries: the callback gets the read's own result type; args are the read's parameters.
  const live: LiveQuery = db.live('getDailyStats', [first.accountId, 30], (days) => {
    const d: DailyStatsDay[] = days
    void d[0]?.totalLikes
  }, { throttleMs: 250, onError: (e) => void (isTaktikError(e) && e.code) })
  db.live('getSessions', [first.accountId], (rows: Session[]) => void rows.length)
  db.live('getSessions', [first.accountId, { limit: 5, status: 'ACTIVE' }], (rows) => void rows[0]?.sessionName)
  db.live('getAccounts', [], (rows) => void rows.map((a: Account) => a.username))
  db.live('getProfile', ['anna.fit'], (p) => void p?.notes)
  db.live('countProfiles', [first.accountId, { search: 'a' }], (n: number) => void n)
  db.live('getDiscoveryCampaigns', [null], (c) => void c.length)
  const runs: number = live.runs
  const closed: boolean = live.closed
  live.close()
  const args: ReadArgs<'getDailyStats'> = [first.accountId, 7]
  const result: ReadResult<'countProfiles'> = 1
  // Raw SQL: rows typed by the caller (Record<string, unknown> by default), params bound.
  const raw = await db.query<{ n: number }>('SELECT count(*) AS n FROM sessions WHERE account_id = ?', [first.accountId], { timeoutMs: 500 })
  const n: number | undefined = raw[0]?.n
  const loose: Record<string, unknown>[] = db.querySync('SELECT * FROM sessions WHERE status = :status', { status: 'COMPLETED' })
  db.querySync('SELECT ?', [1, 'x', true, null, Buffer.from('b'), new Uint8Array(1)])
  const tables: string[] = db.tablesRead('getProfiles')
  // Issue 16: each export kind with its own filters; required fields; accountId null detaches.
  const e1: ExportResult = await db.exportCsv('profiles', '/tmp/p.csv', { accountId: 1, search: 'a', sortBy: 'followersCount', bom: true })
  const e2: ExportResult = db.exportCsvSync('scrapedProfiles', '/tmp/s.csv', { scrapingId: 2, minScore: 50, overwrite: true })
  await db.exportCsv('interactions', '/tmp/i.csv', { accountId: 1, type: ['LIKE'] }, { onProgress: (p) => void p.rowsWritten, timeoutMs: 1000 })
  await db.pruneHistory({ olderThanDays: 30 })
  db.pruneHistorySync({ olderThanDays: 30, dryRun: true })
  const campaign: DiscoveryCampaign = await db.createDiscoveryCampaign({ name: 'Fitness FR', accountId: null, targetHashtags: ['fit'] })
  const detached: DiscoveryCampaign | null = await db.updateDiscoveryCampaign(campaign.campaignId, { accountId: null })
  db.updateDiscoveryCampaignSync(campaign.campaignId, { status: 'PAUSED' })
  // An account that is gone is null; its other reads answer [] or zeros.
  const account: Account | null = await db.getAccount(first.accountId)
  const tiktok: TikTokAccount | null = db.getTikTokAccountSync(1)
  const linked: JsonValue = one?.linkedAccounts ?? null
  const guarded: WatchHandle = db.watch(() => {}, { tables: ['sessions'], onError: (e: unknown) => void e })
  guarded.close()
  db.close()
  void [name, synced, likes, count, notes, deleted, runs, closed, args, result, n, loose, tables, e1, e2, detached, account, tiktok, linked]
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
  // @ts-expect-error live takes a read's name, not a write's
  db.live('deleteAccount', [1], () => {})
  // @ts-expect-error nor a Sync form
  db.live('getSessionsSync', [1], () => {})
  // @ts-expect-error nor a misspelled one
  db.live('getDailyStat', [1, 30], () => {})
  // @ts-expect-error getDailyStats' days is required
  db.live('getDailyStats', [1], () => {})
  // @ts-expect-error accountId is a number
  db.live('getDailyStats', ['1', 30], () => {})
  // @ts-expect-error the args are an array, not spread
  db.live('getDailyStats', 1, 30, () => {})
  // @ts-expect-error options are the read's own (limt is a typo)
  db.live('getSessions', [1, { limt: 5 }], () => {})
  // @ts-expect-error the callback gets DailyStatsDay[], not Session[]
  db.live('getDailyStats', [1, 30], (rows: Session[]) => rows)
  // @ts-expect-error throttleMs is a number
  db.live('getAccounts', [], () => {}, { throttleMs: '100' })
  // @ts-expect-error query params are values, not nested objects
  db.querySync('SELECT ?', [{ a: 1 }])
  // @ts-expect-error no bigint parameters
  db.querySync('SELECT ?', [1n])
  // @ts-expect-error tablesRead takes a read's name
  db.tablesRead('watch')
  // @ts-expect-error a profiles export takes accountId, not a scraping run's id
  await db.exportCsv('profiles', '/tmp/x.csv', { scrapingId: 1 })
  // @ts-expect-error nor a scraping run's id besides (the filters are the kind's own)
  await db.exportCsv('profiles', '/tmp/x.csv', { accountId: 1, scrapingId: 1 })
  // @ts-expect-error a scrapedProfiles export takes scrapingId
  db.exportCsvSync('scrapedProfiles', '/tmp/x.csv', { accountId: 1 })
  // @ts-expect-error getInteractions' filters are not getProfiles'
  await db.exportCsv('interactions', '/tmp/x.csv', { accountId: 1, sortBy: 'followersCount' })
  // @ts-expect-error olderThanDays is required
  await db.pruneHistory({})
  // @ts-expect-error olderThanDays is required (Sync too)
  db.pruneHistorySync({ dryRun: true })
  // @ts-expect-error a campaign needs a name
  await db.createDiscoveryCampaign({})
  // @ts-expect-error a campaign needs a name (Sync too)
  db.createDiscoveryCampaignSync({ accountId: 1 })
  // @ts-expect-error accountId is a number or null
  await db.updateDiscoveryCampaign(1, { accountId: '1' })
  // @ts-expect-error databases come from openDatabase()
  void new TaktikDatabase()
  // @ts-expect-error handles come from db.watch()
  void new WatchHandle()
  // @ts-expect-error getAccount takes an id
  await db.getAccount('alice_bot')
  // @ts-expect-error onError is a function
  db.watch(() => {}, { onError: true })
  try {
    db.getAccountsSync()
  } catch (e) {
    // @ts-expect-error without the guard, an error is unknown
    void e.code
    // @ts-expect-error no such code
    if (isTaktikError(e) && e.code === 'SQLITE_NOPE') void e
  }
}
