/** Text from users made safe inside the job summary's markdown. */

/** A markdown table cell: no column breaks, no formatting, no HTML, on one line. */
export const escapeCell = (text: string): string => text.replace(/[|\\`*_<>[\]]/g, c => `\\${c}`).replace(/\r?\n/g, ' ')

/** Text inside HTML, such as a <summary>, where markdown escapes do not apply. */
export const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
