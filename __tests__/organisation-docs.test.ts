/**
 * Issue 20, docs/organisation.md: the roll-up step of the recipe, run as the runner runs it (bash and
 * jq over the totals files the matrix jobs leave), writes one table of every repository, and the
 * table the page shows is that step's output; the recipe is linted as a workflow, so a broken one fails.
 */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { lintMarkdown } from '../__fixtures__/actionlint.js'
import { parse } from 'yaml'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DOC = 'docs/organisation.md'
const JQ = '/usr/bin/jq'
const text = readFileSync(join(ROOT, DOC), 'utf8')

/** The recipe: the page's one ```yaml block that is a whole workflow. */
const recipe = /```yaml\n([\s\S]*?)\n```/.exec(text)?.[1] ?? ''

interface Step {
  id?: string
  run?: string
  env?: Record<string, string>
}

/** A step's shell script, as the recipe gives it. */
function script(job: string, id: string): string {
  const workflow = parse(recipe) as { jobs: Record<string, { steps: Step[] }> }
  const step = workflow.jobs[job]?.steps.find(s => s.id === id)
  if (!step?.run) throw new Error(`${DOC}: the ${job} job has no step with id: ${id} and a run: script`)
  return step.run
}

/** Runs a step's script as the runner does (bash -e), in dir, with only the environment given. */
function runStep(job: string, id: string, dir: string, env: Record<string, string>): void {
  const run = spawnSync('bash', ['-e', '-c', script(job, id)], { cwd: dir, env: { PATH: '/usr/bin:/bin', ...env }, encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`the ${id} step failed (${run.status}): ${run.stderr}`)
}

/** Totals as the action's `totals` output gives them, for each kind of repository a run meets. */
const TOTALS = {
  busy: {
    repository: 'acme/checkout',
    incidents: { found: 4, filed: 2, 'already filed': 1, 'cannot file': 1 },
    deployments: { found: 3, filed: 3 },
    requests: 14
  },
  idle: { repository: 'acme/docs-site', incidents: { found: 0 }, deployments: { found: 0 }, requests: 6 },
  // Four found: one filed, two not sent, and one the run never reached.
  stopped: {
    repository: 'acme/payments',
    incidents: { found: 4, filed: 1, 'not sent': 2 },
    deployments: { found: 0 },
    requests: 41,
    stopped:
      "GitHub's API rate limit for this token is used up (403). Stopped after 4 found, 1 filed: run it again with the same inputs to resume; the ledger holds what was sent, so nothing is sent twice."
  },
  skipped: {
    repository: 'acme/legacy',
    incidents: { found: 0 },
    deployments: { found: 0 },
    requests: 1,
    skipped: 'acme/legacy is archived: it is read-only, so no ledger can be kept in it, and nothing is sent from it.'
  },
  failed: {
    repository: 'acme/archive-2019',
    incidents: { found: 0 },
    deployments: { found: 0 },
    requests: 1,
    error: 'Cannot read acme/archive-2019: GitHub answered 404 Not Found | gone\nfor good.'
  }
}

/**
 * Runs the roll-up script in a fresh workspace holding the given totals files (each named after its
 * repository, as the matrix jobs upload them), with the matrix's list; the summary it wrote.
 */
function rollup(totals: object[], listed: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'hivel-rollup-'))
  try {
    mkdirSync(join(dir, 'totals'))
    for (const t of totals)
      writeFileSync(join(dir, 'totals', `${(t as { repository: string }).repository.split('/')[1]}.json`), `${JSON.stringify(t)}\n`)
    const summary = join(dir, 'summary.md')
    writeFileSync(summary, '')
    const env: Record<string, string> = {
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_SERVER_URL: 'https://github.com'
    }
    if (listed !== undefined) env.REPOSITORIES = listed
    runStep('summary', 'rollup', dir, env)
    return readFileSync(summary, 'utf8')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const rowsOf = (summary: string) => summary.split('\n').filter(line => line.startsWith('| ') && !line.startsWith('| ---'))

describe('the organisation recipe: the roll-up of every repository', () => {
  const noJq = !existsSync(JQ)
  if (noJq) console.warn(`${JQ} is missing: the roll-up tests of ${DOC} are skipped (install jq to run them).`)
  const maybe = noJq ? it.skip : it

  maybe('lists a busy, an idle, a stopped and a missing repository, one row each, with the totals of all', () => {
    const summary = rollup([TOTALS.busy, TOTALS.idle, TOTALS.stopped], '["checkout","docs-site","payments","ledger"]')
    expect(summary.split('\n')[0]).toBe('## Hivel sync: 4 repositories')
    expect(rowsOf(summary)).toEqual([
      '| Repository | Incidents filed | Deployments sent | Already filed | Unsure | Not sent or failed | Cannot file | GitHub requests | Result |',
      '| [acme/checkout](https://github.com/acme/checkout) | 2 | 3 | 1 | 0 | 0 | 1 | 14 | done |',
      '| [acme/docs-site](https://github.com/acme/docs-site) | 0 | 0 | 0 | 0 | 0 | 0 | 6 | done |',
      '| [acme/ledger](https://github.com/acme/ledger) |  |  |  |  |  |  |  | no result: see its job |',
      `| [acme/payments](https://github.com/acme/payments) | 1 | 0 | 0 | 0 | 3 | 0 | 41 | stopped: ${TOTALS.stopped.stopped} |`,
      '| **all** | 3 | 3 | 1 | 0 | 3 | 1 | 61 | 2 done, 1 no result, 1 stopped |'
    ])
  })

  maybe('keeps a failed repository on one row, its error made safe for a table', () => {
    const rows = rowsOf(rollup([TOTALS.failed], '["archive-2019"]'))
    expect(rows).toContain(
      '| [acme/archive-2019](https://github.com/acme/archive-2019) | 0 | 0 | 0 | 0 | 0 | 0 | 1 | failed: Cannot read acme/archive-2019: GitHub answered 404 Not Found \\| gone for good. |'
    )
    expect(rows.at(-1)).toBe('| **all** | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 1 failed |')
  })

  maybe('says why an archived repository was skipped', () => {
    expect(rowsOf(rollup([TOTALS.skipped], '["legacy"]')).slice(1)).toEqual([
      `| [acme/legacy](https://github.com/acme/legacy) | 0 | 0 | 0 | 0 | 0 | 0 | 1 | skipped: ${TOTALS.skipped.skipped} |`,
      '| **all** | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 1 skipped |'
    ])
  })

  maybe('lists every repository when no job left totals, and says so when the list job gave no list', () => {
    expect(rowsOf(rollup([], '["checkout"]')).slice(1)).toEqual([
      '| [acme/checkout](https://github.com/acme/checkout) |  |  |  |  |  |  |  | no result: see its job |',
      '| **all** | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 1 no result |'
    ])
    expect(rollup([], undefined)).toBe(
      '## Hivel sync: no repositories\n\nThe list was empty and no job left totals: see the repositories job.\n'
    )
    expect(rowsOf(rollup([TOTALS.idle], undefined)).slice(1, 2)).toEqual([
      '| [acme/docs-site](https://github.com/acme/docs-site) | 0 | 0 | 0 | 0 | 0 | 0 | 6 | done |'
    ])
  })

  maybe('is what the page shows as its example', () => {
    const example = /<!-- rollup: example -->\n([\s\S]*?)<!-- \/rollup: example -->/.exec(text)?.[1]
    expect(example).toBe(rollup([TOTALS.busy, TOTALS.idle, TOTALS.stopped], '["checkout","docs-site","payments","ledger"]'))
  })
})

describe('the organisation recipe: the list of repositories', () => {
  const maybe = existsSync(JQ) ? it : it.skip
  /** The installation's repositories as `gh api --paginate … --jq '.repositories[]'` prints them, one a line. */
  const installed = [
    { name: 'payments', archived: false, topics: ['hivel', 'go'] },
    { name: 'api-gateway', archived: false, topics: [] },
    { name: 'legacy-billing', archived: true, topics: ['hivel'] },
    { name: 'checkout', archived: false, topics: ['hivel'] }
  ]

  /** Runs the list step with a stand-in gh that prints the installation's repositories; the list it outputs. */
  function list(env: Record<string, string>): string[] {
    const dir = mkdtempSync(join(tmpdir(), 'hivel-list-'))
    try {
      mkdirSync(join(dir, 'bin'))
      writeFileSync(join(dir, 'repositories'), installed.map(r => JSON.stringify(r)).join('\n'))
      writeFileSync(join(dir, 'bin', 'gh'), `#!/bin/sh\ncat "${join(dir, 'repositories')}"\n`, { mode: 0o755 })
      const output = join(dir, 'output')
      writeFileSync(output, '')
      runStep('repositories', 'list', dir, { GITHUB_OUTPUT: output, PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, GH_TOKEN: 'ghs_x', ...env })
      const line = /^list=(.*)$/m.exec(readFileSync(output, 'utf8'))?.[1]
      return JSON.parse(line ?? 'null') as string[]
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  maybe("lists the installation's repositories that are not archived, by topic and by name pattern", () => {
    expect(list({})).toEqual(['api-gateway', 'checkout', 'payments'])
    expect(list({ TOPIC: 'hivel' })).toEqual(['checkout', 'payments'])
    expect(list({ PATTERN: '^(api|pay)' })).toEqual(['api-gateway', 'payments'])
    expect(list({ TOPIC: 'hivel', PATTERN: '^check' })).toEqual(['checkout'])
  })

  maybe('takes a list given by hand as it is, owner and blanks dropped', () => {
    expect(list({ NAMES: ' acme/payments, legacy-billing,,payments ' })).toEqual(['legacy-billing', 'payments'])
  })
})

describe('the organisation recipe passes actionlint', () => {
  const lineOf = (needle: string) => text.split('\n').findIndex(line => line.includes(needle)) + 1

  it('is linted as a whole workflow, and is clean', () => {
    const { status, lines } = lintMarkdown(text, 'organisation.md')
    expect(lines[0]).toMatch(
      /^actionlint: 1 workflow in 1 file, \d+ output references?, 0 issue forms, action\.yml and \.env\.example: no problems$/
    )
    expect(status).toBe(0)
  })

  it('fails when the recipe is broken, naming the line', () => {
    const broken = text
      .replace('repository: ${{ fromJSON(needs.repositories.outputs.list) }}', 'repository: ${{ fromJSON(needs.repos.outputs.list) }}')
      .replace(`if [ -n "$TOTALS" ]; then`, 'if [ -n "${{ steps.hivel.outputs.totals }}" ]; then')
    expect(broken).not.toBe(text)
    const { file, status, lines } = lintMarkdown(broken, 'organisation.md')
    expect(status).toBe(1)
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${file}:${lineOf('fromJSON(needs.repositories')}:\\d+: .*"repos".* \\[expression\\]$`)),
        // Named at its run: line, the one before the script.
        expect.stringMatching(
          new RegExp(`^${file}:${lineOf('mkdir -p totals') - 1}:\\d+: an expression in a run: script .* \\[injection\\]$`)
        )
      ])
    )
  })
})
