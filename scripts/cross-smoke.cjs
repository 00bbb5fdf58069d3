// build:cross's smoke test, run once with the host's own build and once with
// the cross-built binary (NAPI_RS_NATIVE_LIBRARY_PATH picks it; under
// qemu-user for another CPU): opens a seeded file read-only and prints what a
// subset of the read API answers, async and Sync, as one JSON line. The two
// runs must print the same `answers`.
//
//   node scripts/cross-smoke.cjs <database file>
'use strict'

const { openDatabaseAsync } = require('..')

async function main(file) {
  const db = await openDatabaseAsync({ path: file, readonly: true })
  const answers = { layout: db.layout, capabilities: db.capabilities, supportsGetPosts: db.supports('getPosts') }
  answers.accounts = await db.getAccounts()
  answers.perAccount = []
  for (const { accountId } of answers.accounts) {
    const sessions = await db.getSessions(accountId, { limit: 20 })
    answers.perAccount.push({
      accountId,
      sessions,
      firstSessionStats: sessions.length ? await db.getSessionStats(sessions[0].sessionId) : null,
      dailyStats: await db.getDailyStats(accountId, 14),
      profiles: await db.getProfiles(accountId, { sortBy: 'username', order: 'asc', limit: 25 }),
      profileCount: await db.countProfiles(accountId),
      search: db.getProfilesSync(accountId, { search: 'a', limit: 10 }),
      interactions: await db.getInteractions(accountId, { limit: 30 }),
    })
  }
  const someone = answers.perAccount.flatMap((a) => a.profiles)[0]
  answers.profile = someone ? db.getProfileSync(someone.username) : null
  answers.scrapingSessions = await db.getScrapingSessions({ limit: 10 })
  answers.tiktokAccounts = await db.getTikTokAccounts()
  answers.tiktok = []
  for (const { accountId } of answers.tiktokAccounts) {
    answers.tiktok.push({
      accountId,
      sessions: await db.getTikTokSessions(accountId, { limit: 10 }),
      dailyStats: await db.getTikTokDailyStats(accountId, 7),
    })
  }
  db.close()
  const host = { arch: process.arch, node: process.version, binary: process.env.NAPI_RS_NATIVE_LIBRARY_PATH ?? null }
  process.stdout.write(JSON.stringify({ host, answers }) + '\n')
}

main(process.argv[2]).catch((e) => {
  console.error(e)
  process.exit(1)
})
