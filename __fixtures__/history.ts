/** Typed access to the shared stand-in of a repository's GitHub history (script/history-stand-in.mjs). */
export { runOf, startHistory } from '../script/history-stand-in.mjs'
export type { CommentData, History, HistoryStandIn, RunData } from '../script/history-stand-in.mjs'
