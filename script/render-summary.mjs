/**
 * Renders a job summary as a person sees it on GitHub: the markdown as HTML, its ```mermaid blocks
 * drawn by the real mermaid, in headless Chromium, saved as a PNG screenshot of the whole page.
 * Collapsed <details> are opened so the picture shows what they hold, unless --collapsed is given.
 *
 *   npm run render-summary -- summary.md docs/backfill-summary.png [--width 1012] [--collapsed]
 *
 * Emoji need a colour emoji font (Debian: apt-get install -y fonts-noto-color-emoji), or show as boxes.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { Marked } from 'marked'
import { openMermaidPage } from './mermaid.mjs'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { width: { type: 'string', default: '1012' }, collapsed: { type: 'boolean', default: false } }
})
const [input, output] = positionals
if (!input || !output?.endsWith('.png')) {
  console.error('Usage: node script/render-summary.mjs SUMMARY.md OUT.png [--width PIXELS] [--collapsed]')
  process.exit(2)
}

/** @param {string} text */
const escapeHtml = text => text.replace(/[&<>]/g, c => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))

// GitHub-flavoured markdown, with mermaid blocks left for mermaid.run to draw in the page.
const marked = new Marked({
  gfm: true,
  renderer: {
    code({ text, lang }) {
      return lang === 'mermaid' ? `<pre class="mermaid">${escapeHtml(text)}</pre>\n` : false
    }
  }
})
const body = await marked.parse(readFileSync(input, 'utf8'))
const width = Number(values.width)

// Close to GitHub's markdown body: its fonts, table borders and width.
const css = `
  body { margin: 0; padding: 24px; width: ${width}px; box-sizing: border-box; background: #fff; color: #1f2328;
    font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; }
  h1, h2, h3 { margin: 24px 0 16px; line-height: 1.25; } h3 { font-size: 1.25em; }
  table { border-collapse: collapse; margin: 0 0 16px; } th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
  th { font-weight: 600; } tr:nth-child(2n) { background: #f6f8fa; }
  code { background: #eff1f3; border-radius: 6px; padding: .2em .4em; font-size: 85%; }
  pre.mermaid { background: none; text-align: center; } summary { cursor: pointer; margin-bottom: 8px; }`

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
