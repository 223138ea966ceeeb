/**
 * Renders a job summary as a person sees it on GitHub: the markdown as HTML (alerts as GitHub's
 * callouts, see summary-html.mjs), its ```mermaid blocks drawn by the real mermaid, in headless Chromium, saved as a PNG screenshot of the whole page.
 * Collapsed <details> are opened so the picture shows what they hold, unless --collapsed is given.
 *
 *   npm run render-summary -- summary.md docs/backfill-summary.png [--width 1012] [--collapsed]
 *
 * Emoji need a colour emoji font (Debian: apt-get install -y fonts-noto-color-emoji), or show as boxes.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { openMermaidPage } from './mermaid.mjs'
import { summaryCss, summaryHtml } from './summary-html.mjs'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { width: { type: 'string', default: '1012' }, collapsed: { type: 'boolean', default: false } }
})
const [input, output] = positionals
if (!input || !output?.endsWith('.png')) {
  console.error('Usage: node script/render-summary.mjs SUMMARY.md OUT.png [--width PIXELS] [--collapsed]')
  process.exit(2)
}

const body = summaryHtml(readFileSync(input, 'utf8'))
const width = Number(values.width)
const css = summaryCss(width)

const { browser, page } = await openMermaidPage({ width, height: 800 })
try {
  await page.addStyleTag({ content: css })
  const problem = await page.evaluate(
    async (html, open) => {
      // The page's globals: this project type-checks for Node, without the DOM's types.
      const page = /** @type {any} */ (globalThis)
      page.document.body.innerHTML = html
      if (open) for (const details of page.document.querySelectorAll('details')) details.open = true
      // mermaid.run throws (not always an Error) when a diagram cannot be drawn.
      try {
        await page.mermaid.run({ querySelector: 'pre.mermaid' })
        return undefined
      } catch (/** @type {any} */ error) {
        return String(error?.message ?? error?.str ?? error)
      }
    },
    body,
    !values.collapsed
  )
  if (problem) throw new Error(`Mermaid could not draw a diagram in ${input}: ${problem}`)
  await page.screenshot({ path: /** @type {`${string}.png`} */ (output), fullPage: true })
  console.log(`Wrote ${output}`)
} finally {
  await browser.close()
}
