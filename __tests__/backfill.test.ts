/**
 * Issue 11 on the built action (Node 24): one run files every past incident in a window (closed
 * incident issues and a deploy workflow's outages), each exactly as the live path files it; a second
 * run files nothing; a dry run sends nothing; a spent rate limit stops with a resume message.
 */
import { describe, expect, it } from '@jest/globals'
import type { ChildProcess } from 'node:child_process'
import { hivel, runAction, RunOptions, startServer, TOKEN, useHivel } from '../__fixtures__/action.js'
import { REPO } from '../__fixtures__/github.js'
import { closedIssue, GITHUB_TOKEN, History, HistoryStandIn, runOf, startHistory } from '../__fixtures__/history.js'
import { ganttBars, renderCharts } from '../__fixtures__/mermaid.js'
import { RUNNER_NODE } from '../__fixtures__/nodes.js'
import { formatDuration } from '../src/time.js'

const hivelServer = useHivel()

const sha = (id: number) => `${id}`.padStart(40, 'a')

/** 90 days of history: three incident issues (one not planned, one without a PR) and two deploy outages. */
function history(): History {
  return {
    workflows: [{ id: 7, name: 'Deploy', path: '.github/workflows/deploy.yml' }],
    issues: [
      closedIssue(3, '2026-11-20T10:00:00Z'),
      closedIssue(2, '2026-11-10T10:00:00Z', { state_reason: 'not_planned' }),
      closedIssue(1, '2026-10-01T10:00:00Z', { body: 'No idea what caused it' }),
      { ...closedIssue(9, '2026-10-05T10:00:00Z'), pull_request: {} }
    ],
    runs: [
      runOf(209, 'success', '2026-11-25T12:00:00Z'),
      runOf(208, 'failure', '2026-11-25T10:00:00Z'),
      runOf(207, 'success', '2026-11-01T12:00:00Z'),
      runOf(206, 'cancelled', '2026-11-01T11:00:00Z'),
      runOf(205, 'failure', '2026-11-01T10:00:00Z'),
      runOf(204, 'failure', '2026-08-28T10:00:00Z'), // before the window, but part of the first outage in it? no: 205's is ended by 203
      runOf(203, 'success', '2026-08-20T10:00:00Z')
    ],
    pulls: { [sha(208)]: 41, [sha(204)]: 40 }
  }
}

/** The same history as the next run finds it: the ledger the run before wrote (refs/hivel/incidents) is kept. */
const after = (data: History, run: { github: HistoryStandIn }): History => ({ ...data, git: run.github.git })

const inputs = {
  'api-token': TOKEN,
  'github-token': GITHUB_TOKEN,
  severity: 'high',
  'backfill-since': '2026-09-01',
  'backfill-until': '2026-11-27T00:00:00Z',
  'backfill-workflows': 'deploy.yml',
  'backfill-reverts': 'false'
}

async function backfillRun(
  data: History,
  more: Record<string, string> = {},
  run: { hivelUrl?: string; onSpawn?: RunOptions['onSpawn'] } = {}
) {
  const github = await startHistory(data)
  try {
    const result = await runAction({
      node: RUNNER_NODE,
      eventName: 'workflow_dispatch',
      event: {},
      env: { GITHUB_API_URL: github.url },
      inputs: { ...inputs, 'base-url': run.hivelUrl ?? hivelServer.url, ...more },
      timeoutMs: 60_000,
      onSpawn: run.onSpawn
    })
    expect(result.shown).not.toContain(TOKEN)
    return { result, github, sent: hivelServer.requests.map(r => r.json as Record<string, unknown>) }
  } finally {
    await github.close()
  }
}

describe('backfill: a team loads its history in one run', () => {
  it('files every incident in the window once, lists what cannot be filed, and a second run files nothing', async () => {
    const data = history()
    const first = await backfillRun(data)
    expect(first.result.code).toBe(0)
    const byProvider = Object.fromEntries(first.sent.map(p => [p.provider_id, p]))
    expect(Object.keys(byProvider).sort()).toEqual([
      `${REPO}/actions/runs/204`,
      `${REPO}/actions/runs/208`,
      `https://github.com/${REPO}/issues/3`
    ])
    // The outage that began before the window is read back to its first failure, as the live path would.
    expect(byProvider[`${REPO}/actions/runs/204`]).toEqual({
      severity: 'high',
      description: `Deploy failed on main for 65 d 2 h (2 failed runs) until https://github.com/${REPO}/actions/runs/207`,
      reported_time: '2026-08-28T10:00:00Z',
      resolution_time: '2026-11-01T12:00:00Z',
      reported_by: 'mona',
      provider_id: `${REPO}/actions/runs/204`,
      repo_url: `https://github.com/${REPO}`,
      pr_number: '40'
    })
    expect(byProvider[`https://github.com/${REPO}/issues/3`]).toMatchObject({
      severity: 'high',
      pr_number: '103',
      reported_time: '2026-11-20T09:00:00Z'
    })
    const incidents = JSON.parse(first.result.outputs.incidents) as { status: string; provider_id: string }[]
    expect(incidents.map(i => i.status).sort()).toEqual(['cannot file', 'filed', 'filed', 'filed'])
    expect(first.result.outputs.filed).toBe('3')
    expect(first.result.summary).toContain('names no pull request')
    // The ledger is a backfill's record: no comment on any thread, and the records of versions before
    // the ledger are read from one list of the repository's comments, not a read per thread.
    const comments = first.github.asked().filter(a => a.includes('/comments'))
    expect(comments).toEqual([
      `GET /repos/${REPO}/issues/comments?since=2026-11-01T12%3A00%3A00.000Z&sort=created&direction=asc&per_page=100`
    ])
    // The summary says what the backfill cost of the token's hourly budget, every request counted.
    expect(first.result.summary).toContain(`GitHub API: ${first.github.asked().length} requests, `)
    expect(first.github.ledger().incidents).toMatchObject({
      [`${REPO}/actions/runs/204`]: { state: 'filed', incident_id: expect.any(String) },
      [`${REPO}/actions/runs/208`]: { state: 'filed' },
      [`https://github.com/${REPO}/issues/3`]: { state: 'filed' }
    })

    hivelServer.requests.length = 0
    const second = await backfillRun(after(data, first))
    expect(second.result.code).toBe(0)
    expect(second.sent).toEqual([])
    expect(second.result.outputs.filed).toBe('0')
  })

  it('opens its summary with the MTTR median, p90 and monthly counts of the incidents filed, then their timeline', async () => {
    const first = await backfillRun(history())
    const summary = first.result.summary
    // The figures as a reader would work them out from what Hivel received.
    const ms = first.sent.map(p => Date.parse(String(p.resolution_time)) - Date.parse(String(p.reported_time))).sort((a, b) => a - b)
    expect(ms.map(formatDuration)).toEqual(['1 h', '2 h', '65 d 2 h'])
    expect(summary).toContain(
      `**3 incidents**; time to recovery (MTTR) median **${formatDuration(ms[1])}**, 90th percentile **${formatDuration(ms[2])}**.`
    )
    const months = first.sent.map(p => String(p.reported_time).slice(0, 7))
    expect(months.sort()).toEqual(['2026-08', '2026-11', '2026-11'])
    expect(summary).toContain('| 2026-08 | 1 |\n| 2026-09 | 0 |\n| 2026-10 | 0 |\n| 2026-11 | 2 |\n')
    expect(summary).toContain('| Workflow Deploy (main) | 2 | 32 d 14 h | 65 d 2 h |')
    expect(summary.indexOf('#### What Hivel will compute')).toBeLessThan(summary.indexOf('```mermaid'))
    expect(summary.indexOf('```mermaid')).toBeLessThan(summary.indexOf('| Status | Source |'))
    const svgs = await renderCharts(summary)
    if (svgs) expect(ganttBars(svgs[0])).toHaveLength(3)

    // A dry run shows the same figures for the incidents it would send.
    hivelServer.requests.length = 0
    const dry = await backfillRun(history(), { 'dry-run': 'true' })
    const figures = (text: string) => text.slice(text.indexOf('#### What Hivel will compute'), text.indexOf('```mermaid'))
    expect(figures(dry.result.summary)).toBe(figures(summary))
    expect(dry.result.summary).toContain('ncidents that would be filed, 2026-09-01 to 2026-11-27')
    await renderCharts(dry.result.summary)
  })

  it('sends nothing and writes no record in a dry run', async () => {
    const ran = await backfillRun(history(), { 'dry-run': 'true' })
    expect(ran.result.code).toBe(0)
    expect(ran.sent).toEqual([])
    expect(ran.github.asked().filter(a => a.startsWith('POST'))).toEqual([])
    expect(ran.result.summary).toContain('dry run')
  })

  it('stops cleanly when the rate limit is spent until far away, saying a re-run resumes', async () => {
    const ran = await backfillRun({ ...history(), rateLimit: { remaining: 3, reset: Math.floor(Date.now() / 1000) + 7200 } })
    expect(ran.result.code).toBe(1)
    expect(ran.result.shown).toContain('run it again with the same inputs to resume')
  })

  it('refuses inputs that describe one incident', async () => {
    const ran = await backfillRun(history(), { 'pr-number': '5' })
    expect(ran.result.code).toBe(1)
    expect(ran.result.shown).toContain("Input 'pr-number' describes one incident")
    expect(ran.sent).toEqual([])
  })

  it('files exactly what the live action files for the recovering event', async () => {
    const data = history()
    const backfilled = await backfillRun(data, { 'backfill-issues': 'false', record: 'false' })
    const fromBackfill = backfilled.sent.find(p => p.provider_id === `${REPO}/actions/runs/204`)
    hivelServer.requests.length = 0
    const github = await startHistory(data)
    try {
      const live = await runAction({
        node: RUNNER_NODE,
        eventName: 'workflow_run',
        event: { action: 'completed', workflow_run: (data.runs ?? []).find(r => r.id === 207) },
        env: { GITHUB_API_URL: github.url },
        inputs: { 'api-token': TOKEN, 'github-token': GITHUB_TOKEN, severity: 'high', 'base-url': hivelServer.url, record: 'false' },
        timeoutMs: 30_000
      })
      expect(live.code).toBe(0)
      expect(hivelServer.requests.map(r => r.json)).toEqual([fromBackfill])
    } finally {
      await github.close()
    }
  })

  it('fails for the one incident Hivel refuses, files the others, and a re-run files only that one', async () => {
    const data = history()
    const picky = await startServer((req, res, count) => {
      if ((req.json as { provider_id?: string } | undefined)?.provider_id === `${REPO}/actions/runs/208`) res.writeHead(503).end()
      else void hivel(req, res, count)
    })
    try {
      const first = await backfillRun(data, { 'max-attempts': '1' }, { hivelUrl: picky.url })
      expect(first.result.code).toBe(1)
      expect(first.result.shown).toContain('Of 4 incidents, 1 could not be delivered')
      expect(picky.requests).toHaveLength(3)
      const resumed = await backfillRun(after(data, first))
      expect(resumed.result.code).toBe(0)
      expect(resumed.sent.map(p => p.provider_id)).toEqual([`${REPO}/actions/runs/208`])
    } finally {
      await picky.close()
    }
  })

  it('resumes a run killed part way: nothing is filed twice', async () => {
    const data = history()
    // Answers the first incident; the second is left unanswered and the step killed while it waits (not after a
    // time, which a loaded machine may need for the first).
    let step: ChildProcess | undefined
    const slow = await startServer((req, res, count) => (count === 1 ? hivel(req, res, count) : void step?.kill('SIGKILL')))
    try {
      const killed = await backfillRun(data, { 'backfill-concurrency': '1' }, { hivelUrl: slow.url, onSpawn: child => (step = child) })
      expect(killed.result.code).not.toBe(0)
      expect(slow.requests).toHaveLength(2)
      // The batch was reserved before the first POST and the kill came before any confirmation: every one stays `sending`.
      const states = Object.values(killed.github.ledger().incidents as Record<string, { state: string }>).map(e => e.state)
      expect(states).toEqual(['sending', 'sending', 'sending'])
      const resumed = await backfillRun(after(data, killed))
      expect(resumed.sent).toEqual([])
      expect(resumed.result.code).toBe(0)
      const statuses = (JSON.parse(resumed.result.outputs.incidents) as { status: string }[]).map(i => i.status)
      expect(statuses.sort()).toEqual(['cannot file', 'in progress', 'in progress', 'in progress'])
    } finally {
      await slow.close()
    }
  })

  it('never leaves a failed look-up as a green "cannot file": a refused or failing one is not sent, in red, and a re-run sends it', async () => {
    const data = history()
    const refused = {
      ...data,
      refuse: { [`/repos/${REPO}/commits/${sha(208)}/pulls`]: [403, { message: 'Resource not accessible by integration' }] }
    }
    const failing = { ...data, refuse: { [`/repos/${REPO}/commits/${sha(204)}/pulls`]: [502, { message: 'Server Error' }] } }
    for (const [history, id, words] of [
      [refused, 208, 'GitHub answered 403 Resource not accessible by integration (the token lacks a permission)'],
      [failing, 204, 'GitHub answered 502 Server Error (3 attempts)']
    ] as const) {
      hivelServer.requests.length = 0
      const ran = await backfillRun(history as History)
      expect(ran.result.code).toBe(1)
      const incidents = JSON.parse(ran.result.outputs.incidents) as { status: string; provider_id: string }[]
      expect(incidents.find(i => i.provider_id === `${REPO}/actions/runs/${id}`)?.status).toBe('not sent')
      expect(ran.result.summary).toContain(words)
      expect(ran.result.shown).toContain('1 were not sent: a re-run sends them')
      // Only an empty list is "cannot file": the issue that names no pull request.
      expect(incidents.filter(i => i.status === 'cannot file').map(i => i.provider_id)).toEqual([`https://github.com/${REPO}/issues/1`])
      expect(ran.sent.map(p => p.provider_id)).not.toContain(`${REPO}/actions/runs/${id}`)
      const resumed = await backfillRun(after(data, ran))
      expect(resumed.result.code).toBe(0)
      expect(resumed.sent.map(p => p.provider_id)).toContain(`${REPO}/actions/runs/${id}`)
    }
  })

  it('with backfill-deployments, sends every completed deploy run in the window as a deployment before the incidents, each once', async () => {
    const data = history()
    const first = await backfillRun(data, { 'backfill-deployments': 'true', 'deployment-api-token': 'hvl_deploymentKey' })
    expect(first.result.code).toBe(0)
    const paths = hivelServer.requests.map(r => r.url)
    // Runs 205 to 209 finished in the window (206 was cancelled: a deployment too); 203 and 204 did not.
    expect(paths).toEqual([...Array(5).fill('/api/hooks/v2/deployment'), ...Array(3).fill('/api/hooks/v1/incident')])
    const deployments = hivelServer.requests.filter(r => r.url === '/api/hooks/v2/deployment')
    expect(deployments.map(r => [r.json.deployment_id, r.json.status])).toEqual(
      expect.arrayContaining([
        [`${REPO}/actions/runs/209/attempts/1`, 'success'],
        [`${REPO}/actions/runs/208/attempts/1`, 'failed'],
        [`${REPO}/actions/runs/207/attempts/1`, 'success'],
        [`${REPO}/actions/runs/206/attempts/1`, 'cancelled'],
        [`${REPO}/actions/runs/205/attempts/1`, 'failed']
      ])
    )
    expect(deployments.find(r => r.json.deployment_id === `${REPO}/actions/runs/208/attempts/1`)?.json).toEqual({
      deployment_id: `${REPO}/actions/runs/208/attempts/1`,
      event_type: 'completed',
      status: 'failed',
      start_time: '2026-11-25T09:55:00Z',
      end_time: '2026-11-25T10:00:00Z',
      repo_url: `https://github.com/${REPO}`,
      environment: 'production',
      branch: 'main',
      commit_hash: sha(208),
      pr_number: '41',
      logs_url: `https://github.com/${REPO}/actions/runs/208`
    })
    // The deployment key, in the one header the deployment API reads; never the incident key or the GitHub token.
    for (const r of deployments) {
      expect(r.headers['x-api-token']).toBe('hvl_deploymentKey')
      expect(r.headers.authorization).toBeUndefined()
    }
    expect(first.result.summary).toContain('Deployments: 5 found, 5 filed.')
    expect(Object.keys(first.github.ledger().deployments)).toHaveLength(5)

    hivelServer.requests.length = 0
    const second = await backfillRun(after(data, first), { 'backfill-deployments': 'true' })
    expect(second.result.code).toBe(0)
    expect(hivelServer.requests).toEqual([])
    expect(second.result.summary).toContain('Deployments: 5 found, 5 already filed.')
  })

  it('waits for a rate limit that resets soon, then finishes', async () => {
    const ran = await backfillRun(
      // Reset 2 s after the step's first request, not after the test began: a slow start must not make it past.
      { ...history(), rateLimit: { remaining: 3, resetIn: 2 } },
      { 'rate-limit-wait-seconds': '30' }
    )
    expect(ran.result.code).toBe(0)
    expect(ran.result.shown).toMatch(/GitHub's API rate limit for this token is used up[^;]*; waiting \d+ s for it to reset/)
    expect(ran.sent).toHaveLength(3)
  })

  it('files nothing for an empty window, and says so', async () => {
    const ran = await backfillRun(history(), { 'backfill-since': '2026-06-01', 'backfill-until': '2026-06-30T00:00:00Z' })
    expect(ran.result.code).toBe(0)
    expect(ran.sent).toEqual([])
    expect(ran.result.shown).toContain('Found 0 incidents in the window.')
  })
})
