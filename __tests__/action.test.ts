/** The built action, run as the runner runs it, against a stand-in Hivel on 127.0.0.1. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { githubApi, hivel, minutesAgo, runAction, RunOptions, Server, startServer, TOKEN } from '../__fixtures__/action.js'
import { NODES, RUNNER_NODE } from '../__fixtures__/nodes.js'

let server: Server
// The GitHub API keeps the ledger; a fresh one for each test.
let github: Server
beforeAll(async () => {
  server = await startServer(hivel)
})
afterAll(() => server.close())
beforeEach(async () => {
  server.requests.length = 0
  await github?.close()
  github = await startServer(githubApi({}))
})
afterAll(() => github.close())

const file = (options: RunOptions & { inputs?: Record<string, string> } = {}) =>
  runAction({
    node: RUNNER_NODE,
    ...options,
    env: { GITHUB_API_URL: github.url, ...options.env },
    inputs: {
      'api-token': TOKEN,
      'base-url': server.url,
      'github-token': 'ghs_standIn',
      severity: 'high',
      'reported-time': minutesAgo(45),
      'pr-number': '44',
      ...options.inputs
    }
  })

describe.each(NODES)('filing an incident from a workflow_dispatch step (%s)', (_label, node) => {
  it('posts the incident once and sets incident_id, payload and the summary', async () => {
    const reported = minutesAgo(45)
    const result = await file({
      node,
      inputs: {
        severity: 'sev2',
        description: 'Checkout API timing out after deploy',
        'affected-systems': 'checkout\npayments, checkout',
        'reported-time': reported,
        'pr-number': 'https://github.com/acme/checkout-service/pull/44'
      }
    })
    expect(result.code).toBe(0)
    expect(server.requests).toHaveLength(1)
    const [request] = server.requests
    expect(request.method).toBe('POST')
    expect(request.url).toBe('/api/hooks/v1/incident')
    expect(request.headers['content-type']).toBe('application/json')
    expect(request.headers.authorization).toBe(TOKEN)
    expect(request.headers['x-api-token']).toBe(TOKEN)
    expect(request.json).toEqual({
      description: 'Checkout API timing out after deploy',
      severity: 'high',
      affected_systems: ['checkout', 'payments'],
      reported_time: new Date(reported).toISOString().replace('.000Z', 'Z'),
      resolution_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/),
      reported_by: 'octocat',
      provider_id: 'acme/checkout-service/actions/runs/1234',
      repo_url: 'https://github.com/acme/checkout-service',
      pr_number: '44'
    })
    expect(result.outputs.incident_id).toBe('incident-1')
    expect(JSON.parse(result.outputs.payload)).toEqual(request.json)
    expect(result.summary).toContain('### Hivel incident incident-1 filed')
    expect(result.summary).toContain('| Time to recovery | 45 min |')
    expect(result.summary).toContain('| Pull request | [#44](https://github.com/acme/checkout-service/pull/44) | input |')
    expect(result.summary).toContain('| Reported by | octocat | run |')
    expect(result.shown).not.toContain(TOKEN)
    expect(result.summary).not.toContain(TOKEN)
  })
})

// The GitHub API look-ups (push, workflow_run, deployment_status) are in situations.test.ts.
describe('the pull request, from the event', () => {
  it('takes the number of a pull_request event without asking the API', async () => {
    const result = await file({ eventName: 'pull_request', event: { pull_request: { number: 71 } }, inputs: { 'pr-number': '' } })
    expect(result.code).toBe(0)
    expect(server.requests[0].json.pr_number).toBe('71')
  })
})

describe('bad input', () => {
  it('reports every problem at once, naming each input, and sends nothing', async () => {
    const result = await file({
      inputs: {
        severity: 'x'.repeat(300),
        'reported-time': '2026-11-26 10:00',
        'resolution-time': 'soon',
        'pr-number': 'PR-12',
        'base-url': 'http://hivel.example.com',
        'affected-systems': '["db", ',
        'auth-header': 'basic',
        'max-attempts': '50',
        'fail-on-error': 'maybe'
      }
    })
    expect(result.code).toBe(1)
    const errors = result.shown.split('\n').filter(l => l.startsWith('::error::'))
    expect(errors.map(l => /^::error::Input '([^']+)'/.exec(l)?.[1] ?? l)).toEqual([
      'base-url',
      'severity',
      'affected-systems',
      'reported-time',
      'resolution-time',
      'pr-number',
      'auth-header',
      'fail-on-error',
      'max-attempts',
      '::error::9 inputs are invalid (base-url, severity, affected-systems, reported-time, resolution-time, pr-number, auth-header, fail-on-error, max-attempts); nothing was sent to Hivel.'
    ])
    expect(server.requests).toHaveLength(0)
    expect(result.outputs.incident_id).toBeUndefined()
  })

  it.each([
    [
      'a reported-time in the future',
      { 'reported-time': new Date(Date.now() + 3_600_000).toISOString() },
      /Input 'reported-time' .* is in the future; accepted: a time no more than 5 minutes ahead of now/
    ],
    [
      'a resolution-time before the reported-time',
      { 'reported-time': minutesAgo(10), 'resolution-time': minutesAgo(20) },
      /Input 'resolution-time' .* is before reported-time .*; accepted: a time at or after reported-time/
    ],
    ['a missing severity', { severity: '' }, /Input 'severity' is required/],
    ['a missing token', { 'api-token': '' }, /Input 'api-token' is required: pass api-token: \$\{\{ secrets.HIVEL_API_TOKEN \}\}/]
  ])('refuses %s before sending, with that one error', async (_what, inputs, message) => {
    const result = await file({ inputs })
    expect(result.code).toBe(1)
    const errors = result.shown.split('\n').filter(line => line.startsWith("::error::Input '"))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(message)
    expect(server.requests).toHaveLength(0)
  })
})

describe('mistakes a new user makes', () => {
  /** The run's ::error:: lines. */
  const errors = (stdout: string) => stdout.split('\n').filter(line => line.startsWith('::error::'))

  it('refuses a misspelt severity, saying which was meant', async () => {
    const result = await file({ inputs: { severity: 'hgih' } })
    expect(result.code).toBe(1)
    expect(errors(result.shown)[0]).toMatch(/^::error::Input 'severity' "hgih" looks like a misspelt severity: did you mean high\? /)
    expect(server.requests).toHaveLength(0)
  })

  it('refuses the whole endpoint pasted as base-url, saying what to remove', async () => {
    const result = await file({ inputs: { 'base-url': `${server.url}/api/hooks/v1/incident` } })
    expect(result.code).toBe(1)
    expect(errors(result.shown)[0]).toContain(
      `ends in /api/hooks/v1/incident, but the action adds /api/hooks/v1/incident itself; remove it: base-url: ${server.url}.`
    )
    expect(server.requests).toHaveLength(0)
  })

  it('removes "Bearer " pasted before the token, with a notice, and sends the token alone', async () => {
    const result = await file({ inputs: { 'api-token': `Bearer ${TOKEN}` } })
    expect(result.code).toBe(0)
    expect(server.requests[0].headers).toMatchObject({ authorization: TOKEN, 'x-api-token': TOKEN })
    expect(result.shown).toContain('::notice::api-token starts with the word "Bearer", which is not part of the token: it was removed.')
    expect(result.log).toContain(`::add-mask::${TOKEN}`)
  })

  it('refuses a token no HTTP header can carry, without showing it, even with fail-on-error false', async () => {
    const [head, tail] = [TOKEN.slice(0, 12), TOKEN.slice(12)]
    const result = await file({ inputs: { 'api-token': `${head}\n${tail}`, 'fail-on-error': 'false' } })
    expect(result.code).toBe(1)
    expect(errors(result.shown)[0]).toMatch(/^::error::Input 'api-token' contains a line break, which an HTTP header cannot carry;/)
    expect(result.shown).not.toContain(head)
    expect(result.shown).not.toContain(tail)
    expect(server.requests).toHaveLength(0)
  })

  it.each([
    ['that parses', 'https://alice:hunter2@app.hivel.ai'],
    ['that does not parse', 'https://alice:hunter2@app.hivel.ai:port']
  ])('refuses a base-url with credentials %s, and never prints them, even in debug output', async (_how, baseUrl) => {
    const result = await file({ inputs: { 'base-url': baseUrl }, env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' } })
    expect(result.code).toBe(1)
    expect(result.shown).toContain('::debug::base-url: "https://***@app.hivel.ai')
    expect(errors(result.shown)[0]).toMatch(/^::error::Input 'base-url' "https:\/\/(\*\*\*@)?app\.hivel\.ai/)
    expect(result.log).not.toMatch(/alice|hunter2/)
  })
})

describe('the token', () => {
  it('falls back to HIVEL_API_TOKEN and never shows, even in debug output', async () => {
    const result = await file({
      inputs: { 'api-token': '' },
      env: { HIVEL_API_TOKEN: TOKEN, ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }
    })
    expect(result.code).toBe(0)
    expect(server.requests[0].headers['x-api-token']).toBe(TOKEN)
    expect(result.log).toContain(`::add-mask::${TOKEN}`)
    expect(result.shown).toContain('::debug::api-token: (set)')
    expect(result.shown).not.toContain(TOKEN)
    expect(JSON.stringify(result.outputs)).not.toContain(TOKEN)
  })

  it.each([
    ['both', { authorization: TOKEN, 'x-api-token': TOKEN }],
    ['authorization', { authorization: TOKEN, 'x-api-token': undefined }],
    ['x-api-token', { authorization: undefined, 'x-api-token': TOKEN }],
    ['bearer', { authorization: `Bearer ${TOKEN}`, 'x-api-token': undefined }]
  ])('auth-header %s sends the token as Hivel expects', async (mode, headers) => {
    const result = await file({ inputs: { 'auth-header': mode } })
    expect(result.code).toBe(0)
    expect({ authorization: server.requests[0].headers.authorization, 'x-api-token': server.requests[0].headers['x-api-token'] }).toEqual(
      headers
    )
  })
})

describe('dry run', () => {
  it('shows the exact request with the token redacted, sets payload, and sends nothing', async () => {
    const result = await file({ inputs: { 'dry-run': 'true', 'api-token': '' } })
    expect(result.code).toBe(0)
    expect(server.requests).toHaveLength(0)
    expect(result.shown).toContain(
      `Dry run: nothing is sent. The request would be:\nPOST ${server.url}/api/hooks/v1/incident\nAuthorization: ***\nX-API-Token: ***\n{\n  "severity": "high",`
    )
    expect(result.outputs.incident_id).toBe('')
    expect(JSON.parse(result.outputs.payload)).toMatchObject({ severity: 'high', pr_number: '44' })
    expect(result.summary).toContain('### Hivel incident (dry run: nothing sent)')
  })
})

describe('text that needs care', () => {
  it('cuts a long description with a warning and notes an unusual severity', async () => {
    const result = await file({ inputs: { description: 'Revert "x"\n\n' + 'y'.repeat(400), severity: 'Major outage' } })
    expect(result.code).toBe(0)
    expect(server.requests[0].json.description).toHaveLength(255)
    expect(server.requests[0].json.description.endsWith('…')).toBe(true)
    expect(server.requests[0].json.severity).toBe('Major outage')
    expect(result.shown).toContain('::warning::description is 412 characters long; Hivel accepts 255, so it was cut to fit.')
    expect(result.shown).toContain('::notice::severity "Major outage" is not one of low, medium, high, critical; it is sent as given.')
  })

  it('builds repo_url from GITHUB_SERVER_URL on GitHub Enterprise and reads owner/repo shorthand', async () => {
    const ghe = await file({ env: { GITHUB_SERVER_URL: 'https://ghe.example.com' } })
    expect(server.requests[0].json.repo_url).toBe('https://ghe.example.com/acme/checkout-service')
    expect(ghe.code).toBe(0)
    // Another incident: the ledger already holds the first one.
    await file({ inputs: { 'repo-url': 'acme/other.git', 'provider-id': 'acme/other/incidents/1' } })
    expect(server.requests[1].json.repo_url).toBe('https://github.com/acme/other')
  })

  it('takes epoch seconds and milliseconds and sends ISO 8601 UTC', async () => {
    const reported = Math.floor(Date.now() / 1000) - 3600
    await file({ inputs: { 'reported-time': String(reported), 'resolution-time': String(reported * 1000 + 1_800_000) } })
    expect(server.requests[0].json.reported_time).toBe(new Date(reported * 1000).toISOString().replace('.000Z', 'Z'))
    expect(server.requests[0].json.resolution_time).toBe(new Date(reported * 1000 + 1_800_000).toISOString().replace('.000Z', 'Z'))
  })

  it('reads a date alone as midnight UTC, as backfill-since does', async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
    await file({ inputs: { 'reported-time': yesterday } })
    expect(server.requests[0].json.reported_time).toBe(`${yesterday}T00:00:00Z`)
  })
})
