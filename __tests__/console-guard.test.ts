/**
 * __fixtures__/console-guard.mjs: a test file whose in-process code writes a workflow command
 * (::debug::, ::warning::) to the console fails, naming the lines, and the console stays clean.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const GUARD = fileURLToPath(new URL('../__fixtures__/console-guard.mjs', import.meta.url))
const JEST = createRequire(import.meta.url).resolve('jest/bin/jest')
const dir = mkdtempSync(join(tmpdir(), 'console-guard-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the console guard every test file runs with', () => {
  it('fails a file that writes workflow commands, holding them back, and passes a quiet one', () => {
    writeFileSync(
      join(dir, 'noisy.test.mjs'),
      [
        "import { it } from '@jest/globals'",
        "it('logs as the real @actions/core does', () => {",
        "  process.stdout.write('::debug::GitHub API: list the jobs of run 7\\n')",
        "  process.stdout.write('::warning title=Rate limit::waiting 60 s\\n')",
        '})'
      ].join('\n')
    )
    writeFileSync(join(dir, 'quiet.test.mjs'), "import { it } from '@jest/globals'\nit('writes nothing', () => {})\n")
    const config = { rootDir: dir, testMatch: ['**/*.test.mjs'], transform: {}, setupFilesAfterEnv: [GUARD] }
    const run = spawnSync(process.execPath, [JEST, '--config', JSON.stringify(config), '--runInBand', '--ci'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules --no-warnings' }
    })
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(/PASS .*quiet\.test\.mjs/)
    expect(run.stderr).toMatch(/FAIL .*noisy\.test\.mjs/)
    expect(run.stderr).toContain('This test file wrote 2 workflow commands to the console:')
    expect(run.stderr).toContain('  ::debug::GitHub API: list the jobs of run 7')
    expect(run.stderr).toContain('  ::warning title=Rate limit::waiting 60 s')
    expect(run.stdout).not.toMatch(/^::/m)
  })
})
