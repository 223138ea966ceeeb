/**
 * The incidents as a Mermaid gantt chart, one section per source, for the job summary (GitHub
 * renders Mermaid there). Any text is written so Mermaid shows it as written and cannot read it as
 * syntax; the tests render every chart in Chromium with the real mermaid package.
 */
import type { Span } from './figures.js'
import { escapeHtml } from './markdown.js'
import { truncate } from './text.js'
import { formatDuration } from './time.js'

// Mermaid refuses a diagram longer than this (its default maxTextSize, also GitHub's).
const MAX_TEXT = 50_000
// Longer labels spill far past their bars; the table below the chart has the whole text.
const LABEL_LIMIT = 80
// Above this many bars the chart goes in a collapsed <details>, so the page stays fast.
const COLLAPSE_ABOVE = 20
// Characters Mermaid's gantt grammar never reads as syntax in a task, section or title.
const PLAIN = /^[\p{L}\p{N} .,\-_()/'!?+@]$/u

/**
 * Text as Mermaid shows it verbatim: one line, not too long, every other character written as
 * Mermaid's entity code (#58; for ':'), and the first one always, so no label can begin with a
 * keyword such as `section`, `click` or a date.
 */
function mermaidText(text: string): string {
  const line = truncate(text.replace(/\s+/g, ' ').trim(), LABEL_LIMIT)
  return [...line].map((ch, i) => (i > 0 && PLAIN.test(ch) ? ch : `#${ch.codePointAt(0)};`)).join('')
}

/** The axis labels that suit a chart this long: times for a day, dates for months, months beyond. */
function axisFormat(rangeMs: number): string {
  const hour = 3_600_000
  if (rangeMs <= hour / 6) return '%H:%M:%S'
  if (rangeMs <= 24 * hour) return '%H:%M'
  if (rangeMs <= 7 * 24 * hour) return '%m-%d %H:%M'
  if (rangeMs <= 120 * 24 * hour) return '%b %d'
  return '%b %Y'
}

/**
 * A label without its links, which a bar cannot open and which would take most of its room: the
 * action's own descriptions end in "(link)" or "until link".
 */
const withoutLinks = (text: string) => text.replace(/\s*\(https?:\/\/[^\s)]*\)|(?:\s+until)?\s+https?:\/\/\S*/g, '')

/** One bar; a span that took no time is a milestone, which Mermaid draws as a visible diamond. */
function task(span: Span): string {
  const start = span.start.getTime()
  const ms = span.end.getTime() - start
  const took = formatDuration(ms)
  const label = (withoutLinks(span.label).trim() || span.label).replace(/\s+/g, ' ').trim()
  // The label is cut, never the duration after it; a label that already says it ("… for 3 h (…)") is not told twice.
  const says = new RegExp(`(?:^|\\s)${took.replace(/\s/g, '\\s')}(?!\\s*\\d)`).test(label)
  const text = mermaidText(
    !label ? took : says ? truncate(label, LABEL_LIMIT) : `${truncate(label, LABEL_LIMIT - took.length - 3)} (${took})`
  )
  return ms > 0 ? `    ${text}: ${start}, ${start + ms}` : `    ${text}: milestone, ${start}, ${start}`
}

/**
 * A ```mermaid fenced gantt chart of the spans, one section per source (in order of their first
 * incident). Times are epoch milliseconds (dateFormat x), exact from seconds to years; Mermaid
 * draws the axis in the reader's time zone. When all bars would exceed Mermaid's size limit, the
 * latest that fit are drawn and the title says so.
 */
export function gantt(spans: Span[], title: string): string {
  const sorted = [...spans].sort((a, b) => a.start.getTime() - b.start.getTime())
  const tasks = sorted.map(task)
  const sources = [...new Set(sorted.map(s => s.source))]
  const section = (source: string) => `    section ${mermaidText(source.trim() || 'Other')}`
  // Room for the header (its title is cut to LABEL_LIMIT characters, each at most 9 when encoded).
  let room = MAX_TEXT - 200 - 9 * LABEL_LIMIT - sources.reduce((n, source) => n + section(source).length + 1, 0)
  let first = tasks.length
  while (first > 0 && room >= tasks[first - 1].length + 1) room -= tasks[--first].length + 1
  const shown = sorted.slice(first)
  const heading = first > 0 ? `${truncate(title.trim(), LABEL_LIMIT - 30)} (latest ${shown.length} of ${spans.length})` : title
  const range = Math.max(...shown.map(s => s.end.getTime())) - Math.min(...shown.map(s => s.start.getTime()))
  const lines = ['```mermaid', 'gantt']
  if (heading.trim()) lines.push(`    title ${mermaidText(heading)}`)
  lines.push('    dateFormat x', `    axisFormat ${axisFormat(range)}`, '    todayMarker off')
  for (const source of sources) {
    const mine = shown.flatMap((span, i) => (span.source === source ? [tasks[first + i]] : []))
    if (mine.length) lines.push(section(source), ...mine)
  }
  lines.push('```')
  return lines.join('\n')
}

/** The gantt chart for a summary: as it is for a few incidents, in a collapsed <details> for many. */
export function timelineMarkdown(spans: Span[], title: string): string {
  if (!spans.length) return ''
  const chart = gantt(spans, title)
  if (spans.length <= COLLAPSE_ABOVE) return chart
  const summary = `${title.trim() || 'Timeline'}: ${spans.length} incidents`
  // Blank lines around the fence, or GitHub does not read markdown inside <details>.
  return `<details>\n<summary>${escapeHtml(summary)}</summary>\n\n${chart}\n\n</details>`
}
