/**
 * Renders Mermaid diagrams the way a reader's browser does: the real `mermaid` package in headless
 * Chromium (Debian's, or a Chrome already on the machine; never a downloaded browser). Used by the
 * tests (through __fixtures__/mermaid.ts) and by script/render-summary.mjs.
 */
import { existsSync } from 'node:fs'
import puppeteer from 'puppeteer-core'

// A page that loads mermaid's ES module build, which fetches only the chunks a diagram needs: far
// quicker to start than the 3 MB single-file build.
const PAGE = new URL('mermaid.html', import.meta.url).href

// Debian's chromium first; GitHub's ubuntu runners ship Google Chrome instead.
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable']

/** The Chromium to drive: CHROMIUM_PATH when set, else the first one installed, else undefined. */
export function findChromium() {
  const chosen = process.env.CHROMIUM_PATH
  if (chosen) return existsSync(chosen) ? chosen : undefined
  return CANDIDATES.find(path => existsSync(path))
}

/** Why no Chromium was found, and how to get one. */
export const NO_CHROMIUM =
  `No Chromium found (looked at ${process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH}` : CANDIDATES.join(', ')}). ` +
  "Install Debian's: apt-get update && apt-get install -y chromium (.ci/run does this), or set CHROMIUM_PATH."

/**
 * Starts headless Chromium on a page that has mermaid loaded and initialised as GitHub does (strict
 * security, nothing rendered on load) as the global `mermaid`. Close the browser when done.
 * @param {import('puppeteer-core').Viewport} [viewport]
 */
export async function openMermaidPage(viewport) {
  const executablePath = findChromium()
  if (!executablePath) throw new Error(NO_CHROMIUM)
  // No sandbox: CI runs as root, where Chromium's sandbox refuses to start. The page is a file that
  // imports mermaid from node_modules, which Chromium allows files only with the last flag.
  const args = ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files']
  const browser = await puppeteer.launch({ executablePath, headless: true, args })
  try {
    const page = await browser.newPage()
    if (viewport) await page.setViewport(viewport)
    /** @type {string[]} */
    const problems = []
    page.on('pageerror', error => problems.push(error instanceof Error ? error.message : String(error)))
    await page.goto(PAGE)
    await page
      .waitForFunction(() => 'mermaid' in globalThis, { timeout: 15_000 })
      .catch(() => {
        throw new Error(`mermaid did not load in Chromium (npm ci installs it): ${problems.join('; ') || 'timed out'}`)
      })
    return { browser, page }
  } catch (error) {
    await browser.close()
    throw error
  }
}

/**
 * @typedef {object} Rendered
 * @property {string} [svg] the SVG Mermaid drew
 * @property {string} [error] why Mermaid could not draw it
 */

/**
 * Renders each diagram with mermaid.render in one Chromium (started once per call).
 * @param {string[]} diagrams Mermaid source, without the ``` fence
 * @returns {Promise<Rendered[]>} one result per diagram, in order
 */
export async function renderMermaid(diagrams) {
  const { browser, page } = await openMermaidPage()
  try {
    return await page.evaluate(async sources => {
      /** @type {{ svg?: string, error?: string }[]} */
      const results = []
      for (const [i, source] of sources.entries()) {
        try {
          // @ts-expect-error mermaid is the page's global
          const { svg } = /** @type {{ svg: string }} */ (await globalThis.mermaid.render(`diagram${i}`, source))
          results.push({ svg })
        } catch (error) {
          results.push({ error: error instanceof Error ? error.message : String(error) })
        }
      }
      return results
    }, diagrams)
  } finally {
    await browser.close()
  }
}
