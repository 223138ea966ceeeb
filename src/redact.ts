/** Makes text from servers and inputs safe to print in a workflow log. */

/** How much of a response body is ever shown. */
export const SHOWN_BODY_LIMIT = 500

/**
 * Removes every secret, control characters (which could rewrite the log) and `::` sequences
 * (which the runner would read as workflow commands), and cuts the text to `limit` characters.
 */
export function clean(text: string, secrets: readonly (string | undefined)[], limit = SHOWN_BODY_LIMIT): string {
  let out = text
  for (const secret of secrets) if (secret) out = out.split(secret).join('***')
  out = out
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '') // eslint-disable-line no-control-regex
    .replace(/::/g, ': :')
    .replace(/\n+/g, ' ')
    .trim()
  return out.length > limit ? `${out.slice(0, limit)}… (${out.length - limit} more characters)` : out
}
