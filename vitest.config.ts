import { defineConfig } from 'vitest/config'

// The suite runs twice for the day/timestamp rules: in the machine's zone, and in
// UTC+14 (Pacific/Kiritimati), where local and UTC dates disagree most of the day.
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'machine-tz', include: ['__test__/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'utc+14',
          include: ['__test__/read-api.test.ts', '__test__/timezone.test.ts'],
          env: { TZ: 'Pacific/Kiritimati' },
        },
      },
    ],
  },
})
