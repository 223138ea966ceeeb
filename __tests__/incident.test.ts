import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { buildIncident } = await import('../src/incident.js')
const { InputError, parseAll, settingsSchema } = await import('../src/schema.js')
const { setOutputs, writeSkipped, writeSummary } = await import('../src/report.js')

const now = new Date('2026-11-26T10:00:00Z')
const settings = (raw: Record<string, string>) =>
  parseAll(settingsSchema(now, 'https://github.com', 'push'), { 'api-token': 't', severity: 'high', ...raw })
const defaults = {
  resolutionTime: { value: now, source: 'default' as const },
  repoUrl: { value: 'https://github.com/acme/shop', source: 'run' as const },
  reportedBy: { value: 'octocat', source: 'run' as const },
  prNumber: { value: '7', source: 'GitHub API' as const },
  reportedTime: { value: new Date('2026-11-26T09:15:00Z'), source: 'GitHub API' as const },
  description: { value: 'Deploy failed: deploy (https://github.com/acme/shop/actions/runs/1)', source: 'GitHub API' as const }
}

beforeEach(() => {
  jest.clearAllMocks()
  core.written.length = 0
  process.env.GITHUB_STEP_SUMMARY = '/dev/null'
})

describe('incident.ts: inputs over defaults', () => {
  it('attributes the incident to the repository of a pull request URL given as pr-number, unless repo-url is set', () => {
    const other = buildIncident(settings({ 'pr-number': 'https://github.com/acme/payments/pull/88' }), defaults, now)
    expect(other.payload).toMatchObject({ repo_url: 'https://github.com/acme/payments', pr_number: '88' })
    expect(other.sources.repo_url).toBe('input')
    const both = buildIncident(settings({ 'pr-number': 'https://github.com/acme/payments/pull/88', 'repo-url': 'acme/web' }), defaults, now)
    expect(both.payload.repo_url).toBe('https://github.com/acme/web')
    expect(buildIncident(settings({ 'pr-number': '#88' }), defaults, now).payload.repo_url).toBe('https://github.com/acme/shop')
  })

  it('takes each field from the input when given, else the default, and records where from', () => {
    const built = buildIncident(settings({ 'reported-time': '2026-11-26T09:00:00Z', 'pr-number': '#9' }), defaults, now)
    expect(built.payload).toEqual({
      severity: 'high',
      description: 'Deploy failed: deploy (https://github.com/acme/shop/actions/runs/1)',
      reported_time: '2026-11-26T09:00:00Z',
      resolution_time: '2026-11-26T10:00:00Z',
      reported_by: 'octocat',
      repo_url: 'https://github.com/acme/shop',
      pr_number: '9'
    })
    expect(built.sources).toEqual({
      severity: 'input',
      description: 'GitHub API',
      reported_time: 'input',
      resolution_time: 'default',
      reported_by: 'run',
      repo_url: 'run',
      pr_number: 'input'
    })
  })

  it('leaves out optional fields that are empty rather than sending them blank', () => {
    const built = buildIncident(settings({ 'affected-systems': ' , ' }), { ...defaults, description: undefined }, now)
    expect(Object.keys(built.payload).sort()).toEqual([
      'pr_number',
      'repo_url',
      'reported_by',
      'reported_time',
      'resolution_time',
      'severity'
    ])
  })

  it('names every missing required field by its input', () => {
    const attempt = () => buildIncident(settings({}), { resolutionTime: defaults.resolutionTime }, now)
    expect(attempt).toThrow(InputError)
    try {
      attempt()
    } catch (error) {
      expect((error as InstanceType<typeof InputError>).problems).toEqual([
        "Input 'reported-time' is required: set reported-time to when the incident began. Accepted: ISO 8601 with Z or an offset (2024-08-01T12:34:56Z, 2024-08-01T18:04:56+05:30), a date (2024-08-01, read as midnight UTC), epoch seconds, epoch milliseconds, or now",
        "Input 'repo-url' is required: set repo-url to owner/repo or the repository URL",
        "Input 'pr-number' could not be found: set pr-number to the pull request whose change caused the incident (44, #44 or its URL)"
      ])
    }
  })

  it('cuts a derived description too, with a warning', () => {
    const long = { ...defaults, description: { value: 'z'.repeat(300), source: 'event' as const } }
    expect(buildIncident(settings({}), long, now).payload.description).toHaveLength(255)
    expect(core.warning).toHaveBeenCalledWith('description is 300 characters long; Hivel accepts 255, so it was cut to fit.', core.titled)
  })

  it('accepts a time up to 5 minutes ahead (clock drift) and no further', () => {
    expect(() =>
      buildIncident(settings({ 'reported-time': '2026-11-26T10:04:00Z', 'resolution-time': '2026-11-26T10:04:30Z' }), defaults, now)
    ).not.toThrow()
    expect(() => buildIncident(settings({ 'resolution-time': '2026-11-26T10:06:00Z' }), defaults, now)).toThrow(
      /resolution-time' 2026-11-26T10:06:00.000Z is in the future/
    )
  })

  it('blames only reported-time when it is in the future, not the resolution-time left to default to now', () => {
    const problems = (raw: Record<string, string>) => {
      try {
        buildIncident(settings(raw), defaults, now)
        return []
      } catch (error) {
        return (error as InstanceType<typeof InputError>).problems
      }
    }
    expect(problems({ 'reported-time': '2026-11-27' })).toEqual([
      "Input 'reported-time' 2026-11-27T00:00:00.000Z is in the future; accepted: a time no more than 5 minutes ahead of now"
    ])
    // Both in the past, in the wrong order: still named.
    expect(problems({ 'reported-time': '2026-11-26', 'resolution-time': '2026-11-25T23:00:00Z' })).toEqual([
      "Input 'resolution-time' 2026-11-25T23:00:00.000Z is before reported-time 2026-11-26T00:00:00.000Z; accepted: a time at or after reported-time"
    ])
  })

  it('reads a bare date as midnight UTC, as backfill-since does', () => {
    const read = settings({ 'reported-time': '2026-11-02', 'resolution-time': '2026-11-03', 'backfill-since': '2026-11-02' })
    expect(read['reported-time']).toEqual(new Date('2026-11-02T00:00:00Z'))
    expect(read['backfill-since']).toEqual(read['reported-time'])
    expect(buildIncident(read, defaults, now).payload).toMatchObject({
      reported_time: '2026-11-02T00:00:00Z',
      resolution_time: '2026-11-03T00:00:00Z'
    })
  })
})

describe('report.ts: outputs and summary', () => {
  const built = buildIncident(settings({ description: 'Broke | things <b>*here*</b>', 'affected-systems': 'db,api' }), defaults, now)

  it('sets incident_id as a string and the payload as JSON', () => {
    setOutputs('42', built.payload)
    expect(core.setOutput).toHaveBeenCalledWith('incident_id', '42')
    expect(core.setOutput).toHaveBeenCalledWith('payload', JSON.stringify(built.payload))
  })

  it('shows the incident as a table with time to recovery and sources, escaping markdown', async () => {
    await writeSummary(built, { status: 'filed', incidentId: 'inc-9' })
    const text = core.written.join('')
    expect(text).toContain('### Hivel incident inc-9 filed')
    expect(text).toContain('| Description | Broke \\| things \\<b\\>\\*here\\*\\</b\\> | input |')
    expect(text).toContain('| Time to recovery | 45 min |  |')
    expect(text).toContain('| Affected systems | db, api | input |')
    expect(text).toContain('| Pull request | [#7](https://github.com/acme/shop/pull/7) | GitHub API |')
    expect(text).toContain('| Incident id | inc-9 |  |')
  })

  it('says why a skipped event filed nothing', async () => {
    await writeSkipped('Deployment status is success: only failure and error are incidents.')
    expect(core.written.join('')).toBe(
      '### Hivel incident not filed\n\nDeployment status is success: only failure and error are incidents.'
    )
  })

  it('writes nothing outside a runner', async () => {
    delete process.env.GITHUB_STEP_SUMMARY
    await writeSkipped('x')
    expect(core.written).toEqual([])
  })

  it('says when the incident was not filed, and why', async () => {
    await writeSummary(built, { status: 'failed', problem: 'Hivel answered HTTP 503' })
    const text = core.written.join('')
    expect(text).toContain('### Hivel incident not filed')
    expect(text).toContain('> [!WARNING]\n> Hivel answered HTTP 503')
  })
})
