/**
 * Writes badges/coverage.svg from coverage/coverage-summary.json (jest's json-summary reporter),
 * so the README shows the line coverage of src/ without any badge service. Run by
 * `npm run coverage` after the tests; no network.
 *
 *   node script/coverage-badge.mjs [summary.json] [badge.svg]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const [summaryPath = join(ROOT, 'coverage', 'coverage-summary.json'), badgePath = join(ROOT, 'badges', 'coverage.svg')] =
  process.argv.slice(2)

/** Colors as shields.io picks them, from the coverage in percent. */
const COLORS = /** @type {const} */ ([
  [90, '#4c1'],
  [80, '#97ca00'],
  [70, '#a4a61d'],
  [60, '#dfb317'],
  [50, '#fe7d37'],
  [0, '#e05d44']
])

/** Verdana 11 px advance widths for the characters a badge uses; others count as 7. */
const WIDTHS = /** @type {Record<string, number>} */ ({
  ' ': 3.9,
  '%': 11.8,
  '.': 4.4,
  ...Object.fromEntries([...'0123456789'].map(d => [d, 7])),
  a: 6.7,
  c: 5.8,
  e: 6.7,
  g: 6.8,
  o: 6.7,
  r: 4.7,
  v: 6.5
})

/** @param {string} text */
const textWidth = text => Math.round([...text].reduce((sum, ch) => sum + (WIDTHS[ch] ?? 7), 0))

/**
 * A flat badge in the shields.io layout: label on grey, value on a color.
 * @param {string} label
 * @param {string} value
 * @param {string} color
 */
function badge(label, value, color) {
  const lw = textWidth(label) + 10
  const vw = textWidth(value) + 10
  const w = lw + vw
  const text = (/** @type {string} */ s, /** @type {number} */ x) =>
    `<text x="${x * 10}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="${textWidth(s) * 10}">${s}</text>` +
    `<text x="${x * 10}" y="140" transform="scale(.1)" fill="#fff" textLength="${textWidth(s) * 10}">${s}</text>`
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${label}: ${value}">
<title>${label}: ${value}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${vw}" height="20" fill="${color}"/><rect width="${w}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">${text(label, lw / 2)}${text(value, lw + vw / 2)}</g>
</svg>
`
}

/** @type {{ total: { lines: { pct: number | string }, branches: { pct: number | string } } }} */
const summary = JSON.parse(readFileSync(summaryPath, 'utf8'))
const pct = Number(summary.total.lines.pct)
if (!Number.isFinite(pct)) throw new Error(`${summaryPath} has no line coverage (total.lines.pct is ${summary.total.lines.pct})`)
const color = COLORS.find(([min]) => pct >= min)?.[1] ?? '#e05d44'
const value = `${Number.isInteger(pct) ? pct : pct.toFixed(1)}%`
mkdirSync(dirname(badgePath), { recursive: true })
writeFileSync(badgePath, badge('coverage', value, color))
console.log(`${relative(ROOT, badgePath)}: coverage ${value} of lines (branches ${summary.total.branches.pct}%)`)
