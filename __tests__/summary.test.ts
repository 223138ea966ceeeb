/**
 * The job summaries a person opens (issue 13): one incident opens with a sentence and, for an
 * outage of several runs, a chart; a backfill opens with what Hivel will compute from the incidents
 * sent, then their timeline, then the table. Every chart these tests write is drawn by the real
 * Mermaid in headless Chromium at the end of this file.
 */
import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '../__fixtures__/core.js'
import { charts as chartsOf, findChromium, ganttBars, ganttSections, ganttTitle, renderMermaid } from '../__fixtures__/mermaid.js'
import type { Entry } from '../src/backfill.js'
import type { Outcome } from '../src/filing.js'
import type { Built, Payload } from '../src/incident.js'
import type { Outage } from '../src/situations/draft.js'

jest.unstable_mockModule('@actions/core', () => core)
const { openingSentence, writeSummary } = await import('../src/report.js')
const { sentSpans, writeBackfillSummary } = await import('../src/backfill-report.js')
const { requestsText } = await import('../src/backfill.js')
const { figures, figuresMarkdown } = await import('../src/figures.js')
const { summaryHtml } = await import('../script/summary-html.mjs')

/** Every ```mermaid block the summaries below wrote, with the test that wrote it. */
const charts: { test: string; source: string }[] = []

beforeEach(() => {
  jest.clearAllMocks()
  core.written.length = 0
  process.env.GITHUB_STEP_SUMMARY = '/dev/null'
})

/** The summary just written; its charts are kept to be rendered at the end. */
function written(): string {
  const text = core.written.join('')
  for (const source of chartsOf(text)) charts.push({ test: expect.getState().currentTestName ?? '', source })
  return text
}

const payload = (over: Partial<Payload> = {}): Payload => ({
  severity: 'high',
  reported_time: '2026-11-26T10:00:00Z',
  resolution_time: '2026-11-26T13:12:00Z',
  repo_url: 'https://github.com/acme/shop',
  pr_number: '203',
  provider_id: 'acme/shop/actions/runs/101',
  description: 'Deploy failed on main for 3 h 12 min (3 failed runs)',
  ...over
})
const built = (over: Partial<Payload> = {}): Built => ({ payload: payload(over), sources: {} })

/** Labels that would break a naive chart or sentence. */
const NASTY = 'Deploy: "prod"; #1 <b>x</b> 🔥\nsection B'

const run = (id: number, at: string, state = 'failure') => ({
  label: `run ${id}`,
  at: new Date(at),
  url: `https://github.com/acme/shop/actions/runs/${id}`,
  state
})
const outage = (what: string, failures: ReturnType<typeof run>[]): Outage => ({
  what,
  failures,
  recovery: run(105, '2026-11-26T13:12:00Z', 'success')
})
const threeFailures = [run(101, '2026-11-26T10:00:00Z'), run(102, '2026-11-26T10:30:00Z', 'timed_out'), run(104, '2026-11-26T12:40:00Z')]

describe('report.ts: one incident opens with a sentence', () => {
  const filed: Outcome = { status: 'filed', incidentId: 'inc-42' }

  it('says what was down, how long, when, what became of it and whom it blames', () => {
    expect(openingSentence(payload(), filed, outage('Deploy on main', threeFailures))).toBe(
      '**Deploy on main** was down for 3 h 12 min, 2026-11-26 10:00 → 13:12 UTC (3 failures); filed as **inc-42**, blaming [#203](https://github.com/acme/shop/pull/203).'
    )
  })

  it('says "already filed", "would be filed (dry run)" or "not filed" as it went', () => {
    const one = outage('production', [run(101, '2026-11-26T10:00:00Z')])
    expect(
      openingSentence(
        payload(),
        { status: 'already filed', incidentId: 'inc-42', recordUrl: 'u', before: { at: '2026-11-26T13:13:00Z', by: 'run' } },
        one
      )
    ).toContain('(1 failure); already filed as **inc-42**, blaming')
    expect(openingSentence(payload(), { status: 'dry run' }, one)).toContain('; would be filed (dry run), blaming')
    expect(openingSentence(payload(), { status: 'failed', problem: 'HTTP 503' }, one)).toContain('; not filed (see why below), blaming')
  })

  it('describes an issue, revert or form incident by its severity, across days, with an unlinked PR of a non-web repository', () => {
    const p = payload({ severity: 'critical', resolution_time: '2026-11-27T01:05:00Z', repo_url: 'git@example.com:acme/shop' })
    expect(openingSentence(p, filed)).toBe(
      'A critical-severity incident of 15 h 5 min, 2026-11-26 10:00 → 2026-11-27 01:05 UTC; filed as **inc-42**, blaming #203.'
    )
  })

  it('keeps what was down and the incident id from breaking the markdown', () => {
    expect(openingSentence(payload(), { status: 'filed', incidentId: 'a|b*c' }, outage('x_<y>|z\nw', threeFailures))).toMatch(
      /^\*\*x\\_\\<y\\>\\\|z w\*\* was down .* filed as \*\*a\\\|b\\\*c\*\*,/
    )
  })

  it('puts the sentence first, then a chart of an outage of several runs, then the table and the outage table', async () => {
    await writeSummary(built(), filed, outage('Deploy on main', threeFailures))
    const text = written()
    const [heading, blank, sentence] = text.split('\n')
    expect([heading, blank]).toEqual(['### Hivel incident inc-42 filed', ''])
    expect(sentence).toMatch(/^\*\*Deploy on main\*\* was down for 3 h 12 min/)
    const order = ['```mermaid', '| Field | Value | From |', '#### The outage of Deploy on main', '| 2026-11-26 13:12 UTC | [run 105]']
    expect(order.map(part => text.indexOf(part))).toEqual(order.map(part => text.indexOf(part)).sort((a, b) => a - b))
    expect(order.every(part => text.includes(part))).toBe(true)
    expect(text).toContain('    section #68;eploy on main')
    expect(text).toContain('    title #68;eploy on main#58; down until run 105')
  })

  it('draws no chart for an outage of one run, nor for an incident without one', async () => {
    await writeSummary(built(), filed, outage('Deploy on main', [run(101, '2026-11-26T10:00:00Z')]))
    await writeSummary(built(), filed)
    const text = written()
    expect(text).not.toContain('```mermaid')
    expect(text).toContain('A high-severity incident of 3 h 12 min')
  })

  it('charts an outage named with quotes, colons, #, ;, <, emoji and newlines', async () => {
    await writeSummary(
      built(),
      { status: 'dry run' },
      outage(
        NASTY,
        threeFailures.map(r => ({ ...r, state: NASTY }))
      )
    )
    expect(written()).toContain('```mermaid')
  })
})

describe('report.ts and backfill-report.ts: one time format, and the From words explained (issue 21, item 10)', () => {
  // Read from core.written, not written(): these charts are not the ones the Mermaid test draws.
  const TIME = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?( UTC)?/g

  it('writes every time of an incident summary as 2026-11-26 10:00 UTC, without seconds or milliseconds', async () => {
    const sources = { severity: 'input', reported_time: 'GitHub API', resolution_time: 'default', repo_url: 'run' } as const
    const p = payload({ reported_time: '2026-11-26T10:00:07.250Z', resolution_time: '2026-11-26T13:12:59.999Z' })
    await writeSummary({ payload: p, sources }, { status: 'filed', incidentId: 'inc-42' }, outage('Deploy on main', threeFailures))
    const text = core.written.join('').replace(/```mermaid[\s\S]*?```/, '')
    const times = text.match(TIME) ?? []
    expect(times.length).toBeGreaterThan(4)
    for (const time of times) expect(time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}( UTC)?$/)
    expect(text).toContain('| Reported | 2026-11-26 10:00 UTC | GitHub API |')
    expect(text).toContain('| 2026-11-26 10:00 UTC | [run 101]')
  })

  it('explains the From words the table uses in a line under it', async () => {
    await writeSummary(
      { payload: payload(), sources: { severity: 'input', resolution_time: 'default', repo_url: 'run' } },
      {
        status: 'filed',
        incidentId: 'inc-42'
      }
    )
    const text = core.written.join('')
    const line = text.split('\n').find(l => l.startsWith('From: '))
    expect(line).toBe(
      "From: *input*: the step's input; *run*: this workflow run (its repository, actor or id); *default*: when the step ran."
    )
    expect(text.indexOf(line as string)).toBeGreaterThan(text.lastIndexOf('| Repository |'))
  })

  it('writes the backfill heading and rows in the same form', async () => {
    const since = new Date('2025-11-01T00:00:00.123Z')
    const until = new Date('2026-02-01T09:30:45.678Z')
    await writeBackfillSummary(
      [entry('Issues', { reported_time: '2026-01-02T10:00:00.500Z', resolution_time: '2026-01-02T13:00:00Z' }, filed('i1'))],
      {
        since,
        until,
        dryRun: false,
        requests: '1 request'
      }
    )
    const text = core.written.join('')
    expect(text.split('\n')[0]).toBe('### Hivel backfill: 2025-11-01 00:00 UTC to 2026-02-01 09:30 UTC')
    expect(text).toContain('| filed | Issues | 2026-01-02 10:00 UTC | 2026-01-02 13:00 UTC | 3 h |')
  })
})

describe('script/summary-html.mjs: the summary as GitHub shows it (issue 21, item 10)', () => {
  it("renders > [!WARNING] and > [!NOTE] as GitHub's callouts with their title, not as quotes", () => {
    const html = summaryHtml('> [!WARNING]\n> Hivel may have it: look for **x**.\n\n> [!NOTE]\n> Nothing sent.\n\n> a plain quote')
    expect(html).toMatch(
      /<div class="markdown-alert markdown-alert-warning"><p class="markdown-alert-title"><svg[^>]*>.*<\/svg>Warning<\/p>\s*<p>Hivel may have it: look for <strong>x<\/strong>\.<\/p>\s*<\/div>/
    )
    expect(html).toMatch(
      /<div class="markdown-alert markdown-alert-note"><p class="markdown-alert-title"><svg[^>]*>.*<\/svg>Note<\/p>\s*<p>Nothing sent\.<\/p>/
    )
    expect(html).not.toContain('[!')
    expect(html).toMatch(/<blockquote>\s*<p>a plain quote<\/p>\s*<\/blockquote>/)
  })
})

/** A backfill entry whose payload went to Hivel with this outcome. */
const entry = (source: string, over: Partial<Payload>, outcome: Entry['outcome']): Entry => ({
  source,
  draft: { defaults: {} },
  built: built(over),
  outcome
})
const filed = (id: string): Entry['outcome'] => ({ status: 'filed', incidentId: id })
const at = (day: string, hours: number) => ({
  reported_time: `${day}T10:00:00Z`,
  resolution_time: new Date(Date.parse(`${day}T10:00:00Z`) + hours * 3_600_000).toISOString().replace('.000Z', 'Z')
})

describe('backfill-report.ts: what Hivel will compute, then the timeline, then the table', () => {
  const requests = requestsText(
    { requests: 9, requestsByKind: { 'pull request of a commit': 2, ledger: 5, issues: 1, 'workflow runs': 1 } },
    3
  )
  const window = { since: new Date('2025-11-01T00:00:00Z'), until: new Date('2026-02-01T00:00:00Z'), dryRun: false, requests }
  const entries: Entry[] = [
    entry('Workflow Deploy (main)', { ...at('2025-12-30', 1), pr_number: '7', description: undefined }, filed('i1')),
    entry('Issues', { ...at('2026-01-02', 3), pr_number: '7' }, filed('i2')),
    entry('Issues', { ...at('2026-01-20', 10), pr_number: '9', description: NASTY }, filed('i3')),
    entry('Issues', at('2026-01-21', 100), {
      status: 'already filed',
      incidentId: 'i0',
      recordUrl: 'u',
      before: { at: '2026-01-22T00:00:00Z', by: 'run' }
    }),
    entry('Issues', at('2026-01-22', 200), { status: 'failed', problem: 'HTTP 503' }),
    { source: 'Reverts', draft: { defaults: {} }, outcome: { status: 'cannot file', problem: 'No pull request' } }
  ]

  it('takes the figures from the payloads filed, nothing else', () => {
    const spans = sentSpans(entries, false)
    expect(spans.map(s => [s.source, s.label, s.end.getTime() - s.start.getTime(), s.prNumber, s.repoUrl])).toEqual([
      ['Workflow Deploy (main)', 'acme/shop/actions/runs/101', 3_600_000, '7', 'https://github.com/acme/shop'],
      ['Issues', 'Deploy failed on main for 3 h 12 min (3 failed runs)', 3 * 3_600_000, '7', 'https://github.com/acme/shop'],
      ['Issues', NASTY, 10 * 3_600_000, '9', 'https://github.com/acme/shop']
    ])
    expect(sentSpans(entries, true)).toEqual([])
  })

  it('opens with the counts, MTTR median and p90 per source and per month, and the PR blamed twice', async () => {
    await writeBackfillSummary(entries, window)
    const text = written()
    const figuresAt = text.indexOf(figuresMarkdown(figures(sentSpans(entries, false))))
    expect(figuresAt).toBeGreaterThan(0)
    expect(text).toContain('**3 incidents**; time to recovery (MTTR) median **3 h**, 90th percentile **10 h**.')
    expect(text).toContain('| Issues | 2 | 6 h 30 min | 10 h |')
    expect(text).toContain('| 2025-12 | 1 |\n| 2026-01 | 2 |')
    expect(text).toContain('| [acme/shop#7](https://github.com/acme/shop/pull/7) | 2 |')
    expect(text).toContain('Not counted above: 1 already filed by an earlier run')
    // What the window cost of the token's hourly budget, by kind, most first.
    expect(text).toContain(
      'GitHub API: 9 requests, 3.0 per incident filed: 5 ledger, 2 pull request of a commit, 1 issues, 1 workflow runs.'
    )
    const chartAt = text.indexOf('```mermaid')
    const tableAt = text.indexOf('| Status | Source |')
    expect(figuresAt < chartAt && chartAt < tableAt).toBe(true)
    expect(text).toContain('    title #73;ncidents filed, 2025-11-01 to 2026-02-01')
  })

  it('in a dry run, counts what would be sent', async () => {
    const dry = entries.map(e => (e.outcome?.status === 'filed' ? { ...e, outcome: { status: 'dry run' as const } } : e))
    await writeBackfillSummary(dry, { ...window, dryRun: true })
    const text = written()
    expect(text).toContain('**3 incidents**; time to recovery (MTTR) median **3 h**')
    expect(text).toContain('    title #73;ncidents that would be filed, 2025-11-01 to 2026-02-01')
  })

  it('says nothing changes when nothing was sent, with no chart', async () => {
    await writeBackfillSummary(entries.slice(3), window)
    const text = written()
    expect(text).toContain('No incidents, so nothing changes in Hivel.')
    expect(text).not.toContain('```mermaid')
    expect(text).toContain('| failed | Issues |')
  })
})

const chromium = !!findChromium()
const ci = process.env.CI === 'true'
if (!chromium && !ci) console.warn('summary.test.ts: no Chromium, so the charts are not rendered (CI fails instead).')
// Last in the file, so every chart the tests above wrote is here.
;(chromium || ci ? describe : describe.skip)('the summaries’ charts render with the real Mermaid', () => {
  it('draws every chart written above, each label, section and title as written', async () => {
    expect(charts.map(c => c.test)).toEqual([
      expect.stringContaining('then a chart of an outage of several runs'),
      expect.stringContaining('quotes, colons'),
      expect.stringContaining('opens with the counts'),
      expect.stringContaining('in a dry run')
    ])
    const results = await renderMermaid(charts.map(c => c.source))
    results.forEach((r, i) => expect([charts[i].test, r.error]).toEqual([charts[i].test, undefined]))
    const svgs = results.map(r => r.svg ?? '')
    expect(ganttBars(svgs[0])).toEqual(['run 101 failure (30 min)', 'run 102 timed_out (2 h 10 min)', 'run 104 failure (32 min)'])
    const flat = NASTY.replace(/\s+/g, ' ')
    expect(ganttSections(svgs[1])).toEqual([flat])
    expect(ganttTitle(svgs[1])).toBe(`${flat}: down until run 105`)
    expect(ganttBars(svgs[1])).toEqual([`run 101 ${flat} (30 min)`, `run 102 ${flat} (2 h 10 min)`, `run 104 ${flat} (32 min)`])
    expect(ganttSections(svgs[2])).toEqual(['Workflow Deploy (main)', 'Issues'])
    expect(ganttBars(svgs[2])).toEqual([
      'acme/shop/actions/runs/101 (1 h)',
      'Deploy failed on main for 3 h 12 min (3 failed runs) (3 h)',
      `${flat} (10 h)`
    ])
  }, 30_000)
})
