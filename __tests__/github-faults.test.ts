/**
 * Issue 18 on the built action (Node 24): the GitHub API failing as it does in production (a 502 on
 * any look-up, a `next` link elsewhere) and event payloads without their objects, against loopback
 * stand-ins of Hivel and of GitHub; each test asserts the exact requests both received.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Server, startServer, useHivel } from '../__fixtures__/action.js'
import { eventFixture, EventName, Payload, REPO } from '../__fixtures__/github.js'
import { GITHUB_TOKEN, History, runOf, runOnHistory } from '../__fixtures__/history.js'

const hivelServer = useHivel()

const RUNS_PATH = `/repos/${REPO}/actions/workflows/7/runs`
const RUNS = `${RUNS_PATH}?status=completed&exclude_pull_requests=true&branch=main`
const PULLS_OF_101 = `/repos/${REPO}/commits/${'101'.padStart(40, 'a')}/pulls`
const COMMENTS = `/repos/${REPO}/issues/203/comments`
const LEDGER_REF = `/repos/${REPO}/git/ref/hivel/incidents`

const success = runOf(105, 'success', '2026-11-26T13:12:00Z')
const recovering = { action: 'completed', workflow_run: success, workflow: { name: 'Deploy' } }
/** A deploy that failed at 10:00 (run 101, pull request #203) and recovered with run 105. */
const history: History = {
  runs: [
    success,
    runOf(104, 'failure', '2026-11-26T12:40:00Z'),
    runOf(101, 'failure', '2026-11-26T10:00:00Z'),
    runOf(100, 'success', '2026-11-26T09:00:00Z')
  ],
  pulls: { ['101'.padStart(40, 'a')]: 203 }
}

describe('a live workflow_run recovery while the GitHub API fails once on every look-up', () => {
  it('asks each look-up again after its 502, files the incident once and records it', async () => {
    // Each read is answered 502 the first time it is asked; writes are answered (a 502 on one would not be retried).
    const failed = new Set<string>()
    const flaky: History['before'] = req => {
      if (req.method !== 'GET' || failed.has(req.url)) return undefined
      failed.add(req.url)
      return [502, { message: 'Server Error' }]
    }
    const { result, github } = await runOnHistory({ ...history, before: flaky }, hivelServer.url, {
      eventName: 'workflow_run',
      event: recovering
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.outputs.incident_id).toBe('incident-1')
    expect(hivelServer.requests.map(r => r.json)).toEqual([
      expect.objectContaining({ reported_time: '2026-11-26T10:00:00Z', resolution_time: '2026-11-26T13:12:00Z', pr_number: '203' })
    ])
    const twice = (request: string) => [request, request]
    const asked = github.asked()
    // The pull request's look-up and the ledger's read go side by side: their requests interleave in any order.
    const beside = [...twice(`GET ${PULLS_OF_101}`), ...twice(`GET ${LEDGER_REF}`)]
    expect(asked.slice(2, 2 + beside.length).sort()).toEqual(beside.sort())
    expect(asked.toSpliced(2, beside.length)).toEqual([
      ...twice(`GET ${RUNS}&per_page=10`),
      ...twice(`GET ${COMMENTS}?per_page=100`),
      `POST /repos/${REPO}/git/trees`,
      `POST /repos/${REPO}/git/commits`,
      `POST /repos/${REPO}/git/refs`,
      `POST ${COMMENTS}`,
      `POST /repos/${REPO}/git/trees`,
      `POST /repos/${REPO}/git/commits`,
      `PATCH /repos/${REPO}/git/refs/hivel/incidents`
    ])
    expect(result.shown).toContain('Could not find the pull request of commit aaaaaaa: GitHub answered 502 Server Error; trying again in')
    expect(github.ledger().incidents[`${REPO}/actions/runs/101`]).toMatchObject({ state: 'filed', incident_id: 'incident-1' })
  })
})

describe('a live workflow_run recovery while the GitHub API limits or floods it', () => {
  it('waits out a secondary rate limit (429, retry-after: 1) and files once', async () => {
    let limited = false
    const limitOnce: History['before'] = req => {
      if (req.url !== PULLS_OF_101 || limited) return undefined
      limited = true
      return [429, { message: 'You have exceeded a secondary rate limit' }, { 'Content-Type': 'application/json', 'retry-after': '1' }]
    }
    const { result, github } = await runOnHistory({ ...history, before: limitOnce }, hivelServer.url, {
      eventName: 'workflow_run',
      event: recovering,
      inputs: { record: 'false' }
    })
    expect(result.code).toBe(0)
    expect(result.shown).toContain('GitHub asked to slow down (secondary rate limit); waiting 1 s.')
    const [limit, retry] = github.requests.filter(r => r.url === PULLS_OF_101)
    expect(retry.at - limit.at).toBeGreaterThanOrEqual(1000)
    expect(github.asked()).toEqual([`GET ${RUNS}&per_page=10`, `GET ${PULLS_OF_101}`, `GET ${PULLS_OF_101}`])
    expect(hivelServer.requests.map(r => r.json?.pr_number)).toEqual(['203'])
  })

  it('fails red on a 40 MB runs page, naming the look-up, and sends nothing', async () => {
    const flood = `{"total_count":1,"workflow_runs":[],"padding":"${'x'.repeat(40 * 1024 * 1024)}"}`
    const { result, github } = await runOnHistory(
      { ...history, refuse: { [RUNS_PATH]: [200, flood, { 'Content-Type': 'application/json' }] } },
      hivelServer.url,
      { eventName: 'workflow_run', event: recovering }
    )
    expect(result.code).toBe(1)
    expect(result.shown).toContain(
      '::error::Could not list the runs of workflow 7: the GitHub API answered more than 20 MB, more than any answer the action uses'
    )
    expect(github.asked()).toEqual([`GET ${RUNS}&per_page=10`])
    expect(hivelServer.requests).toEqual([])
  })
})

describe('an event the action interprets, delivered without its object', () => {
  /** The fixture event with `drop` removed. */
  const without = (name: EventName, drop: string): Payload => {
    const event = eventFixture(name)
    delete event[drop]
    return event
  }
  it.each<[string, string, Payload]>([
    ['workflow_run', 'workflow_run', without('workflow_run', 'workflow_run')],
    ['deployment_status', 'deployment', without('deployment_status', 'deployment')],
    ['issues', 'issue', without('issues', 'issue')],
    ['pull_request', 'pull_request', without('pull_request', 'pull_request')]
  ])('%s without %s: the step fails saying so, and nothing is sent to Hivel nor asked of GitHub', async (eventName, object, event) => {
    if (eventName === 'pull_request') expect(event.action).toBe('closed')
    const { result, github } = await runOnHistory(history, hivelServer.url, { eventName, event })
    expect(result.code).toBe(1)
    expect(result.shown).toContain(
      `::error::The ${eventName} event's payload (GITHUB_EVENT_PATH) has no ${object}, so it cannot be read as the incident it may be; nothing was sent.`
    )
    expect(hivelServer.requests).toEqual([])
    expect(github.requests).toEqual([])
    expect(result.outputs.incident_id).toBeUndefined()
  })
})

describe('a next link outside GITHUB_API_URL', () => {
  let elsewhere: Server
  beforeAll(async () => {
    elsewhere = await startServer((_req, res) => void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'))
  })
  afterAll(() => elsewhere.close())

  it('fails the step naming where it led, and github-token is never sent there', async () => {
    // The failures of the outage go on past this page, so the action must read the next one.
    const page = { total_count: 40, workflow_runs: [success, runOf(104, 'failure', '2026-11-26T12:40:00Z')] }
    const link = `${elsewhere.url}${RUNS_PATH}?page=2`
    const { result, github } = await runOnHistory(
      { ...history, refuse: { [RUNS_PATH]: [200, page, { 'Content-Type': 'application/json', Link: `<${link}>; rel="next"` }] } },
      hivelServer.url,
      { eventName: 'workflow_run', event: recovering }
    )
    expect(result.code).toBe(1)
    expect(result.shown).toContain(
      `::error::Could not list the runs of workflow 7: the GitHub API linked to ${elsewhere.url}${RUNS_PATH}, outside GITHUB_API_URL (${github.url}), so github-token is not sent there`
    )
    expect(elsewhere.requests).toEqual([])
    // The small first page, then the list from its start in pages of 100, whose link is refused.
    expect(github.asked()).toEqual([`GET ${RUNS}&per_page=10`, `GET ${RUNS}&per_page=100`])
    expect(github.requests.every(r => r.headers.authorization === `token ${GITHUB_TOKEN}`)).toBe(true)
    expect(hivelServer.requests).toEqual([])
  })
})
