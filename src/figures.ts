/**
 * What Hivel will compute from the incidents a run sent: counts, time to recovery (MTTR median and
 * 90th percentile) overall, per source and per month, and the pull requests blamed more than once.
 * Pure: the caller passes the incidents actually sent, so the summary never recomputes differently.
 */
import { escapeCell } from './markdown.js'
import { formatDuration } from './time.js'

/** One incident as sent: from its reported_time to its resolution_time. */
export interface Span {
  /** Where it came from, e.g. 'Issues', 'Workflow Deploy (main)', 'Environment production', 'Reverts'. */
  source: string
  /** A person's name for it, e.g. an issue title or "Deploy failed 4 runs". */
  label: string
  /** reported_time */
  start: Date
  /** resolution_time */
  end: Date
  prNumber?: string
  repoUrl?: string
}

/** The middle value; with an even count, the mean of the two middle values. */
export function median(values: number[]): number | undefined {
  if (!values.length) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * The p-th percentile by nearest rank: the smallest value that at least p% of the values do not
 * exceed (always one of the values, never interpolated). p is from 0 to 100; 0 gives the least value.
 */
export function percentile(values: number[], p: number): number | undefined {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be from 0 to 100, got ${p}`)
  if (!values.length) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1]
}

export interface SourceFigures {
  source: string
  count: number
  medianMs?: number
  p90Ms?: number
}

export interface Figures {
  count: number
  medianMs?: number
  p90Ms?: number
  /** Most incidents first. */
  bySource: SourceFigures[]
  /** Every month (UTC, of reported_time) from the first incident's to the last's, zeros included. */
  byMonth: { month: string; count: number }[]
  /** Pull requests blamed by more than one incident, most blamed first. */
  repeatPrs: { repoUrl?: string; prNumber: string; count: number }[]
}

const durations = (spans: Span[]) => spans.map(s => s.end.getTime() - s.start.getTime())

/** Count, MTTR median and p90 of some spans. */
function summarise(spans: Span[]) {
  const ms = durations(spans)
  return { count: spans.length, medianMs: median(ms), p90Ms: percentile(ms, 90) }
}

/** Groups items by a key, keeping the order in which keys first appear. */
function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const group = groups.get(k)
    if (group) group.push(item)
    else groups.set(k, [item])
  }
  return groups
}

const monthOf = (date: Date) => date.toISOString().slice(0, 7)

/** Every month from the earliest start to the latest, with how many incidents began in each. */
function months(spans: Span[]): Figures['byMonth'] {
  if (!spans.length) return []
  const starts = spans.map(s => s.start.getTime())
  const counts = groupBy(spans, s => monthOf(s.start))
  const first = new Date(Math.min(...starts))
  const last = monthOf(new Date(Math.max(...starts)))
  const out: Figures['byMonth'] = []
  for (let y = first.getUTCFullYear(), m = first.getUTCMonth(); ; m++) {
    const month = monthOf(new Date(Date.UTC(y, m, 1)))
    out.push({ month, count: counts.get(month)?.length ?? 0 })
    if (month === last) return out
  }
}

// Plain code-unit order: localeCompare's first call loads ICU's collator, about 70 ms, for names that need none.
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** The numbers Hivel will compute from these incidents. */
export function figures(spans: Span[]): Figures {
  const bySource = [...groupBy(spans, s => s.source)]
    .map(([source, group]) => ({ source, ...summarise(group) }))
    .sort((a, b) => b.count - a.count || byText(a.source, b.source))
  const blamed = spans.filter((s): s is Span & { prNumber: string } => !!s.prNumber)
  const repeatPrs = [...groupBy(blamed, s => JSON.stringify([s.repoUrl, s.prNumber])).values()]
    .filter(group => group.length > 1)
    .map(([{ repoUrl, prNumber }, ...rest]) => ({ ...(repoUrl && { repoUrl }), prNumber, count: rest.length + 1 }))
    .sort((a, b) => b.count - a.count || byText(a.repoUrl ?? '', b.repoUrl ?? '') || Number(a.prNumber) - Number(b.prNumber))
  return { ...summarise(spans), bySource, byMonth: months(spans), repeatPrs }
}

const words = (ms: number | undefined) => (ms === undefined ? '–' : formatDuration(ms))

/** A pull request as a person names it, linked when its repository is a plain web address. */
function pullRequest({ repoUrl, prNumber }: { repoUrl?: string; prNumber: string }): string {
  if (!repoUrl) return escapeCell(`#${prNumber}`)
  const name = escapeCell(`${repoUrl.replace(/^[a-z]+:\/\/[^/]+\//i, '').replace(/\/+$/, '')}#${prNumber}`)
  return /^https?:\/\/[^\s()<>]+$/.test(repoUrl) ? `[${name}](${repoUrl.replace(/\/+$/, '')}/pull/${encodeURIComponent(prNumber)})` : name
}

/** The opening of a backfill's job summary: the figures as a sentence and markdown tables. */
export function figuresMarkdown(f: Figures): string {
  if (!f.count) return '#### What Hivel will compute\n\nNo incidents, so nothing changes in Hivel.'
  const incidents = f.count === 1 ? '1 incident' : `${f.count} incidents`
  const lines = [
    '#### What Hivel will compute',
    '',
    `**${incidents}**; time to recovery (MTTR) median **${words(f.medianMs)}**, 90th percentile **${words(f.p90Ms)}**.`,
    '',
    '| Source | Incidents | MTTR median | MTTR 90th percentile |',
    '| --- | ---: | ---: | ---: |',
    ...f.bySource.map(s => `| ${escapeCell(s.source)} | ${s.count} | ${words(s.medianMs)} | ${words(s.p90Ms)} |`),
    '',
    '| Month (UTC) | Incidents |',
    '| --- | ---: |',
    ...f.byMonth.map(m => `| ${m.month} | ${m.count} |`)
  ]
  if (f.repeatPrs.length)
    lines.push(
      '',
      '| Pull request blamed more than once | Incidents |',
      '| --- | ---: |',
      ...f.repeatPrs.map(pr => `| ${pullRequest(pr)} | ${pr.count} |`)
    )
  return lines.join('\n')
}
