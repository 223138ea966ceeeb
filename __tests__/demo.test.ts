/** npm run demo, as a newcomer runs it on a fresh clone: the built action's log as the runner shows it, and a re-run that sends nothing. */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const DEMO = fileURLToPath(new URL('../script/demo.mjs', import.meta.url))

describe('npm run demo', () => {
  it('shows the log as the runner does (no raw workflow commands), files once, and the re-run sends nothing', () => {
    const run = spawnSync(process.execPath, [DEMO], { encoding: 'utf8', timeout: 60_000 })
    expect(run.status).toBe(0)
    // A group's lines are indented under its title.
    const lines = run.stdout.split('\n').map(line => line.trim())
    expect(lines.filter(line => line.startsWith('::'))).toEqual([])
    const rerun = lines.indexOf('--- the same step re-run ---')
    expect(rerun).toBeGreaterThan(0)
    expect(lines.slice(0, rerun)).toContain('Hivel filed incident incident-2')
    expect(lines.slice(rerun)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Notice: Already filed with Hivel as deployment /),
        expect.stringMatching(/^Notice: Already filed with Hivel as incident incident-2 /)
      ])
    )
    expect(lines.at(-2)).toMatch(/^Hivel received 2 requests in all \(one deployment, one incident\)/)
  })
})
