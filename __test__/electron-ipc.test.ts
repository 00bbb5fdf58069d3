// The Electron integration example (examples/electron/) under Node, with fake
// Electron objects: a fake `ipcMain` (a Map of handlers, invoked with events
// that carry `senderFrame.url`, arguments and results structured-cloned like
// real IPC), fake WebContents, a fake `app` (an EventEmitter), and for the
// utility-process variant a real MessageChannel standing in for
// `process.parentPort` / `UtilityProcess`. The database is a real file written
// by the Python fixture.
//
// Importing the example's .ts modules here is also what type-checks them under
// the repository's tsconfig (which includes __test__/ only).
import { EventEmitter } from 'node:events'
import { isDeepStrictEqual } from 'node:util'
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { openDatabase, type DailyStatsDay, type LiveQuery, type OpenOptions, type Session, type TaktikDatabase, type WatchHandle } from '../index.js'
import { finished, py, spawnPy, tempDb, waitForStderr } from './helpers'
import { connectDbWorker, type DbWorkerClient, type UtilityProcessLike } from '../examples/electron/main/db-worker-client'
import {
  createSenderPolicy,
  registerTaktikIpc,
  type AppLike,
  type IpcMainInvokeEventLike,
  type IpcMainLike,
  type TaktikIpc,
  type WebContentsLike,
} from '../examples/electron/main/taktik-ipc'
import { exposeTaktikApi, type ContextBridgeLike, type IpcRendererLike } from '../examples/electron/preload/preload'
import {
  LIMITS,
  LIVE_RESULT_CHANNEL,
  LIVE_SUBSCRIBE_CHANNEL,
  LIVE_UNSUBSCRIBE_CHANNEL,
  TAKTIK_METHODS,
  WATCH_EVENT_CHANNEL,
  WATCH_SUBSCRIBE_CHANNEL,
  WATCH_UNSUBSCRIBE_CHANNEL,
  channelOf,
  type IpcResult,
  type LiveResultPayload,
  type RowsPage,
  type TaktikApi,
  type TaktikMethod,
  type WatchEventPayload,
} from '../examples/electron/shared/api'
import { hostTaktikDatabase, type DbWorkerHost, type ParentPortLike } from '../examples/electron/utility/db-worker'

// ---------------------------------------------------------------------------------------
// Fixture summary (the parts used here; see fixtures/README.md)
// ---------------------------------------------------------------------------------------

interface Seed {
  accounts: Record<string, number>
  profiles: Record<string, number>
  sessions: { sessionId: number; accountId: number; status: string }[]
  campaigns: { campaignId: number; accountId: number | null; discoveredProfileIds: number[]; progressIds: number[] }[]
  scrapingSessions: { scrapingId: number; status: string; qualifiedProfileIds: number[] }[]
  filteredProfiles: { id: number; profileId: number; accountId: number }[]
  tiktokAccounts: Record<string, number>
}

function must<T>(v: T | undefined | null, what: string): T {
  if (v === undefined || v === null) throw new Error(`fixture has no ${what}`)
  return v
}

function seeded(): { file: string; seed: Seed; alice: number; bob: number } {
  const file = tempDb()
  const seed = py<Seed>(['seed', file])
  return { file, seed, alice: must(seed.accounts.alice_bot, 'alice_bot'), bob: must(seed.accounts.bob_bot, 'bob_bot') }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

// ---------------------------------------------------------------------------------------
// Fake Electron
// ---------------------------------------------------------------------------------------

const RENDERER_DIR = 'file:///opt/taktik/resources/app.asar/renderer/'
const APP_PAGE = `${RENDERER_DIR}index.html`
const DEV_SERVER = 'http://localhost:5173'
const ALLOWED = [DEV_SERVER, RENDERER_DIR]

type Listener = (event: unknown, ...args: unknown[]) => void

class FakeWebContents implements WebContentsLike {
  destroyed = false
  readonly sent: { channel: string; args: unknown[] }[] = []
  private readonly onDestroyed: (() => void)[] = []
  /** ipcRenderer.on listeners of the page in this WebContents. */
  readonly rendererListeners = new Map<string, Set<Listener>>()
  constructor(
    readonly id: number,
    public url: string,
  ) {}
  send(channel: string, ...args: unknown[]): void {
    const cloned = structuredClone(args)
    this.sent.push({ channel, args: cloned })
    for (const l of this.rendererListeners.get(channel) ?? []) l({ sender: 'ipcRenderer' }, ...cloned)
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  /** Electron's WebContents is an EventEmitter; only 'destroyed' is used. */
  once(event: 'destroyed', listener: () => void): this {
    if (event === 'destroyed') this.onDestroyed.push(listener)
    return this
  }
  /** The window closes: Electron destroys its WebContents and emits 'destroyed'. */
  destroy(): void {
    this.destroyed = true
    for (const l of this.onDestroyed.splice(0)) l()
  }
  events(): WatchEventPayload[] {
    return this.sent.filter((s) => s.channel === WATCH_EVENT_CHANNEL).map((s) => s.args[0] as WatchEventPayload)
  }
  /** The live results sent to this window, of one key or all. */
  liveResults(key?: string): LiveResultPayload[] {
    return this.sent
      .filter((s) => s.channel === LIVE_RESULT_CHANNEL)
      .map((s) => s.args[0] as LiveResultPayload)
      .filter((p) => key === undefined || p.key === key)
  }
}

type Handler = (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>()
  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  /** What `ipcRenderer.invoke` from a frame at `frameUrl` in `sender` does. */
  async invoke(sender: FakeWebContents, frameUrl: string | null, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel)
    if (!handler) throw new Error(`No handler registered for '${channel}'`)
    const event: IpcMainInvokeEventLike = { sender, senderFrame: frameUrl === null ? null : { url: frameUrl } }
    return structuredClone(await handler(event, ...structuredClone(args)))
  }
}

class FakeApp extends EventEmitter implements AppLike {}

/** The `ipcRenderer` of the page loaded in `wc`. */
function fakeIpcRenderer(ipcMain: FakeIpcMain, wc: FakeWebContents): IpcRendererLike {
  return {
    invoke: (channel, ...args) => ipcMain.invoke(wc, wc.url, channel, ...args),
    on(channel, listener) {
      const set = wc.rendererListeners.get(channel) ?? new Set<Listener>()
      set.add(listener)
      wc.rendererListeners.set(channel, set)
    },
    removeListener(channel, listener) {
      wc.rendererListeners.get(channel)?.delete(listener)
    },
  }
}

/** The page's `window.taktik`, exposed through a fake contextBridge. */
function rendererApi(ipcMain: FakeIpcMain, wc: FakeWebContents): { api: TaktikApi; exposed: Map<string, unknown> } {
  const exposed = new Map<string, unknown>()
  const bridge: ContextBridgeLike = { exposeInMainWorld: (key, api) => void exposed.set(key, api) }
  return { api: exposeTaktikApi(bridge, fakeIpcRenderer(ipcMain, wc)), exposed }
}

// ---------------------------------------------------------------------------------------
// Spies on the addon
// ---------------------------------------------------------------------------------------

interface AddonSpies {
  /** Calls of every request method, of watch() and of live(). */
  calls(): number
  watchHandles(): WatchHandle[]
  liveHandles(): LiveQuery[]
  method(name: TaktikMethod | 'live'): ReturnType<typeof vi.fn>
}

function spyOnAddon(db: TaktikDatabase): AddonSpies {
  const target = db as unknown as Record<string, (...args: unknown[]) => unknown>
  const spies = new Map<string, ReturnType<typeof vi.fn>>()
  for (const name of [...TAKTIK_METHODS, 'watch', 'live']) {
    spies.set(name, vi.spyOn(target, name) as unknown as ReturnType<typeof vi.fn>)
  }
  return {
    calls: () => [...spies.values()].reduce((n, s) => n + s.mock.calls.length, 0),
    watchHandles: () => must(spies.get('watch'), 'watch spy').mock.results.map((r) => r.value as WatchHandle),
    liveHandles: () => must(spies.get('live'), 'live spy').mock.results.map((r) => r.value as LiveQuery),
    method: (name) => must(spies.get(name), `${name} spy`),
  }
}

/** What a channel sends for an addon result: a listing's cursor beside its rows (see RowsPage). */
function overIpc(v: unknown): unknown {
  if (!Array.isArray(v)) return v
  const next: unknown = Reflect.get(v, 'nextCursor')
  return next === undefined ? v : { rows: v, nextCursor: next }
}

interface InProcess {
  file: string
  seed: Seed
  alice: number
  bob: number
  ipcMain: FakeIpcMain
  app: FakeApp
  windows: FakeWebContents[]
  wc: FakeWebContents
  ipc: TaktikIpc
  db: TaktikDatabase
  spies: AddonSpies
  direct: TaktikDatabase
  opened: OpenOptions[]
  onError: ReturnType<typeof vi.fn>
  /** Invokes `channel` from the app's own page. */
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
}

/** A seeded file, the IPC module registered on fake Electron objects, and a second, direct connection. */
function setUpInProcess(): InProcess {
  const { file, seed, alice, bob } = seeded()
  const ipcMain = new FakeIpcMain()
  const app = new FakeApp()
  const wc = new FakeWebContents(1, APP_PAGE)
  const windows = [wc]
  const opened: OpenOptions[] = []
  let db: TaktikDatabase | undefined
  const onError = vi.fn()
  const ipc = registerTaktikIpc({
    ipcMain,
    app,
    webContents: () => windows,
    allowedOrigins: ALLOWED,
    database: { path: file },
    open: (options) => {
      opened.push(options)
      db = openDatabase(options)
      return db
    },
    onError,
  })
  const opendb = must(db, 'database opened by the IPC module')
  const direct = openDatabase({ path: file })
  return {
    file,
    seed,
    alice,
    bob,
    ipcMain,
    app,
    windows,
    wc,
    ipc,
    db: opendb,
    spies: spyOnAddon(opendb),
    direct,
    opened,
    onError,
    invoke: (channel, ...args) => ipcMain.invoke(wc, APP_PAGE, channel, ...args),
  }
}

const toClose: (() => unknown)[] = []
afterAll(async () => {
  for (const close of toClose.reverse()) await close()
})

// ---------------------------------------------------------------------------------------
// In the main process
// ---------------------------------------------------------------------------------------

describe('main process: channels and data', () => {
  let t: InProcess
  beforeAll(() => {
    t = setUpInProcess()
    toClose.push(() => t.ipc.dispose(), () => t.direct.close())
  })

  it('opens the file the main process chose and registers only the dashboard channels', () => {
    expect(t.opened).toEqual([{ path: t.file }])
    expect(t.db.path).toBe(t.file)
    const expected = [
      ...TAKTIK_METHODS.map((m) => channelOf(m)),
      WATCH_SUBSCRIBE_CHANNEL,
      WATCH_UNSUBSCRIBE_CHANNEL,
      LIVE_SUBSCRIBE_CHANNEL,
      LIVE_UNSUBSCRIBE_CHANNEL,
    ]
    expect([...t.ipcMain.handlers.keys()].sort()).toEqual([...expected].sort())
    expect([...t.ipc.channels].sort()).toEqual([...expected].sort())
    // Nothing that takes a path, SQL, or deletes wholesale.
    for (const name of ['backup', 'exportCsv', 'deleteAccount', 'pruneHistory', 'checkpoint', 'query', 'exec', 'sql']) {
      expect(t.ipcMain.handlers.has(`taktik:${name}`)).toBe(false)
    }
  })

  type Case = [TaktikMethod, (t: InProcess) => { args: unknown[]; direct: (db: TaktikDatabase) => Promise<unknown>; allowEmpty?: boolean }]
  const cases: Case[] = [
    ['getAccounts', () => ({ args: [], direct: (db) => db.getAccounts() })],
    ['getSessions', ({ alice }) => ({ args: [alice, { limit: 3, status: 'completed' }], direct: (db) => db.getSessions(alice, { limit: 3, status: 'completed' }) })],
    ['getSessions', ({ bob }) => ({ args: [bob], direct: (db) => db.getSessions(bob) })],
    ['getSessionStats', ({ seed }) => {
      const id = must(seed.sessions[0], 'session').sessionId
      return { args: [id], direct: (db) => db.getSessionStats(id) }
    }],
    ['getDailyStats', ({ alice }) => ({ args: [alice, 45], direct: (db) => db.getDailyStats(alice, 45) })],
    ['getProfiles', ({ alice }) => {
      const o = { sortBy: 'followersCount', order: 'desc', limit: 10, search: 'a', isPrivate: false } as const
      return { args: [alice, o], direct: (db) => db.getProfiles(alice, o) }
    }],
    ['countProfiles', ({ alice }) => ({ args: [alice, { search: 'a' }], direct: (db) => db.countProfiles(alice, { search: 'a' }) })],
    ['getProfile', () => ({ args: ['@under_score'], direct: (db) => db.getProfile('@under_score') })],
    ['getProfile', ({ seed }) => {
      const id = must(seed.profiles['anna.fit'], 'anna.fit')
      return { args: [id], direct: (db) => db.getProfile(id) }
    }],
    ['getInteractions', ({ alice }) => {
      const o = { type: 'LIKE', limit: 25, since: '2000-01-01T00:00:00Z' }
      return { args: [alice, o], direct: (db) => db.getInteractions(alice, o) }
    }],
    ['getInteractions', ({ bob }) => {
      const o = { until: Date.now(), offset: 2 }
      return { args: [bob, o], direct: (db) => db.getInteractions(bob, o) }
    }],
    ['getFilteredProfiles', ({ alice }) => ({ args: [alice, { limit: 5 }], direct: (db) => db.getFilteredProfiles(alice, { limit: 5 }) })],
    ['getScrapingSessions', () => ({ args: [], direct: (db) => db.getScrapingSessions() })],
    ['getScrapingSessions', () => ({ args: [{ status: 'COMPLETED' }], direct: (db) => db.getScrapingSessions({ status: 'COMPLETED' }) })],
    ['getScrapingSession', ({ seed }) => {
      const id = must(seed.scrapingSessions.find((s) => s.status === 'COMPLETED'), 'completed scrape').scrapingId
      return { args: [id], direct: (db) => db.getScrapingSession(id) }
    }],
    ['getScrapedProfiles', ({ seed }) => {
      const id = must(seed.scrapingSessions.find((s) => s.qualifiedProfileIds.length > 0), 'qualified scrape').scrapingId
      return { args: [id, { qualifiedOnly: true }], direct: (db) => db.getScrapedProfiles(id, { qualifiedOnly: true }) }
    }],
    ['getDiscoveryCampaigns', () => ({ args: [], direct: (db) => db.getDiscoveryCampaigns() })],
    ['getDiscoveryCampaigns', ({ alice }) => ({ args: [alice], direct: (db) => db.getDiscoveryCampaigns(alice) })],
    ['getDiscoveryCampaigns', () => ({ args: [null], direct: (db) => db.getDiscoveryCampaigns(null) })],
    ['getDiscoveryProgress', ({ seed }) => {
      const id = must(seed.campaigns.find((c) => c.progressIds.length > 0), 'campaign with progress').campaignId
      return { args: [id], direct: (db) => db.getDiscoveryProgress(id) }
    }],
    ['getDiscoveredProfiles', ({ seed }) => {
      const id = must(seed.campaigns.find((c) => c.discoveredProfileIds.length > 0), 'campaign with profiles').campaignId
      return { args: [id, { limit: 3 }], direct: (db) => db.getDiscoveredProfiles(id, { limit: 3 }) }
    }],
    ['getTikTokAccounts', () => ({ args: [], direct: (db) => db.getTikTokAccounts() })],
    ['getTikTokSessions', ({ seed }) => {
      const id = must(seed.tiktokAccounts.tt_alpha, 'tt_alpha')
      return { args: [id], direct: (db) => db.getTikTokSessions(id) }
    }],
    ['getTikTokDailyStats', ({ seed }) => {
      const id = must(seed.tiktokAccounts.tt_alpha, 'tt_alpha')
      return { args: [id, 7], direct: (db) => db.getTikTokDailyStats(id, 7) }
    }],
    // The dashboard's panels beyond the listings: totals, one session, ranges, activity, cursors.
    ['countSessions', ({ alice }) => ({ args: [alice, { status: 'completed' }], direct: (db) => db.countSessions(alice, { status: 'completed' }) })],
    ['getSession', ({ seed }) => {
      const id = must(seed.sessions[0], 'session').sessionId
      return { args: [id], direct: (db) => db.getSession(id) }
    }],
    ['getSession', () => ({ args: [987_654], direct: (db) => db.getSession(987_654) })],
    ['getDailyStats', ({ alice }) => {
      const range = { from: '2020-01-01', to: '2020-01-10' }
      return { args: [alice, range], direct: (db) => db.getDailyStats(alice, range) }
    }],
    ['getActivity', () => ({ args: [{ groupBy: 'type' }], direct: (db) => db.getActivity({ groupBy: 'type' }) })],
    ['getActivity', ({ alice }) => {
      const o = { groupBy: ['hour'], accountId: [alice], type: ['LIKE', 'follow'] } as const
      return { args: [o], direct: (db) => db.getActivity({ ...o, groupBy: [...o.groupBy], accountId: [...o.accountId], type: [...o.type] }) }
    }],
    ['getTikTokActivity', () => ({ args: [{ groupBy: ['account', 'type'] }], direct: (db) => db.getTikTokActivity({ groupBy: ['account', 'type'] }) })],
    ['getInteractions', ({ seed }) => {
      const id = must(seed.sessions[0], 'session').sessionId
      return { args: [null, { sessionId: id }], direct: (db) => db.getInteractions(null, { sessionId: id }), allowEmpty: true }
    }],
    ['getInteractions', ({ alice, direct }) => {
      const after = direct.getInteractionsSync(alice, { limit: 2 }).nextCursor ?? undefined
      return { args: [alice, { limit: 2, after }], direct: (db) => db.getInteractions(alice, { limit: 2, after }) }
    }],
    ['countInteractions', ({ alice }) => ({ args: [alice, { type: ['LIKE', 'FOLLOW'] }], direct: (db) => db.countInteractions(alice, { type: ['LIKE', 'FOLLOW'] }) })],
    ['countInteractions', () => ({ args: [null], direct: (db) => db.countInteractions(null) })],
  ]



  it.each(cases)('%s returns exactly what the addon returns', async (method, make) => {
    const { args, direct, allowEmpty } = make(t)
    const res = await t.invoke(channelOf(method), ...args)
    const expected = await direct(t.direct)
    expect(res).toEqual({ ok: true, data: overIpc(expected) })
    if (Array.isArray(expected) && !allowEmpty) expect(expected.length).toBeGreaterThan(0)
    if (typeof expected === 'object' && expected !== null && !Array.isArray(expected)) expect(Object.keys(expected).length).toBeGreaterThan(0)
  })

  it('getDatabaseInfo reports the same file facts', async () => {
    const res = (await t.invoke(channelOf('getDatabaseInfo'))) as IpcResult<{ path: string; tables: Record<string, number>; journalMode: string }>
    const expected = await t.direct.getDatabaseInfo()
    expect(res.ok).toBe(true)
    if (!res.ok) return
    expect(res.data.path).toBe(expected.path)
    expect(res.data.tables).toEqual(expected.tables)
    expect(res.data.journalMode).toBe(expected.journalMode)
  })

  it('hands the addon normalized arguments and the read timeout', async () => {
    const spy = t.spies.method('getSessions')
    spy.mockClear()
    await t.invoke(channelOf('getSessions'), t.alice, { limit: 3, status: undefined })
    expect(spy).toHaveBeenCalledTimes(1)
    expect(spy).toHaveBeenCalledWith(t.alice, { limit: 3 }, { timeoutMs: 15_000 })
  })

  it('the preload exposes one typed function per channel and nothing else', async () => {
    const { api, exposed } = rendererApi(t.ipcMain, t.wc)
    expect([...exposed.keys()]).toEqual(['taktik'])
    expect(exposed.get('taktik')).toBe(api)
    expect(Object.keys(api).sort()).toEqual([...TAKTIK_METHODS, 'watch', 'live'].sort())
    expect(Object.isFrozen(api)).toBe(true)

    const res: IpcResult<RowsPage<Session>> = await api.getSessions(t.alice, { limit: 2 })
    const direct = await t.direct.getSessions(t.alice, { limit: 2 })
    expect(res).toEqual({ ok: true, data: { rows: direct, nextCursor: direct.nextCursor } })

    // @ts-expect-error a typo in an option key does not compile ...
    const typo = await api.getSessions(t.alice, { limt: 2 })
    // ... and is refused at run time anyway.
    expect(typo).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  })

  it('the preload turns a missing handler into UNAVAILABLE instead of throwing', async () => {
    const bare = new FakeIpcMain()
    const { api } = rendererApi(bare, new FakeWebContents(9, APP_PAGE))
    const res = await api.getAccounts()
    expect(res).toMatchObject({ ok: false, code: 'UNAVAILABLE' })
  })
})

describe('main process: writes and errors', () => {
  let t: InProcess
  beforeAll(() => {
    t = setUpInProcess()
    toClose.push(() => t.ipc.dispose(), () => t.direct.close())
  })

  it('updateProfileNotes sets and clears notes', async () => {
    const pid = must(t.seed.profiles['anna.fit'], 'anna.fit')
    const set = await t.invoke(channelOf('updateProfileNotes'), pid, 'Met at the expo.\nFollow up in May.')
    expect(set).toMatchObject({ ok: true, data: { changes: 1 } })
    expect(t.direct.getProfileSync(pid)?.notes).toBe('Met at the expo.\nFollow up in May.')
    const cleared = await t.invoke(channelOf('updateProfileNotes'), pid, null)
    expect(cleared).toMatchObject({ ok: true, data: { changes: 1 } })
    expect(t.direct.getProfileSync(pid)?.notes).toBeNull()
  })

  it('removeFilteredProfile, setDiscoveredProfileStatus, create/updateDiscoveryCampaign', async () => {
    const filtered = must(t.seed.filteredProfiles[0], 'filtered profile')
    expect(await t.invoke(channelOf('removeFilteredProfile'), filtered.accountId, filtered.profileId)).toMatchObject({
      ok: true,
      data: { changes: 1 },
    })
    const campaign = must(t.seed.campaigns.find((c) => c.discoveredProfileIds.length > 0), 'campaign')
    const discovered = must(campaign.discoveredProfileIds[0], 'discovered profile')
    expect(await t.invoke(channelOf('setDiscoveredProfileStatus'), discovered, 'qualified')).toMatchObject({
      ok: true,
      data: { changes: 1 },
    })
    expect(t.direct.getDiscoveredProfilesSync(campaign.campaignId).find((p) => p.profileId === discovered)?.status).toBe('qualified')

    const created = (await t.invoke(channelOf('createDiscoveryCampaign'), {
      name: 'Spring launch',
      accountId: t.alice,
      targetHashtags: ['#spring', 'launch'],
    })) as IpcResult<{ campaignId: number; name: string; targetHashtags: unknown }>
    expect(created.ok).toBe(true)
    if (!created.ok) return
    expect(created.data.name).toBe('Spring launch')
    expect(t.direct.getDiscoveryCampaignsSync(t.alice).map((c) => c.campaignId)).toContain(created.data.campaignId)

    const updated = await t.invoke(channelOf('updateDiscoveryCampaign'), created.data.campaignId, { status: 'PAUSED' })
    expect(updated).toMatchObject({ ok: true, data: { campaignId: created.data.campaignId, status: 'PAUSED' } })
    const detached = await t.invoke(channelOf('updateDiscoveryCampaign'), created.data.campaignId, { accountId: null })
    expect(detached).toMatchObject({ ok: true, data: { campaignId: created.data.campaignId, accountId: null, status: 'PAUSED' } })
    expect(await t.invoke(channelOf('updateDiscoveryCampaign'), 987_654, { status: 'PAUSED' })).toEqual({ ok: true, data: null })
  })

  it('an addon error comes back as plain { ok: false, code, message }', async () => {
    const res = await t.invoke(channelOf('createDiscoveryCampaign'), { name: 'orphan', accountId: 987_654 })
    expect(res).toMatchObject({ ok: false, code: 'SQLITE_CONSTRAINT' })
    expect(Object.keys(res as object).sort()).toEqual(['code', 'message', 'ok'])
    expect((res as { message: string }).message).toMatch(/FOREIGN KEY/)
  })

  it('an unexpected exception becomes INTERNAL without its details, and is reported to onError', async () => {
    const spy = t.spies.method('getAccounts')
    const boom = new TypeError('boom at /home/secret/path')
    spy.mockImplementationOnce(() => {
      throw boom
    })
    const res = await t.invoke(channelOf('getAccounts'))
    expect(res).toMatchObject({ ok: false, code: 'INTERNAL' })
    expect(JSON.stringify(res)).not.toContain('secret')
    expect(t.onError).toHaveBeenCalledWith(boom, 'getAccounts')
  })
})

// ---------------------------------------------------------------------------------------
// The boundary
// ---------------------------------------------------------------------------------------

describe('main process: the boundary rejects bad arguments before the addon', () => {
  let t: InProcess
  beforeAll(() => {
    t = setUpInProcess()
    toClose.push(() => t.ipc.dispose(), () => t.direct.close())
  })

  const big = 'x'.repeat(1 << 20)
  const bad: [string, TaktikMethod | 'watch:subscribe', unknown[]][] = [
    // ids
    ['id as a string', 'getSessions', ['1']],
    ['id as SQL', 'getSessions', ['1 OR 1=1']],
    ['negative id', 'getSessions', [-1]],
    ['zero id', 'getSessions', [0]],
    ['fractional id', 'getSessions', [1.5]],
    ['NaN id', 'getSessions', [Number.NaN]],
    ['infinite id', 'getSessions', [Number.POSITIVE_INFINITY]],
    ['unsafe id', 'getSessions', [2 ** 53]],
    ['bigint id', 'getSessions', [1n]],
    ['null id', 'getSessions', [null]],
    ['boolean id', 'getSessions', [true]],
    ['object id', 'getSessions', [{ id: 1 }]],
    ['array id', 'getSessions', [[1]]],
    ['missing id', 'getSessions', []],
    ['negative campaign account', 'getDiscoveryCampaigns', [-3]],
    ['campaign account as text', 'getDiscoveryCampaigns', ['all']],
    ['removeFilteredProfile missing profile id', 'removeFilteredProfile', [1]],
    // days
    ['0 days', 'getDailyStats', [1, 0]],
    ['3651 days', 'getDailyStats', [1, 3651]],
    ['days as text', 'getDailyStats', [1, '30']],
    ['fractional days', 'getDailyStats', [1, 30.5]],
    ['missing days', 'getDailyStats', [1]],
    ['TikTok days too many', 'getTikTokDailyStats', [1, 100_000]],
    // option objects
    ['unknown option key (typo)', 'getSessions', [1, { limt: 5 }]],
    ['SQL as an option key', 'getSessions', [1, { sql: 'SELECT * FROM sessions' }]],
    ['__proto__ as an own key', 'getProfiles', [1, JSON.parse('{"__proto__": {"limit": 1}}')]],
    ['options as an array', 'getSessions', [1, [5]]],
    ['options as a string', 'getSessions', [1, 'limit=5']],
    ['options as null', 'getSessions', [1, null]],
    ['limit as text', 'getSessions', [1, { limit: '5' }]],
    ['limit too large', 'getSessions', [1, { limit: 10_001 }]],
    ['negative limit', 'getSessions', [1, { limit: -1 }]],
    ['fractional offset', 'getSessions', [1, { offset: 1.5 }]],
    ['flag as text', 'getProfiles', [1, { isPrivate: 'yes' }]],
    ['negative follower bound', 'getProfiles', [1, { minFollowers: -5 }]],
    ['score over 100', 'getScrapedProfiles', [2, { minScore: 101 }]],
    ['since as a word', 'getInteractions', [1, { since: 'yesterday' }]],
    ['since as a bare date', 'getInteractions', [1, { since: '2024-01-01' }]],
    ['since out of range', 'getInteractions', [1, { since: 9e15 }]],
    ['until as an object', 'getInteractions', [1, { until: {} }]],
    ['too many arguments', 'getAccounts', ['SELECT 1']],
    ['a path to getDatabaseInfo', 'getDatabaseInfo', ['/etc/passwd']],
    // SQL in values
    ['SQL in a status', 'getSessions', [1, { status: "COMPLETED' OR '1'='1" }]],
    ['SQL in sortBy', 'getProfiles', [1, { sortBy: 'username; DROP TABLE instagram_profiles' }]],
    ['SQL in order', 'getProfiles', [1, { order: 'desc, (SELECT 1)' }]],
    ['SQL in an interaction type', 'getInteractions', [1, { type: "LIKE'--" }]],
    ['SQL in since', 'getInteractions', [1, { since: "2024-01-01' OR 1=1" }]],
    ['SQL as a username', 'getProfile', ["x' OR 1=1 --"]],
    ['SQL in a discovered status', 'setDiscoveredProfileStatus', [1, "qualified'; DELETE FROM discovered_profiles; --"]],
    // sizes
    ['1 MiB search', 'getProfiles', [1, { search: big }]],
    ['101-character search', 'getProfiles', [1, { search: 'a'.repeat(101) }]],
    ['65-character status', 'getSessions', [1, { status: 'A'.repeat(65) }]],
    ['65-character username', 'getProfile', ['a'.repeat(65)]],
    ['notes over 10000 characters', 'updateProfileNotes', [1, 'x'.repeat(10_001)]],
    ['notes with NUL', 'updateProfileNotes', [1, 'a\u0000b']],
    ['notes as a number', 'updateProfileNotes', [1, 42]],
    ['notes missing', 'updateProfileNotes', [1]],
    ['campaign name too long', 'createDiscoveryCampaign', [{ name: 'x'.repeat(201) }]],
    ['campaign list too long', 'createDiscoveryCampaign', [{ name: 'x', targetHashtags: Array<string>(501).fill('a') }]],
    ['campaign list as a string', 'createDiscoveryCampaign', [{ name: 'x', targetHashtags: 'a,b' }]],
    ['campaign without a name', 'createDiscoveryCampaign', [{}]],
    ['campaign with a blank name', 'createDiscoveryCampaign', [{ name: '   ' }]],
    ['campaign as a string', 'createDiscoveryCampaign', ['Spring']],
    ['campaign with account 0', 'createDiscoveryCampaign', [{ name: 'x', accountId: 0 }]],
    ['campaign patch missing', 'updateDiscoveryCampaign', [1]],
    // watch
    ['watch an internal table', 'watch:subscribe', [{ tables: ['sqlite_master'] }]],
    ['watch tables as a string', 'watch:subscribe', [{ tables: 'sessions' }]],
    ['watch no tables', 'watch:subscribe', [{ tables: [] }]],
    ['watch interval 1 ms', 'watch:subscribe', [{ intervalMs: 1 }]],
    ['watch unknown key', 'watch:subscribe', [{ every: 5 }]],
    ['watch extra argument', 'watch:subscribe', [{}, 'extra']],
  ]

  it.each(bad)('%s', async (_label, method, args) => {
    const before = t.spies.calls()
    const channel = method === 'watch:subscribe' ? WATCH_SUBSCRIBE_CHANNEL : channelOf(method)
    const res = await t.invoke(channel, ...args)
    expect(res).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    const { message } = res as { message: string }
    expect(typeof message).toBe('string')
    expect(message.length).toBeLessThan(300) // the value is named, never echoed
    expect(t.spies.calls()).toBe(before)
  })

  it('the same channels accept the valid forms (the rejections above are about the values)', async () => {
    const before = t.spies.calls()
    for (const [channel, args] of [
      [channelOf('getSessions'), [t.alice, { limit: 5, offset: 0, status: 'COMPLETED' }]],
      [channelOf('getProfiles'), [t.alice, { search: "o'brien %_ 100%", isPrivate: true, minFollowers: 0 }]],
      [channelOf('getInteractions'), [t.alice, { since: '2024-01-01 00:00:00', until: '2030-01-01T00:00:00.000+02:00' }]],
      [channelOf('getProfile'), ['@anna.fit']],
      [channelOf('getDailyStats'), [t.alice, 3650]],
      [channelOf('getDiscoveryCampaigns'), [undefined]],
    ] as const) {
      expect(await t.invoke(channel, ...args), channel).toMatchObject({ ok: true })
    }
    expect(t.spies.calls()).toBe(before + 6)
  })
})

describe('main process: the sender check', () => {
  let t: InProcess
  beforeAll(() => {
    t = setUpInProcess()
    toClose.push(() => t.ipc.dispose(), () => t.direct.close())
  })

  const foreign: (string | null)[] = [
    'https://evil.example/',
    'http://localhost:5174/',
    'http://localhost:5173.evil.example/',
    'https://localhost:5173/',
    'http://user:pw@localhost:5173/',
    'file:///opt/taktik/resources/app.asar/renderer-evil/index.html',
    'file:///opt/taktik/resources/app.asar/renderer/../../../../etc/passwd',
    'file:///opt/taktik/resources/app.asar/renderer/%2e%2e/%2e%2e/secret.html',
    'file:///tmp/downloaded.html',
    'about:blank',
    'data:text/html,<script>1</script>',
    'devtools://devtools/bundled/inspector.html',
    'not a url',
    null,
  ]

  it.each(foreign)('refuses a frame at %s', async (url) => {
    const before = t.spies.calls()
    const wc = new FakeWebContents(50, url ?? 'about:blank')
    for (const [channel, args] of [
      [channelOf('getAccounts'), []],
      [channelOf('updateProfileNotes'), [1, 'pwned']],
      [WATCH_SUBSCRIBE_CHANNEL, [{}]],
      [WATCH_UNSUBSCRIBE_CHANNEL, []],
      [LIVE_SUBSCRIBE_CHANNEL, ['k', 'getAccounts', []]],
      [LIVE_UNSUBSCRIBE_CHANNEL, ['k']],
    ] as const) {
      const res = await t.ipcMain.invoke(wc, url, channel, ...args)
      expect(res).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    }
    expect(t.spies.calls()).toBe(before)
  })

  it.each([
    APP_PAGE,
    `${RENDERER_DIR}settings/page.html?tab=1#/route`,
    `${DEV_SERVER}/`,
    `${DEV_SERVER}/#/dashboard?x=1`,
  ])('accepts the app’s own page %s', async (url) => {
    expect(await t.ipcMain.invoke(new FakeWebContents(51, url), url, channelOf('getAccounts'))).toMatchObject({ ok: true })
  })

  it('the policy: custom schemes compare scheme and host; bad configuration throws', () => {
    const custom = createSenderPolicy(['app://taktik'])
    expect(custom('app://taktik/index.html')).toBe(true)
    expect(custom('app://evil/index.html')).toBe(false)
    const page = createSenderPolicy(['file:///app/renderer/index.html'])
    expect(page('file:///app/renderer/index.html#/x')).toBe(true)
    expect(page('file:///app/renderer/other.html')).toBe(false)
    for (const entry of ['http://localhost:5173/app', 'localhost:5173', 'https://x.example/#f', 'nonsense']) {
      expect(() => createSenderPolicy([entry])).toThrow(TypeError)
    }
  })
})

// ---------------------------------------------------------------------------------------
// Change feed and shutdown
// ---------------------------------------------------------------------------------------

describe('main process: watch events and before-quit', () => {
  let t: InProcess
  let other: FakeWebContents
  beforeAll(() => {
    t = setUpInProcess()
    other = new FakeWebContents(2, APP_PAGE)
    t.windows.push(other)
    toClose.push(() => t.ipc.dispose(), () => t.direct.close())
  })

  it('forwards change events to the subscribed window after a Python write, through the preload', async () => {
    const { api } = rendererApi(t.ipcMain, t.wc)
    const received: WatchEventPayload[] = []
    api.watch.onChange((e) => received.push(e))
    const sub = await api.watch.subscribe({ tables: ['interactions', 'dailyStats'], intervalMs: 50 })
    expect(sub).toEqual({ ok: true, data: null })

    const writer = spawnPy(['writer', t.file, '--seconds', '1', '--interval-ms', '50'])
    const done = finished<{ written: number }>(writer)
    await waitForStderr(writer, 'READY')
    expect((await done).written).toBeGreaterThan(0)
    await until(() => t.wc.events().length > 0, 'a change event in the window')

    const tables = new Set(t.wc.events().flatMap((e) => e.tables))
    expect(tables.has('interactions')).toBe(true)
    for (const name of tables) expect(['interactions', 'dailyStats']).toContain(name)
    for (const e of t.wc.events()) {
      expect(typeof e.dataVersion).toBe('number')
      expect(Object.keys(e.rows).sort()).toEqual([...e.tables].sort()) // the counts cross too
    }
    expect(received).toEqual(t.wc.events()) // the page's listener got the same events
    expect(other.events()).toEqual([]) // a window that did not subscribe gets nothing
  })

  it('unsubscribe stops them (while the file keeps changing)', async () => {
    const { api } = rendererApi(t.ipcMain, t.wc)
    expect(await api.watch.unsubscribe()).toEqual({ ok: true, data: true })
    expect(await api.watch.unsubscribe()).toEqual({ ok: true, data: false })
    expect(t.spies.watchHandles().every((h) => h.closed)).toBe(true)
    const seen = t.wc.events().length

    const control: unknown[] = []
    const controlFeed = t.direct.watch((e) => control.push(e), { intervalMs: 50 })
    const writer = spawnPy(['writer', t.file, '--count', '5', '--interval-ms', '20'])
    await finished(writer)
    await until(() => control.length > 0, 'the control feed to see the write')
    await sleep(400)
    controlFeed.close()
    expect(t.wc.events().length).toBe(seen)
  })

  it('unsubscribe is final even when the addon had already queued an event', async () => {
    // The addon's watch thread can queue an event just before close(); the
    // addon drops it on the JS thread, so unsubscribe is final.
    const wc = new FakeWebContents(4, APP_PAGE)
    t.windows.push(wc)
    const writer = spawnPy(['writer', t.file, '--seconds', '4', '--interval-ms', '2', '--account', 'race_bot'])
    const done = finished(writer)
    await waitForStderr(writer, 'READY')
    let late = 0
    for (let i = 0; i < 20; i++) {
      expect(await t.ipcMain.invoke(wc, APP_PAGE, WATCH_SUBSCRIBE_CHANNEL, { intervalMs: 50 })).toMatchObject({ ok: true })
      await sleep(60 + (i % 5) * 10)
      const busyUntil = Date.now() + 70
      while (Date.now() < busyUntil) {
        // keep the JS thread busy while the watch thread queues an event
      }
      await t.ipcMain.invoke(wc, APP_PAGE, WATCH_UNSUBSCRIBE_CHANNEL)
      const seen = wc.events().length
      await sleep(30)
      late += wc.events().length - seen
    }
    await done
    expect(wc.events().length).toBeGreaterThan(0) // the feeds did deliver while subscribed
    expect(late).toBe(0)
  })

  it('re-subscribing replaces the feed; a destroyed window’s feed is dropped', async () => {
    const before = t.spies.watchHandles().length
    expect(await t.invoke(WATCH_SUBSCRIBE_CHANNEL, { intervalMs: 50 })).toEqual({ ok: true, data: null })
    expect(await t.invoke(WATCH_SUBSCRIBE_CHANNEL, { intervalMs: 60 })).toEqual({ ok: true, data: null })
    const handles = t.spies.watchHandles().slice(before)
    expect(handles.map((h) => h.closed)).toEqual([true, false])

    const doomed = new FakeWebContents(3, APP_PAGE)
    t.windows.push(doomed)
    expect(await t.ipcMain.invoke(doomed, APP_PAGE, WATCH_SUBSCRIBE_CHANNEL, { intervalMs: 50 })).toEqual({ ok: true, data: null })
    const doomedFeed = must(t.spies.watchHandles().at(-1), 'feed')
    doomed.destroyed = true
    t.direct.updateProfileNotesSync(must(t.seed.profiles['anna.fit'], 'anna.fit'), 'changed')
    await until(() => doomedFeed.closed, 'the destroyed window’s feed to close')
    expect(doomed.sent).toEqual([])
    await until(() => t.wc.events().some((e) => e.tables.includes('profiles')), 'the live window to get the change')
  })

  it('before-quit closes the feeds and the database; later calls answer CLOSED', async () => {
    const feeds = t.spies.watchHandles()
    expect(feeds.some((h) => !h.closed)).toBe(true)
    t.app.emit('before-quit')
    await t.ipc.close()
    expect(t.db.isOpen).toBe(false)
    expect(feeds.every((h) => h.closed)).toBe(true)
    expect(await t.invoke(channelOf('getAccounts'))).toMatchObject({ ok: false, code: 'CLOSED' })
    expect(await t.invoke(channelOf('getSessions'), t.alice)).toMatchObject({ ok: false, code: 'CLOSED' })
    expect(await t.invoke(WATCH_SUBSCRIBE_CHANNEL)).toMatchObject({ ok: false, code: 'CLOSED' })
    // Bad arguments are still refused first.
    expect(await t.invoke(channelOf('getSessions'), -1)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })

    await t.ipc.dispose()
    expect(t.ipcMain.handlers.size).toBe(0)
    expect(t.app.listenerCount('before-quit')).toBe(0)
  })
})

// ---------------------------------------------------------------------------------------
// Live queries
// ---------------------------------------------------------------------------------------

describe('main process: live queries forwarded to the window', () => {
  let t: InProcess
  let other: FakeWebContents
  beforeAll(() => {
    t = setUpInProcess()
    other = new FakeWebContents(2, APP_PAGE)
    t.windows.push(other)
    toClose.push(() => t.ipc.dispose(), () => t.direct.close())
  })

  /** Alice's today in the daily stats, as the dashboard shows it. */
  const todayOf = (days: DailyStatsDay[] | undefined): DailyStatsDay => must(days?.at(-1), 'today')

  it('the window gets the read’s result at once, then a new one when the bot writes, through the preload', async () => {
    const { api } = rendererApi(t.ipcMain, t.wc)
    const got: IpcResult<DailyStatsDay[]>[] = []
    const sub = await api.live.subscribe('daily', 'getDailyStats', [t.alice, 30], (r) => got.push(r))
    expect(sub).toEqual({ ok: true, data: null })
    await until(() => got.length === 1, 'the first result')
    expect(got[0]).toEqual({ ok: true, data: await t.direct.getDailyStats(t.alice, 30) })

    // The bot, in its own process, records interactions for alice: her counters move.
    const writer = spawnPy(['writer', t.file, '--count', '5', '--interval-ms', '20', '--account', 'alice_bot'])
    const done = finished<{ written: number }>(writer)
    await waitForStderr(writer, 'READY')
    expect((await done).written).toBe(5)
    const expected = await t.direct.getDailyStats(t.alice, 30)
    expect(todayOf(expected)).not.toEqual(todayOf(got[0]?.ok ? got[0].data : undefined))
    await until(() => isDeepStrictEqual(got.at(-1), { ok: true, data: expected }), 'the result after the write')
    expect(got.length).toBeGreaterThan(1)
    // Only changed results are sent, each structured-cloned like real IPC, to this window only.
    for (let i = 1; i < got.length; i++) expect(got[i]).not.toEqual(got[i - 1])
    expect(t.wc.liveResults('daily')).toHaveLength(got.length)
    expect(other.liveResults()).toEqual([])
  })

  it('unsubscribe stops it (while the file keeps changing); re-subscribing a key replaces the query', async () => {
    const { api } = rendererApi(t.ipcMain, t.wc)
    expect(await api.live.unsubscribe('daily')).toEqual({ ok: true, data: true })
    expect(await api.live.unsubscribe('daily')).toEqual({ ok: true, data: false })
    const seen = t.wc.liveResults('daily').length
    // A fence: another live query over the same table, still subscribed.
    const fence: unknown[] = []
    expect(await api.live.subscribe('fence', 'getDailyStats', [t.alice, 7], (r) => fence.push(r))).toMatchObject({ ok: true })
    await until(() => fence.length === 1, 'the fence’s first result')
    await finished(spawnPy(['writer', t.file, '--count', '3', '--interval-ms', '20', '--account', 'alice_bot']))
    await until(() => fence.length === 2, 'the fence to see the write')
    await sleep(300)
    expect(t.wc.liveResults('daily')).toHaveLength(seen)

    const before = t.spies.liveHandles().length
    expect(await api.live.subscribe('fence', 'getSessions', [t.alice, { limit: 3 }], () => {})).toMatchObject({ ok: true })
    const [replaced, current] = t.spies.liveHandles().slice(before - 1)
    expect(replaced?.closed).toBe(true)
    expect(current?.closed).toBe(false)
    expect(await api.live.unsubscribe('fence')).toEqual({ ok: true, data: true })
    expect(current?.closed).toBe(true)
  })

  it('a failed run reaches the window as { ok: false, code, message }', async () => {
    const { api } = rendererApi(t.ipcMain, t.wc)
    const got: IpcResult<unknown>[] = []
    // The bot held its lock past busyTimeoutMs during this run.
    const busy = Object.assign(new Error('getAccounts failed on taktik-data.db: database is locked'), { code: 'SQLITE_BUSY' })
    t.spies.method('getAccounts').mockImplementationOnce(() => Promise.reject(busy))
    expect(await api.live.subscribe('busy', 'getAccounts', [], (r) => got.push(r))).toMatchObject({ ok: true })
    await until(() => got.length === 1, 'the failure')
    expect(got[0]).toEqual({ ok: false, code: 'SQLITE_BUSY', message: busy.message })
    await api.live.unsubscribe('busy')
  })

  it('closing the window stops its live queries at once', async () => {
    const win = new FakeWebContents(7, APP_PAGE)
    t.windows.push(win)
    const { api } = rendererApi(t.ipcMain, win)
    const before = t.spies.liveHandles().length
    const got: unknown[] = []
    for (const key of ['a', 'b']) expect(await api.live.subscribe(key, 'getAccounts', [], (r) => got.push(r))).toMatchObject({ ok: true })
    await until(() => got.length === 2, 'the first results')
    const handles = t.spies.liveHandles().slice(before)
    expect(handles.map((h) => h.closed)).toEqual([false, false])
    win.destroy()
    expect(handles.map((h) => h.closed)).toEqual([true, true])
  })

  it('bad subscriptions stop at the boundary: the addon is never called', async () => {
    const before = t.spies.calls()
    const bad: unknown[][] = [
      ['k', 'updateProfileNotes', [1, 'x']], // a write
      ['k', 'getDatabaseInfo', []], // not a read of the addon
      ['k', 'query', ['SELECT 1']], // no SQL from a window
      ['k', 'nope', []],
      ['k', 'getDailyStats', [t.alice]], // missing days
      ['k', 'getDailyStats', [t.alice, 0]],
      ['k', 'getSessions', [t.alice, { limt: 5 }]],
      ['k', 'getSessions', 'not an array'],
      ['', 'getAccounts', []],
      ['a key with spaces', 'getAccounts', []],
      ['x'.repeat(101), 'getAccounts', []],
      [5, 'getAccounts', []],
      ['k', 'getAccounts', [], { throttleMs: 1 }],
      ['k', 'getAccounts', [], { every: 5 }],
      ['k', 'getAccounts', [], {}, 'extra'],
      ['k', 'getAccounts'],
    ]
    for (const args of bad) {
      const res = await t.invoke(LIVE_SUBSCRIBE_CHANNEL, ...args)
      expect(res, JSON.stringify(args)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    }
    expect(await t.invoke(LIVE_UNSUBSCRIBE_CHANNEL)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await t.invoke(LIVE_UNSUBSCRIBE_CHANNEL, 'a b')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(t.spies.calls()).toBe(before)
  })

  it('a window holds at most LIMITS.maxLivePerWindow live queries', async () => {
    const win = new FakeWebContents(8, APP_PAGE)
    t.windows.push(win)
    const invoke = (channel: string, ...args: unknown[]) => t.ipcMain.invoke(win, APP_PAGE, channel, ...args)
    for (let i = 0; i < LIMITS.maxLivePerWindow; i++) {
      expect(await invoke(LIVE_SUBSCRIBE_CHANNEL, `q${i}`, 'getAccounts', [])).toMatchObject({ ok: true })
    }
    expect(await invoke(LIVE_SUBSCRIBE_CHANNEL, 'one-more', 'getAccounts', [])).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    // Replacing one of its own keys is fine.
    expect(await invoke(LIVE_SUBSCRIBE_CHANNEL, 'q0', 'getTikTokAccounts', [])).toMatchObject({ ok: true })
    win.destroy()
  })

  it('before-quit closes the live queries with the database', async () => {
    const { api } = rendererApi(t.ipcMain, t.wc)
    expect(await api.live.subscribe('last', 'getAccounts', [], () => {})).toMatchObject({ ok: true })
    const handles = t.spies.liveHandles()
    expect(handles.some((h) => !h.closed)).toBe(true)
    t.app.emit('before-quit')
    await t.ipc.close()
    expect(handles.every((h) => h.closed)).toBe(true)
    expect(await api.live.subscribe('later', 'getAccounts', [], () => {})).toMatchObject({ ok: false, code: 'CLOSED' })
  })
})

// ---------------------------------------------------------------------------------------
// The utility-process variant
// ---------------------------------------------------------------------------------------

/** Electron's UtilityProcess, over one end of a real MessageChannel. */
class FakeChild extends EventEmitter implements UtilityProcessLike {
  killed = false
  readonly posted: unknown[] = []
  constructor(private readonly port: MessagePort) {
    super()
    port.on('message', (message: unknown) => this.emit('message', message))
  }
  postMessage(message: unknown): void {
    this.posted.push(message)
    this.port.postMessage(message)
  }
  kill(): boolean {
    this.killed = true
    this.port.close()
    setImmediate(() => this.emit('exit', 0))
    return true
  }
}

interface Utility {
  child: FakeChild
  host: DbWorkerHost
  client: DbWorkerClient
  workerDb: () => TaktikDatabase
  workerSpies: () => AddonSpies
  workerOpened: OpenOptions[]
  ports: MessagePort[]
}

/** A worker host on one end of a MessageChannel and its main-side client on the other. */
function setUpUtility(database: OpenOptions): Utility {
  const { port1, port2 } = new MessageChannel()
  const parentPort: ParentPortLike = {
    on: (_event, listener) => port2.on('message', (data: unknown) => listener({ data })),
    postMessage: (message) => port2.postMessage(message),
  }
  const workerOpened: OpenOptions[] = []
  let db: TaktikDatabase | undefined
  let spies: AddonSpies | undefined
  const host = hostTaktikDatabase(parentPort, {
    open: (options) => {
      workerOpened.push(options)
      db = openDatabase(options)
      spies = spyOnAddon(db)
      return db
    },
  })
  const child = new FakeChild(port1)
  const client = connectDbWorker(child, { database })
  return {
    child,
    host,
    client,
    workerDb: () => must(db, 'worker database'),
    workerSpies: () => must(spies, 'worker spies'),
    workerOpened,
    ports: [port1, port2],
  }
}

/** Posts a message straight to the worker (bypassing the main-side checks) and waits for its reply. */
function rawRequest(child: FakeChild, message: Record<string, unknown> & { id: number }): Promise<unknown> {
  return new Promise((resolve) => {
    const listener = (m: unknown) => {
      const reply = m as { kind?: string; id?: number; result?: unknown }
      if (reply.kind === 'reply' && reply.id === message.id) {
        child.off('message', listener)
        resolve(reply.result)
      }
    }
    child.on('message', listener)
    child.postMessage(message)
  })
}

describe('utility process over a MessagePort pair', () => {
  let file: string
  let seed: Seed
  let alice: number
  let u: Utility
  let ipcMain: FakeIpcMain
  let app: FakeApp
  let wc: FakeWebContents
  let ipc: TaktikIpc
  let direct: TaktikDatabase
  const mainOpen = vi.fn()
  const invoke = (channel: string, ...args: unknown[]) => ipcMain.invoke(wc, APP_PAGE, channel, ...args)

  beforeAll(async () => {
    ;({ file, seed, alice } = seeded())
    u = setUpUtility({ path: file })
    expect(await u.client.ready).toEqual({ ok: true, data: null })
    ipcMain = new FakeIpcMain()
    app = new FakeApp()
    wc = new FakeWebContents(1, APP_PAGE)
    ipc = registerTaktikIpc({
      ipcMain,
      app,
      webContents: () => [wc],
      allowedOrigins: ALLOWED,
      backend: u.client,
      open: mainOpen,
    })
    direct = openDatabase({ path: file })
    toClose.push(
      () => ipc.dispose(),
      () => direct.close(),
      () => u.ports.forEach((p) => p.close()),
    )
  })

  it('the worker opened the file the main process named; the main process opened nothing', () => {
    expect(u.workerOpened).toEqual([{ path: file }])
    expect(mainOpen).not.toHaveBeenCalled()
    expect(u.host.database).toBe(u.workerDb())
  })

  it('the same channels return the same data as the addon directly', async () => {
    const o = { sortBy: 'username', order: 'asc', limit: 7 } as const
    expect(await invoke(channelOf('getAccounts'))).toEqual({ ok: true, data: await direct.getAccounts() })
    expect(await invoke(channelOf('getDailyStats'), alice, 30)).toEqual({ ok: true, data: await direct.getDailyStats(alice, 30) })
    expect(await invoke(channelOf('getProfiles'), alice, o)).toEqual({ ok: true, data: overIpc(await direct.getProfiles(alice, o)) })
    expect(await invoke(channelOf('getSessions'), alice, { limit: 4 })).toEqual({ ok: true, data: overIpc(await direct.getSessions(alice, { limit: 4 })) })
    const pid = must(seed.profiles['anna.fit'], 'anna.fit')
    expect(await invoke(channelOf('updateProfileNotes'), pid, 'via worker')).toMatchObject({ ok: true, data: { changes: 1 } })
    expect(direct.getProfileSync(pid)?.notes).toBe('via worker')
  })

  it('the preload works unchanged against it', async () => {
    const { api } = rendererApi(ipcMain, wc)
    expect(await api.getSessions(alice, { limit: 2 })).toEqual({ ok: true, data: overIpc(await direct.getSessions(alice, { limit: 2 })) })
  })

  it('bad arguments stop in the main process: nothing is posted to the worker', async () => {
    const posted = u.child.posted.length
    const calls = u.workerSpies().calls()
    expect(await invoke(channelOf('getSessions'), -1)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await invoke(channelOf('getProfiles'), alice, { sortBy: 'x; DROP TABLE y' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(await ipcMain.invoke(wc, 'https://evil.example/', channelOf('getAccounts'))).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(u.child.posted.length).toBe(posted)
    expect(u.workerSpies().calls()).toBe(calls)
  })

  it('the worker validates every message again', async () => {
    const calls = u.workerSpies().calls()
    const rejected = [
      { kind: 'call', id: 9001, method: 'getSessions', args: [-1] },
      { kind: 'call', id: 9002, method: 'getProfiles', args: [1, { limt: 1 }] },
      { kind: 'call', id: 9003, method: 'close', args: [] },
      { kind: 'call', id: 9004, method: 'constructor', args: [] },
      { kind: 'call', id: 9005, method: '__proto__', args: [] },
      { kind: 'call', id: 9006, method: 'backup', args: ['/tmp/x.db'] },
      { kind: 'call', id: 9007, method: 'getAccounts', args: 'SELECT 1' },
      { kind: 'exec', id: 9008, sql: 'DELETE FROM sessions' },
      { kind: 'subscribe', id: 9009, key: 'k', options: { tables: ['sqlite_master'] } },
      { kind: 'open', id: 9010, options: { path: '/tmp/other.db' } },
    ]
    for (const message of rejected) {
      expect(await rawRequest(u.child, message), JSON.stringify(message)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    }
    expect(u.workerSpies().calls()).toBe(calls)
    expect(u.workerOpened).toHaveLength(1)
  })

  it('an addon error from the worker keeps its code', async () => {
    const ro = setUpUtility({ path: file, readonly: true })
    try {
      expect(await ro.client.ready).toEqual({ ok: true, data: null })
      expect(await ro.client.call('updateProfileNotes', [1, 'x'])).toMatchObject({ ok: false, code: 'SQLITE_READONLY' })
      expect(await ro.client.call('getAccounts', [])).toEqual({ ok: true, data: await direct.getAccounts() })
    } finally {
      await ro.client.close()
      ro.ports.forEach((p) => p.close())
    }
  })

  it('watch events travel over the port to the window', async () => {
    expect(await invoke(WATCH_SUBSCRIBE_CHANNEL, { tables: ['profiles'], intervalMs: 50 })).toEqual({ ok: true, data: null })
    await sleep(150)
    await invoke(channelOf('updateProfileNotes'), must(seed.profiles['anna.fit'], 'anna.fit'), 'watched')
    await until(() => wc.events().length > 0, 'a change event from the worker')
    expect(wc.events()[0]?.tables).toEqual(['profiles'])
    expect(await invoke(WATCH_UNSUBSCRIBE_CHANNEL)).toEqual({ ok: true, data: true })
    expect(u.workerSpies().watchHandles().every((h) => h.closed)).toBe(true)
  })

  it('live results travel over the port to the window; unsubscribe stops them', async () => {
    const { api } = rendererApi(ipcMain, wc)
    const got: IpcResult<RowsPage<Session>>[] = []
    const page = async () => {
      const rows = await direct.getSessions(alice, { limit: 50 })
      return { ok: true, data: { rows, nextCursor: rows.nextCursor } }
    }
    expect(await api.live.subscribe('sessions', 'getSessions', [alice, { limit: 50 }], (r) => got.push(r))).toEqual({ ok: true, data: null })
    await until(() => got.length === 1, 'the first result from the worker')
    // A listing arrives as its request's own channel returns it: a RowsPage.
    expect(got[0]).toEqual(await page())
    const session = must(seed.sessions.find((x) => x.accountId === alice), 'a session of alice')
    await invoke(channelOf('updateProfileNotes'), must(seed.profiles['anna.fit'], 'anna.fit'), 'not a session change')
    direct.deleteSessionSync(session.sessionId)
    await until(() => got.length === 2, 'the result after the delete')
    expect(got[1]).toEqual(await page())
    expect(await api.live.unsubscribe('sessions')).toEqual({ ok: true, data: true })
    expect(u.workerSpies().liveHandles().every((h) => h.closed)).toBe(true)
  })

  it('a failed open is reported by ready and by every later call', async () => {
    const missing = setUpUtility({ path: `${file}.missing`, readonly: true })
    try {
      expect(await missing.client.ready).toMatchObject({ ok: false, code: 'SQLITE_CANTOPEN' })
      expect(await missing.client.call('getAccounts', [])).toMatchObject({ ok: false, code: 'SQLITE_CANTOPEN' })
    } finally {
      await missing.client.close()
      missing.ports.forEach((p) => p.close())
    }
  })

  it('a worker that exits fails pending and later calls with UNAVAILABLE', async () => {
    const gone = setUpUtility({ path: file })
    try {
      expect(await gone.client.ready).toMatchObject({ ok: true })
      const pending = gone.client.call('getAccounts', [])
      gone.child.emit('exit', 9) // before the reply arrives
      expect(await pending).toMatchObject({ ok: false, code: 'UNAVAILABLE' })
      expect(await gone.client.call('getAccounts', [])).toMatchObject({ ok: false, code: 'UNAVAILABLE' })
    } finally {
      gone.host.close()
      gone.ports.forEach((p) => p.close())
    }
  })

  it('before-quit closes the worker’s database and stops the process; later calls answer CLOSED', async () => {
    expect(await invoke(WATCH_SUBSCRIBE_CHANNEL, { intervalMs: 50 })).toMatchObject({ ok: true })
    const workerDb = u.workerDb()
    app.emit('before-quit')
    await ipc.close()
    expect(workerDb.isOpen).toBe(false)
    expect(u.host.database).toBeNull()
    expect(u.workerSpies().watchHandles().every((h) => h.closed)).toBe(true)
    expect(u.child.killed).toBe(true)
    expect(await invoke(channelOf('getAccounts'))).toMatchObject({ ok: false, code: 'CLOSED' })
    expect(await invoke(WATCH_SUBSCRIBE_CHANNEL)).toMatchObject({ ok: false, code: 'CLOSED' })
  })
})
