/**
 * A job summary's markdown as the HTML GitHub shows: GitHub-flavoured markdown, ```mermaid blocks
 * left for mermaid to draw, and alerts (`> [!WARNING]`, `> [!NOTE]`, …) as GitHub's styled callouts
 * with their title, not as plain quotes. Used by render-summary.mjs; its tests need no browser.
 */
import { Marked } from 'marked'

/** @param {string} text */
const escapeHtml = text => text.replace(/[&<>]/g, c => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))

/** GitHub's octicons for the alerts the action writes (info, alert, stop); the others show their title alone. */
const ICONS = {
  note: 'M0 8a8 8 0 1 1 16 0A8 8 0 0 1 0 8Zm8-6.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM6.5 7.75A.75.75 0 0 1 7.25 7h1a.75.75 0 0 1 .75.75v2.75h.25a.75.75 0 0 1 0 1.5h-2a.75.75 0 0 1 0-1.5h.25v-2h-.25a.75.75 0 0 1-.75-.75ZM8 6a1 1 0 1 1 0-2 1 1 0 0 1 0 2Z',
  caution:
    'M4.47.22A.749.749 0 0 1 5 0h6c.199 0 .389.079.53.22l4.25 4.25c.141.14.22.331.22.53v6a.749.749 0 0 1-.22.53l-4.25 4.25A.749.749 0 0 1 11 16H5a.749.749 0 0 1-.53-.22L.22 11.53A.749.749 0 0 1 0 11V5c0-.199.079-.389.22-.53Zm.84 1.28L1.5 5.31v5.38l3.81 3.81h5.38l3.81-3.81V5.31L10.69 1.5ZM8 4a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0v-3.5A.75.75 0 0 1 8 4Zm0 8a1 1 0 1 1 0-2 1 1 0 0 1 0 2Z',
  warning:
    'M6.457 1.047c.659-1.234 2.427-1.234 3.086 0l6.082 11.378A1.75 1.75 0 0 1 14.082 15H1.918a1.75 1.75 0 0 1-1.543-2.575Zm1.763.707a.25.25 0 0 0-.44 0L1.698 13.132a.25.25 0 0 0 .22.368h12.164a.25.25 0 0 0 .22-.368Zm.53 3.996v2.5a.75.75 0 0 1-1.5 0v-2.5a.75.75 0 0 1 1.5 0ZM9 11a1 1 0 1 1-2 0 1 1 0 0 1 2 0Z'
}

/** The alert a quote opens with, as GitHub reads it: the marker alone on the quote's first line. */
const ALERT = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\n|$)/i

/** @type {Marked} */
const marked = new Marked({
  gfm: true,
  renderer: {
    code({ text, lang }) {
      return lang === 'mermaid' ? `<pre class="mermaid">${escapeHtml(text)}</pre>\n` : false
    },
    /** @returns {string | false} */
    blockquote({ text }) {
      const alert = ALERT.exec(text)
      if (!alert) return false
      const kind = alert[1].toLowerCase()
      const title = kind[0].toUpperCase() + kind.slice(1)
      const path = /** @type {Record<string, string>} */ (ICONS)[kind]
      const icon = path
        ? `<svg class="octicon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="${path}"></path></svg>`
        : ''
      const body = /** @type {string} */ (marked.parse(text.slice(alert[0].length), { async: false }))
      return `<div class="markdown-alert markdown-alert-${kind}"><p class="markdown-alert-title">${icon}${title}</p>\n${body}</div>\n`
    }
  }
})

/**
 * The HTML of a summary's markdown.
 * @param {string} markdown
 * @returns {string}
 */
export const summaryHtml = markdown => /** @type {string} */ (marked.parse(markdown, { async: false }))

/** GitHub's alert colours: the bar and the title. */
const ALERT_COLOURS = { note: '#0969da', tip: '#1a7f37', important: '#8250df', warning: '#9a6700', caution: '#d1242f' }

/**
 * Close to GitHub's markdown body: its fonts, table borders, quotes, alerts and width.
 * @param {number} width
 */
export const summaryCss = width => `
  body { margin: 0; padding: 24px; width: ${width}px; box-sizing: border-box; background: #fff; color: #1f2328;
    font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; }
  h1, h2, h3 { margin: 24px 0 16px; line-height: 1.25; } h3 { font-size: 1.25em; }
  table { border-collapse: collapse; margin: 0 0 16px; } th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
  th { font-weight: 600; } tr:nth-child(2n) { background: #f6f8fa; }
  code { background: #eff1f3; border-radius: 6px; padding: .2em .4em; font-size: 85%; }
  pre.mermaid { background: none; text-align: center; } summary { cursor: pointer; margin-bottom: 8px; }
  blockquote { margin: 0 0 16px; padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
  .markdown-alert { margin: 0 0 16px; padding: 8px 16px; border-left: .25em solid; }
  .markdown-alert > :last-child { margin-bottom: 0; } .markdown-alert p { margin: 0 0 8px; }
  .markdown-alert-title { display: flex; align-items: center; gap: 8px; font-weight: 500; line-height: 1; }
  .markdown-alert-title svg { fill: currentColor; }
${Object.entries(ALERT_COLOURS)
  .map(
    ([kind, colour]) =>
      `  .markdown-alert-${kind} { border-left-color: ${colour}; } .markdown-alert-${kind} .markdown-alert-title { color: ${colour}; }`
  )
  .join('\n')}`
