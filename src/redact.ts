/** Makes text from servers and inputs safe to print in a workflow log. */

/** How much of a response body is ever shown. */
export const SHOWN_BODY_LIMIT = 500

// C0 and C1 controls but tab and newline (which become spaces), and the bidirectional overrides
// that make a log line read differently from what it holds.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g // eslint-disable-line no-control-regex
const LINE_BREAKS = /[\n\u2028\u2029]+/g

/**
 * A URL as typed, with whatever precedes its last @ (a user name and password) replaced by ***.
 * Works on text that is not a valid URL too, which may hold credentials all the same.
 */
export function withoutCredentials(url: string): string {
  const at = url.lastIndexOf('@')
  if (at < 0) return url
  const scheme = /^\s*[a-z][a-z\d+.-]*:\/\//i.exec(url)?.[0] ?? ''
  return `${scheme}***${url.slice(at)}`
}

/**
 * Removes control characters (which could rewrite the log), every secret, and `::` sequences
 * (which the runner would read as workflow commands); puts the text on one line and cuts it to
 * `limit` characters. Controls go first, so a secret split by one is still found.
 */
export function clean(text: string, secrets: readonly (string | undefined)[], limit = SHOWN_BODY_LIMIT): string {
  const oneLine = (s: string) => s.replace(CONTROLS, '').replace(LINE_BREAKS, ' ')
  let out = oneLine(text)
  for (const secret of secrets.map(s => s && oneLine(s))) if (secret) out = out.split(secret).join('***')
  out = out.replace(/:(?=:)/g, ': ').trim()
  if (out.length <= limit) return out
  // Cut between characters, never inside a surrogate pair.
  const kept = out.slice(0, /[\uD800-\uDBFF]/.test(out[limit - 1]) ? limit - 1 : limit)
  return `${kept}… (${out.length - kept.length} more characters)`
}
