/** Fitting text into Hivel's fields without breaking what a reader sees: characters and links. */

/** Hivel's limit for every string field, in UTF-16 code units (JavaScript's length). */
export const FIELD_LIMIT = 255

const ELLIPSIS = '…'
/** Below this, a description would be all link and no words, so the link is left out. */
const LINK_MIN_TEXT = 40

// Made on the first cut only: constructing a segmenter loads ICU's break rules, about 30 ms of start-up
// that most runs, whose text fits, would pay for nothing.
let graphemes: Intl.Segmenter | undefined

/**
 * Cuts text to `limit`, ending in an ellipsis, between the characters a reader sees (grapheme
 * clusters), so a flag, an emoji with a skin tone or a letter with its accent is kept or dropped whole.
 */
export function truncate(text: string, limit = FIELD_LIMIT): string {
  if (text.length <= limit) return text
  let end = 0
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })
  for (const { index, segment } of graphemes.segment(text)) {
    if (index + segment.length > limit - ELLIPSIS.length) break
    end = index + segment.length
  }
  return `${text.slice(0, end)}${ELLIPSIS}`
}

/**
 * Text followed by a link, as "text (link)", within `limit`: the text is cut, never the link. A
 * link too long to leave the text room to say something is left out, and the text alone is cut.
 */
export function withLink(text: string, link: string | undefined, limit = FIELD_LIMIT): string {
  if (!link) return truncate(text, limit)
  const full = `${text} (${link})`
  if (full.length <= limit) return full
  const room = limit - link.length - ' ()'.length
  return room < LINK_MIN_TEXT ? truncate(text, limit) : `${truncate(text, room)} (${link})`
}

/** Text ending in a link, as "… until https://…", within `limit`: the text is cut, never the link. */
export function linkAfter(text: string, link: string, limit = FIELD_LIMIT): string {
  const full = `${text} ${link}`
  if (full.length <= limit) return full
  const room = limit - link.length - 1
  return room < LINK_MIN_TEXT ? truncate(text, limit) : `${truncate(text, room)} ${link}`
}
