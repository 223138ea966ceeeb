/** Typed access to the Mermaid renderer (real mermaid in headless Chromium) and readers of its SVG. */
import { findChromium, renderMermaid } from '../script/mermaid.mjs'
export { renderMermaid, findChromium, NO_CHROMIUM } from '../script/mermaid.mjs'
export type { Rendered } from '../script/mermaid.mjs'

/** The diagram inside a ```mermaid fence. */
export const unfence = (markdown: string): string => {
  const m = /```mermaid\n([\s\S]*?)\n```/.exec(markdown)
  if (!m) throw new Error(`no mermaid block in:\n${markdown}`)
  return m[1]
}

/** Every ```mermaid block of a markdown text, without its fence. */
export const charts = (markdown: string): string[] => [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map(m => m[1])

/**
 * Draws every chart of a markdown text and returns their SVGs; throws naming the first Mermaid
 * could not draw. Without Chromium it returns undefined outside CI (and throws NO_CHROMIUM in CI).
 */
export async function renderCharts(markdown: string): Promise<string[] | undefined> {
  if (!findChromium() && process.env.CI !== 'true') return undefined
  const results = await renderMermaid(charts(markdown))
  return results.map((r, i) => {
    if (r.error !== undefined || r.svg === undefined) throw new Error(`Mermaid could not draw chart ${i + 1}: ${r.error}`)
    return r.svg
  })
}

const decode = (text: string) =>
  text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')

/** The bars of a rendered gantt chart (tasks and milestones), by their text as a reader sees it. */
export function ganttBars(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*\bclass="taskText[^"]*"[^>]*>([^<]*)<\/text>/g)].map(m => decode(m[1]))
}

/** The section names of a rendered gantt chart, as a reader sees them. */
export function ganttSections(svg: string): string[] {
  const texts = [...svg.matchAll(/<text\b[^>]*\bclass="sectionTitle[^"]*"[^>]*>([\s\S]*?)<\/text>/g)]
  return texts.map(m => decode(m[1].replace(/<[^>]+>/g, '')))
}

/** The title of a rendered gantt chart. */
export function ganttTitle(svg: string): string | undefined {
  const m = /<text\b[^>]*\bclass="titleText"[^>]*>([^<]*)<\/text>/.exec(svg)
  return m ? decode(m[1]) : undefined
}
