/**
 * Renders Mermaid diagrams the way a reader's browser does: the real `mermaid` package in headless
 * Chromium (Debian's, or a Chrome already on the machine; never a downloaded browser). Used by the
 * tests (through __fixtures__/mermaid.ts) and by script/render-summary.mjs.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import puppeteer from 'puppeteer-core'

/** The browser build of mermaid, loaded into the page as a plain script. */
export const MERMAID_SCRIPT = fileURLToPath(new URL('../node_modules/mermaid/dist/mermaid.min.js', import.meta.url))

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
 * Starts headless Chromium with a page of this HTML (blank by default) that has mermaid loaded and
 * initialised as GitHub does (strict security, nothing rendered on load). Close the browser when done.
 * @param {string} [html]
 * @param {import('puppeteer-core').Viewport} [viewport]
 */
export async function openMermaidPage(html = '<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>', viewport) {
  const executablePath = findChromium()
  if (!executablePath) throw new Error(NO_CHROMIUM)
  // No sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  const browser = await puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] })
  try {
    const page = await browser.newPage()
    if (viewport) await page.setViewport(viewport)
    await page.setContent(html)
    await page.addScriptTag({ path: MERMAID_SCRIPT })
    await page.evaluate(() => {
      // @ts-expect-error mermaid is the page's global, set by the script above
      globalThis.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' })
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
