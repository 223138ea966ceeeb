/** run() in-process, with @actions/core mocked and a stand-in Hivel on 127.0.0.1. */
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hivel, minutesAgo, Server, startServer, TOKEN } from '../__fixtures__/action.js'
import * as core from '../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { run } = await import('../src/main.js')

let server: Server
const dir = mkdtempSync(join(tmpdir(), 'main-test-'))
const saved = { ...process.env }

beforeAll(async () => {
  // A critical incident stands for a rejected token, echoed back as some servers do.
  server = await startServer((req, res, count) => {
    if (req.json?.severity === 'critical') res.writeHead(401).end(`bad token ${TOKEN}`)
    else void hivel(req, res, count)
  })
})
afterAll(() => server.close())
beforeEach(() => {
  jest.clearAllMocks()
  core.written.length = 0
  server.requests.length = 0
  for (const key of Object.keys(core.inputs)) delete core.inputs[key]
  process.env = { ...saved }
  const event = join(dir, 'event.json')
  writeFileSync(
    event,
    JSON.stringify({
      action: 'closed',
      issue: { html_url: 'https://github.com/acme/shop/issues/1', title: 't', created_at: minutesAgo(9), labels: [] }
    })
  )
  Object.assign(process.env, {
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'http://127.0.0.1:9',
    GITHUB_SHA: 'abc',
    GITHUB_ACTOR: 'octocat',
    GITHUB_RUN_ID: '77',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_STEP_SUMMARY: join(dir, 'summary')
  })
  Object.assign(core.inputs, {
    'api-token': TOKEN,
    'base-url': server.url,
    severity: 'high',
    'reported-time': minutesAgo(30),
    'pr-number': '5',
    'max-attempts': '1',
    // Delivery alone: the ledger has tests of its own (ledger.test.ts, exactly-once.test.ts).
    record: 'false'
  })
})

const outputs = () => Object.fromEntries(core.setOutput.mock.calls.map(([k, v]) => [k, v]))

describe('main.ts: one run of the action', () => {
  it('files the incident, sets outputs and writes the summary', async () => {
    await run()
    expect(core.failures()).toEqual([])
    expect(server.requests).toHaveLength(1)
    expect(outputs().incident_id).toBe('incident-1')
    expect(core.written.join('')).toContain('incident-1 filed')
  })

  it('in a dry run shows the request, sends nothing, and needs no token', async () => {
    Object.assign(core.inputs, { 'dry-run': 'true', 'api-token': '' })
    await run()
    expect(server.requests).toHaveLength(0)
    expect(core.info.mock.calls[0][0]).toMatch(/^Dry run: nothing is sent/)
    expect(outputs()).toMatchObject({ incident_id: '' })
  })

  it('reports each bad input as an error, then fails once', async () => {
    Object.assign(core.inputs, { severity: 'x'.repeat(256), 'pr-number': 'nope' })
    await run()
    expect(core.error.mock.calls.map(([m]) => String(m).split(' ').slice(0, 2).join(' '))).toEqual([
      "Input 'severity'",
      "Input 'pr-number'",
      '2 inputs'
    ])
    expect(core.failures()).toHaveLength(1)
    expect(core.failures()).toContainEqual('2 inputs are invalid (severity, pr-number); nothing was sent to Hivel.')
    expect(core.written.join('')).toContain('### 2 inputs are invalid (severity, pr-number); nothing was sent to Hivel')
    expect(server.requests).toHaveLength(0)
  })

  it('fails on a rejected token without echoing it', async () => {
    core.inputs.severity = 'critical'
    await run()
    expect(core.failures()).toHaveLength(1)
    const message = core.failures()[0]
    expect(message).toMatch(/^Hivel rejected the API token \(HTTP 401\)/)
    expect(message).not.toContain(TOKEN)
    expect(core.written.join('')).toContain('Hivel incident not filed')
  })

  it('with fail-on-error false turns a failed delivery into a warning and an empty incident_id', async () => {
    Object.assign(core.inputs, { severity: 'critical', 'fail-on-error': 'false' })
    await run()
    expect(core.failures()).toEqual([])
    expect(core.warning.mock.calls.map(c => String(c[0]))).toContainEqual(
      expect.stringMatching(/HTTP 401.*\(fail-on-error is false, so the step succeeds\.\)$/)
    )
    expect(outputs().incident_id).toBe('')
  })

  it('warns when a default cannot be looked up with fail-on-error false, fails without it, and sends nothing', async () => {
    process.env.GITHUB_EVENT_NAME = 'push'
    Object.assign(core.inputs, { 'pr-number': '', 'github-token': '', 'fail-on-error': 'false' })
    await run()
    expect(core.failures()).toEqual([])
    expect(core.warning).toHaveBeenCalledWith(
      expect.stringMatching(
        /^github-token is empty, so the GitHub API cannot be asked.*\(fail-on-error is false, so the step succeeds\.\)$/
      ),
      core.titled
    )
    core.inputs['fail-on-error'] = 'true'
    await run()
    expect(core.failures()).toContainEqual(expect.stringMatching(/^github-token is empty, so the GitHub API cannot be asked/))
    expect(server.requests).toHaveLength(0)
  })

  it('skips with a notice when the event says there is no incident', async () => {
    process.env.GITHUB_EVENT_NAME = 'issues'
    await run()
    expect(core.notice).toHaveBeenCalledWith(
      "Issue https://github.com/acme/shop/issues/1 has no 'incident' label: not an incident.",
      core.titled
    )
    expect(server.requests).toHaveLength(0)
    expect(outputs()).toEqual({ incident_id: '', payload: '', 'duration-seconds': '', duration: '' })
  })

  it('runs outside a runner without a summary file', async () => {
    delete process.env.GITHUB_STEP_SUMMARY
    await run()
    expect(core.summary.write).not.toHaveBeenCalled()
    expect(outputs().incident_id).toBe('incident-1')
  })
})
