import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config'

// The suite runs twice for the day/timestamp rules: in the machine's zone, and in
// UTC+14 (Pacific/Kiritimati), where local and UTC dates disagree most of the day.
// On Windows TZ cannot pin a process's zone (native code reads the system's), so
// there the second project is left out: `npm run test:windows` runs the zone
// suites with Wine's system zone set to UTC+14 and to New York instead.
const utc14: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'utc+14',
    include: ['__test__/read/**/*.test.ts', '__test__/timezone.test.ts'],
    env: { TZ: 'Pacific/Kiritimati' },
  },
}

const TIME_FACTOR = Number(process.env.TAKTIK_TEST_TIME_FACTOR) || 1

export default defineConfig({
  test: {
    pool: 'forks',
    // npm run test:windows stretches them: Wine runs the suite 2-4x slower.
    testTimeout: 60_000 * TIME_FACTOR,
    hookTimeout: 60_000 * TIME_FACTOR,
    projects: [
      { extends: true, test: { name: 'machine-tz', include: ['__test__/**/*.test.ts'] } },
      ...(process.platform === 'win32' ? [] : [utc14]),
    ],
  },
})
