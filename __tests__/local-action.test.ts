/**
 * npm run local-action with .env.example, as CONTRIBUTING.md and docs/development.md give it: a
 * dry run that makes no network call at all, with nothing exported in the shell but what any shell has.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const GUARD = fileURLToPath(new URL('../__fixtures__/no-network.mjs', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'local-action-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npm run local-action with .env.example', () => {
  it('prints the request it would send and connects to nothing', () => {
    const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
      'local-action'
    ]
    // The npm script, its .env in a folder of the test's own so that a developer's .env is neither used nor touched.
    const args = script.split(' ')
    expect(args.slice(0, 2)).toEqual(['npx', '@github/local-action'])
    expect(args.at(-1)).toBe('.env')
    const env = join(dir, '.env')
    copyFileSync(join(ROOT, '.env.example'), env)
    const log = join(dir, 'connections')
    writeFileSync(log, '')
    const run = spawnSync(args[0], [...args.slice(1, -1), env], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      // A fresh shell: no GITHUB_* or INPUT_* of the runner that runs this test; npm's update check off (it is npm's, not the action's).
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME ?? dir,
        // --preserve-symlinks: as in a fresh clone, even where node_modules is a symlink (a git worktree). local-action
        // stubs @actions/core at the path npm gives, and its getInput passes action.yml's defaults literally.
        NODE_OPTIONS: `--preserve-symlinks --import ${GUARD}`,
        NO_NETWORK_LOG: log,
        npm_config_update_notifier: 'false'
      }
    })
    const output = `${run.stdout}${run.stderr}`
    expect(readFileSync(log, 'utf8')).toBe('')
    expect(output).toContain('Dry run: nothing is sent. The request would be:')
    expect(output).toContain('POST http://127.0.0.1:8787/api/hooks/v1/incident')
    expect(run.status).toBe(0)
  })
})
