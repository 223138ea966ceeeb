import { describe, expect, it } from '@jest/globals'
import { figures, figuresMarkdown, median, percentile, type Span } from '../src/figures.js'

const MIN = 60_000
const HOUR = 60 * MIN
/** An incident that began at `start` (ISO) and took `ms`. */
const span = (start: string, ms: number, more: Partial<Span> = {}): Span => ({
  source: 'Issues',
  label: 'Checkout is down',
  start: new Date(start),
  end: new Date(Date.parse(start) + ms),
  ...more
})

describe('figures.ts: median and percentile', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3)
  })

  it('takes the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })

  it('has no median or percentile of nothing', () => {
    expect(median([])).toBeUndefined()
    expect(percentile([], 90)).toBeUndefined()
  })

  it('gives the 90th percentile by nearest rank: the smallest value that 90% do not exceed', () => {
    const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5]
    expect(percentile(ten, 90)).toBe(9) // rank ceil(0.9 × 10) = 9
    expect(percentile([...ten, 11], 90)).toBe(10) // rank ceil(0.9 × 11) = 10
    expect(percentile([6, 5, 4, 3, 2, 1], 90)).toBe(6) // rank ceil(5.4) = 6, not the nearest 5
    expect(percentile(ten, 50)).toBe(5) // one of the values, never interpolated (the median is 5.5)
    expect(percentile(ten, 100)).toBe(10)
    expect(percentile(ten, 0)).toBe(1)
    expect(percentile([42], 90)).toBe(42)
  })

  it.each([-1, 101, Number.NaN])('refuses percentile %p', p => {
    expect(() => percentile([1], p)).toThrow(`percentile must be from 0 to 100, got ${p}`)
  })
})

describe('figures.ts: what Hivel will compute', () => {
  it('has nothing to compute from no incidents', () => {
    expect(figures([])).toEqual({ count: 0, medianMs: undefined, p90Ms: undefined, bySource: [], byMonth: [], repeatPrs: [] })
    expect(figuresMarkdown(figures([]))).toBe('#### What Hivel will compute\n\nNo incidents, so nothing changes in Hivel.')
  })

  it('takes one incident as its own median and 90th percentile', () => {
    const f = figures([span('2026-03-10T10:00:00Z', 3 * HOUR + 12 * MIN, { prNumber: '203' })])
    expect(f).toEqual({
      count: 1,
      medianMs: 3 * HOUR + 12 * MIN,
      p90Ms: 3 * HOUR + 12 * MIN,
      bySource: [{ source: 'Issues', count: 1, medianMs: 3 * HOUR + 12 * MIN, p90Ms: 3 * HOUR + 12 * MIN }],
      byMonth: [{ month: '2026-03', count: 1 }],
      repeatPrs: []
    })
    expect(figuresMarkdown(f)).toContain('**1 incident**; time to recovery (MTTR) median **3 h 12 min**, 90th percentile **3 h 12 min**.')
  })

  it('counts every month from the first to the last across a year boundary, empty ones included, in UTC', () => {
    const f = figures([
      span('2026-02-01T00:30:00+01:00', MIN), // 2026-01-31 in UTC
      span('2025-11-30T23:59:59Z', MIN),
      span('2025-11-01T00:00:00Z', MIN),
      span('2026-01-15T12:00:00Z', MIN)
    ])
    expect(f.byMonth).toEqual([
      { month: '2025-11', count: 2 },
      { month: '2025-12', count: 0 },
      { month: '2026-01', count: 2 }
    ])
  })

  it('gives MTTR per source, the busiest source first', () => {
    const f = figures([
      span('2026-01-01T00:00:00Z', 10 * MIN, { source: 'Reverts' }),
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(h => span('2026-01-02T00:00:00Z', h * HOUR, { source: 'Workflow Deploy (main)' })),
      span('2026-01-03T00:00:00Z', 30 * MIN, { source: 'Environment production' })
    ])
    expect(f.count).toBe(12)
    expect(f.bySource).toEqual([
      { source: 'Workflow Deploy (main)', count: 10, medianMs: 5.5 * HOUR, p90Ms: 9 * HOUR },
      { source: 'Environment production', count: 1, medianMs: 30 * MIN, p90Ms: 30 * MIN },
      { source: 'Reverts', count: 1, medianMs: 10 * MIN, p90Ms: 10 * MIN }
    ])
    // Overall: twelve durations, middle two are 4 h and 5 h; the 11th of 12 is 9 h.
    expect(f.medianMs).toBe(4.5 * HOUR)
    expect(f.p90Ms).toBe(9 * HOUR)
  })

  it('lists the pull requests blamed by more than one incident, per repository, most blamed first', () => {
    const a = 'https://github.com/acme/shop'
    const b = 'https://github.com/acme/api'
    const f = figures([
      span('2026-01-01T00:00:00Z', MIN, { repoUrl: a, prNumber: '9' }),
      span('2026-01-02T00:00:00Z', MIN, { repoUrl: a, prNumber: '9' }),
      span('2026-01-03T00:00:00Z', MIN, { repoUrl: b, prNumber: '9' }), // another repository's #9, once
      span('2026-01-04T00:00:00Z', MIN, { repoUrl: a, prNumber: '10' }),
      span('2026-01-05T00:00:00Z', MIN, { repoUrl: a, prNumber: '10' }),
      span('2026-01-06T00:00:00Z', MIN, { repoUrl: a, prNumber: '10' }),
      span('2026-01-07T00:00:00Z', MIN, { prNumber: '7' }),
      span('2026-01-08T00:00:00Z', MIN, { prNumber: '7' }),
      span('2026-01-09T00:00:00Z', MIN, { repoUrl: b, prNumber: '11' }),
      span('2026-01-10T00:00:00Z', MIN, { repoUrl: b, prNumber: '11' }),
      span('2026-01-11T00:00:00Z', MIN), // no pull request
      span('2026-01-12T00:00:00Z', MIN)
    ])
    expect(f.repeatPrs).toEqual([
      { repoUrl: a, prNumber: '10', count: 3 },
      { prNumber: '7', count: 2 },
      { repoUrl: b, prNumber: '11', count: 2 },
      { repoUrl: a, prNumber: '9', count: 2 }
    ])
  })
})

describe('figures.ts: the summary opening', () => {
  const f = figures([
    span('2025-12-20T10:00:00Z', 2 * HOUR, {
      source: 'Workflow "Deploy | prod" <main>',
      repoUrl: 'https://github.com/acme/shop/',
      prNumber: '203'
    }),
    span('2026-02-01T10:00:00Z', 20_000, {
      source: 'Workflow "Deploy | prod" <main>',
      repoUrl: 'https://github.com/acme/shop/',
      prNumber: '203'
    }),
    span('2026-02-02T10:00:00Z', 3 * 24 * HOUR, { source: 'Issues', repoUrl: 'git@example.com:acme/x.git', prNumber: '5' }),
    span('2026-02-03T10:00:00Z', HOUR, { source: 'Issues', repoUrl: 'git@example.com:acme/x.git', prNumber: '5' })
  ])
  const md = figuresMarkdown(f)

  it('opens with the count and MTTR in words', () => {
    expect(md).toMatch(
      /^#### What Hivel will compute\n\n\*\*4 incidents\*\*; time to recovery \(MTTR\) median \*\*1 h 30 min\*\*, 90th percentile \*\*3 d\*\*\.\n/
    )
  })

  it('has a table per source, with the source escaped so it stays in its cell', () => {
    expect(md).toContain(
      [
        '| Source | Incidents | MTTR median | MTTR 90th percentile |',
        '| --- | ---: | ---: | ---: |',
        '| Issues | 2 | 1 d 12 h | 3 d |',
        '| Workflow "Deploy \\| prod" \\<main\\> | 2 | 1 h | 2 h |'
      ].join('\n')
    )
  })

  it('has a table of every month, empty ones included', () => {
    expect(md).toContain(
      ['| Month (UTC) | Incidents |', '| --- | ---: |', '| 2025-12 | 1 |', '| 2026-01 | 0 |', '| 2026-02 | 3 |'].join('\n')
    )
  })

  it('links a pull request blamed more than once when its repository is a web address', () => {
    expect(md).toContain('| [acme/shop#203](https://github.com/acme/shop/pull/203) | 2 |')
    expect(md).toContain('| git@example.com:acme/x.git#5 | 2 |')
  })

  it('leaves out the pull request table when none is blamed twice, and shows a figure it lacks as a dash', () => {
    const few = figuresMarkdown({
      count: 1,
      bySource: [{ source: 'Issues', count: 1 }],
      byMonth: [{ month: '2026-01', count: 1 }],
      repeatPrs: []
    })
    expect(few).not.toContain('Pull request')
    expect(few).toContain('median **–**, 90th percentile **–**.')
    expect(few).toContain('| Issues | 1 | – | – |')
    expect(figuresMarkdown({ ...f, repeatPrs: [{ prNumber: '8', count: 2 }] })).toContain('| #8 | 2 |')
  })
})
