// build:cross's smoke test, run once with the host's own build and once with
// the cross-built binary (NAPI_RS_NATIVE_LIBRARY_PATH picks it; under
// qemu-user for another CPU): opens a seeded file read-only and prints what a
// subset of the read API answers, async and Sync, as one JSON line. The two
// runs must print the same `answers`.
//
//   node scripts/cross-smoke.cjs <database file>
'use strict'

const { openDatabaseAsync } = require('..')

/** @param {string} file */
async function main(file) {
  const db = await openDatabaseAsync({ path: file, readonly: true })
  const { layout, capabilities } = db
  const supportsGetPosts = db.supports('getPosts')
  const accounts = await db.getAccounts()
  const perAccount = []
  for (const { accountId } of accounts) {
    const sessions = await db.getSessions(accountId, { limit: 20 })
    const [firstSession] = sessions
    perAccount.push({
      accountId,
      sessions,
      firstSessionStats: firstSession ? await db.getSessionStats(firstSession.sessionId) : null,
      dailyStats: await db.getDailyStats(accountId, 14),
      profiles: await db.getProfiles(accountId, { sortBy: 'username', order: 'asc', limit: 25 }),
      profileCount: await db.countProfiles(accountId),
      search: db.getProfilesSync(accountId, { search: 'a', limit: 10 }),
      interactions: await db.getInteractions(accountId, { limit: 30 }),
    })
  }
  const someone = perAccount.flatMap((a) => a.profiles)[0]
  const profile = someone ? db.getProfileSync(someone.username) : null
  const scrapingSessions = await db.getScrapingSessions({ limit: 10 })
  const tiktokAccounts = await db.getTikTokAccounts()
  const tiktok = []
  for (const { accountId } of tiktokAccounts) {
    tiktok.push({
      accountId,
      sessions: await db.getTikTokSessions(accountId, { limit: 10 }),
      dailyStats: await db.getTikTokDailyStats(accountId, 7),
    })
  }
  db.close()
  // The same keys, in the same order, as the JSON line always had.
  const answers = { layout, capabilities, supportsGetPosts, accounts, perAccount, profile, scrapingSessions, tiktokAccounts, tiktok }
  const host = { arch: process.arch, node: process.version, binary: process.env.NAPI_RS_NATIVE_LIBRARY_PATH ?? null }
  process.stdout.write(JSON.stringify({ host, answers }) + '\n')
}

const file = process.argv[2]
if (!file) {
  // Without one, openDatabaseAsync would open the default database instead.
  console.error('usage: node scripts/cross-smoke.cjs <database file>')
  process.exit(2)
}
main(file).catch((e) => {
  console.error(e)
  process.exit(1)
})
