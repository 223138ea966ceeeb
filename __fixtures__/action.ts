/** Typed access to the shared harness that runs dist/index.js as the runner does. */
export { runAction, parseOutputFile, ACTION, REPO } from '../script/run-action.mjs'
export type { RunOptions, RunResult } from '../script/run-action.mjs'
export { startServer, hivel, githubApi } from '../script/stand-in.mjs'
export type { Received, Server, Handler } from '../script/stand-in.mjs'

/** A token that must never appear in any output. */
export const TOKEN = 'hvl_s3cr3t_T0KEN_never_print_me'

/** A time this many minutes ago, as ISO 8601. */
export const minutesAgo = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString()
