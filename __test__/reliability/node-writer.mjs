// Child process for crashes.test.ts: the app's writes in a tight loop, Sync
// and async, each large enough that a SIGKILL often lands mid-transaction.
// Prints `C <campaignId>` once a write has returned (so it is committed).
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const { openDatabase } = require('../../index.js')

const [file, tag] = process.argv.slice(2)
const db = openDatabase({ path: file })
const keywords = Array.from({ length: 2000 }, (_, i) => `keyword number ${i} for ${tag}`)
process.stderr.write('READY\n')
for (let n = 0; ; n++) {
  process.stdout.write('B\n') // a write begins: a kill before the next C line lands inside it
  const input = { name: `${tag}-${n}`, nicheKeywords: keywords, targetHashtags: [`#${n}`] }
  const c = n % 2 ? db.createDiscoveryCampaignSync(input) : await db.createDiscoveryCampaign(input)
  process.stdout.write(`C ${c.campaignId}\n`)
}
