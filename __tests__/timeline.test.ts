import { beforeAll, describe, expect, it } from '@jest/globals'
import { findChromium, ganttBars, ganttSections, ganttTitle, renderMermaid, unfence, type Rendered } from '../__fixtures__/mermaid.js'
import type { Span } from '../src/figures.js'
import { gantt, timelineMarkdown } from '../src/timeline.js'

const SEC = 1000
const MIN = 60 * SEC
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const T0 = Date.parse('2026-01-05T10:00:00Z')

/** An incident `offset` after T0 that took `ms`. */
const span = (offset: number, ms: number, label = 'Deploy failed', source = 'Issues'): Span => ({
  source,
  label,
  start: new Date(T0 + offset),
  end: new Date(T0 + offset + ms)
})
const many = (n: number, every: number, label = (i: number) => `Incident ${i}`) =>
  Array.from({ length: n }, (_, i) =>
    span(i * every, ((i % 7) + 1) * 13 * MIN, label(i), ['Issues', 'Reverts', 'Environment production'][i % 3])
  )

/** Labels that would break a naive chart: Mermaid syntax, HTML, markdown fences, emoji, line breaks. */
const NASTY = [
  'Deploy: "prod" failed; see #203 & <b>logs</b>',
  "it's 100% down {not} [ok] `code` ```",
  'section Payments',
  'title Outage',
  'click task1 call alert()',
  'click task1 href "https://example.com"',
  '2024-01-01 deploy broke',
  '%% a comment',
  '%%{init: {"theme": "dark"}}%%',
  'gantt',
  'dateFormat YYYY',
  'axisFormat %Y',
  'excludes weekends',
  'todayMarker on',
  'weekday monday',
  'accTitle: a title',
  'accDescr { text }',
  'style a fill:#f00;',
  'classDef x fill:#f00;',
  'milestone, after a1, 2d',
  '#35; #quot; #128512;',
  '<script>alert(1)</script><br/>',
  '---\nconfig:\n  theme: dark\n---',
  'line one\nline two\r\nline three',
  '🔥 checkout down 👨‍👩‍👧 🇫🇷 é ü ß 日本語',
  '   ',
  'x'.repeat(500)
]

const cases: { name: string; spans: Span[]; title: string }[] = [
  {
    name: 'labels, sources and a title full of syntax',
    spans: NASTY.map((label, i) => span(i * HOUR, 30 * MIN, label, NASTY[(i * 7) % NASTY.length])),
    title: 'section: "x" %%{init}%% ``` #1; <t>'
  },
  { name: 'title looking like a keyword', spans: [span(0, HOUR)], title: 'dateFormat YYYY-MM-DD' },
  { name: 'seconds, and a zero-length span', spans: [span(0, 20 * SEC), span(30 * SEC, 0), span(40 * SEC, 5 * SEC)], title: 'Seconds' },
  {
    name: 'a few hours',
    spans: [span(0, 3 * HOUR + 12 * MIN), span(4 * HOUR, 20 * MIN, 'Deploy failed 4 runs', 'Workflow Deploy (main)')],
    title: 'Hours'
  },
  { name: 'days', spans: many(12, 11 * HOUR), title: 'Days' },
  { name: 'weeks', spans: [span(0, 3 * 7 * DAY), span(DAY, 0), span(2 * DAY, 9 * DAY)], title: 'Weeks' },
  { name: 'a year of incidents', spans: many(300, 29 * HOUR), title: 'A year' },
  {
    name: 'labels with links',
    spans: [
      span(0, HOUR, 'Deploy failed on main for 1 h (2 failed runs) until https://github.com/acme/shop/actions/runs/105'),
      span(2 * HOUR, HOUR, 'Deploy timed out on main (https://github.com/acme/shop/actions/runs/7)'),
      span(4 * HOUR, HOUR, 'https://github.com/acme/shop/issues/3')
    ],
    title: 'Links'
  },
  { name: 'no title, no spans', spans: [], title: '' },
  { name: 'resolved before reported', spans: [{ ...span(0, 0), end: new Date(T0 - HOUR) }, span(HOUR, HOUR)], title: 'Backwards' }
]

// More than Mermaid's 50,000 characters at full length: the chart keeps the latest that fit.
const huge = [span(-DAY, HOUR, 'The first', 'Only at first'), ...many(2000, 4 * HOUR, i => `${'🔥'.repeat(30)} ${i}`)]

const chromium = !!findChromium()
const ci = process.env.CI === 'true'
if (!chromium && !ci) console.warn('timeline.test.ts: no Chromium, so the charts are not rendered (CI fails instead).')
// Without Chromium the rendering tests are skipped locally, but fail under CI with NO_CHROMIUM's message.
const rendering = chromium || ci ? describe : describe.skip

rendering('timeline.ts: every chart renders with the real Mermaid', () => {
  const broken = 'gantt\n    dateFormat x\n    section A\n    bad: yesterday, tomorrow'
  // A keyword written raw as a label: Mermaid draws the chart without an error, but without the bar.
  const raw = 'gantt\n    dateFormat x\n    section A\n    section B: 1767607200000, 1767610800000'
  let results: Rendered[] = []
  const of = (i: number) => {
    const r = results[i]
    if (r.error !== undefined || r.svg === undefined) throw new Error(`Mermaid could not render ${cases[i]?.name ?? 'it'}: ${r.error}`)
    return r.svg
  }

  beforeAll(async () => {
    results = await renderMermaid([...cases.map(c => unfence(gantt(c.spans, c.title))), unfence(gantt(huge, 'Huge')), broken, raw])
  }, 30_000)

  it.each(cases.map((c, i) => [c.name, i] as const))('%s: one bar per incident', (_, i) => {
    expect(ganttBars(of(i))).toHaveLength(cases[i].spans.length)
  })

  it('shows every label, source and title as written, on one line, with its duration', () => {
    const svg = of(0)
    const bars = ganttBars(svg)
    for (const label of NASTY.slice(0, -2)) expect(bars).toContain(`${label.replace(/\s+/g, ' ').trim()} (30 min)`)
    expect(bars).toContain('30 min') // a blank label
    expect(bars).toContain(`${'x'.repeat(70)}… (30 min)`) // cut to 80 characters, keeping the duration
    expect(new Set(ganttSections(svg))).toEqual(
      new Set(NASTY.map(s => s.replace(/\s+/g, ' ').trim() || 'Other').map(s => (s.length > 80 ? `${s.slice(0, 79)}…` : s)))
    )
    expect(ganttTitle(svg)).toBe(cases[0].title)
    expect(ganttTitle(of(1))).toBe('dateFormat YYYY-MM-DD')
    expect(ganttBars(of(3))).toEqual(['Deploy failed (3 h 12 min)', 'Deploy failed 4 runs (20 min)'])
  })

  it('leaves out the links of the action’s own descriptions, which a bar cannot open, unless a link is all there is', () => {
    expect(ganttBars(of(cases.findIndex(c => c.name === 'labels with links')))).toEqual([
      // The outage's description already says how long it took: the bar does not say it twice.
      'Deploy failed on main for 1 h (2 failed runs)',
      'Deploy timed out on main (1 h)',
      'https://github.com/acme/shop/issues/3 (1 h)'
    ])
  })

  it('draws a span that took no time as a milestone', () => {
    expect(of(2).match(/<rect[^>]*class="task milestone\b/g)).toHaveLength(1)
  })

  it('keeps the latest incidents that fit in Mermaid’s size limit, and says so in the title', () => {
    const chart = unfence(gantt(huge, 'Huge'))
    expect(chart.length).toBeLessThanOrEqual(50_000)
    const svg = of(cases.length)
    const shown = ganttBars(svg)
    expect(shown.length).toBeGreaterThan(100)
    expect(shown.length).toBeLessThan(huge.length)
    expect(shown.at(-1)).toContain(' 1999 ')
    expect(ganttTitle(svg)).toBe(`Huge (latest ${shown.length} of 2001)`)
    expect(ganttSections(svg)).toEqual(['Issues', 'Reverts', 'Environment production']) // not the source of the first only
  })

  it('proves the harness bites: a broken chart is an error, a raw keyword label loses its bar', () => {
    expect(results[cases.length + 1].error).toMatch(/Invalid date/)
    expect(ganttBars(results[cases.length + 2].svg ?? '')).toHaveLength(0)
  })
})

describe('timeline.ts: the chart in the summary', () => {
  it('is a mermaid block of its own, whose lines cannot close the fence', () => {
    const chart = gantt(
      NASTY.map((label, i) => span(i * HOUR, MIN, label, label)),
      'x ``` y'
    )
    const lines = chart.split('\n')
    expect(lines[0]).toBe('```mermaid')
    expect(lines.at(-1)).toBe('```')
    expect(lines.slice(1, -1).filter(l => l.includes('`'))).toEqual([])
  })

  it('picks axis labels that suit the time the chart covers', () => {
    const axis = (spans: Span[]) => /axisFormat (.*)/.exec(gantt(spans, ''))?.[1]
    expect(axis([span(0, 20 * SEC)])).toBe('%H:%M:%S')
    expect(axis([span(0, 5 * HOUR)])).toBe('%H:%M')
    expect(axis([span(0, 3 * DAY)])).toBe('%m-%d %H:%M')
    expect(axis([span(0, HOUR), span(40 * DAY, HOUR)])).toBe('%b %d')
    expect(axis([span(0, 300 * DAY)])).toBe('%b %Y')
  })

  it('shows a few incidents as they are', () => {
    const spans = many(20, HOUR)
    expect(timelineMarkdown(spans, 'Incidents')).toBe(gantt(spans, 'Incidents'))
  })

  it('folds many incidents into a collapsed <details>, its summary escaped', () => {
    const spans = many(21, HOUR)
    expect(timelineMarkdown(spans, 'Incidents <since> "May" & after')).toBe(
      `<details>\n<summary>Incidents &lt;since&gt; &quot;May&quot; &amp; after: 21 incidents</summary>\n\n${gantt(spans, 'Incidents <since> "May" & after')}\n\n</details>`
    )
    expect(timelineMarkdown(spans, ' ')).toContain('<summary>Timeline: 21 incidents</summary>')
  })

  it('is empty without incidents', () => {
    expect(timelineMarkdown([], 'Incidents')).toBe('')
  })
})
