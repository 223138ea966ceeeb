/** Typed access to the shared harness that runs dist/index.js as the runner does. */
import { afterAll, beforeAll, beforeEach } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hivel, Received, startServer, Server } from '../script/stand-in.mjs'
export { runAction, parseOutputFile, ACTION, REPO } from '../script/run-action.mjs'
export type { RunOptions, RunResult } from '../script/run-action.mjs'
export { startServer, hivel, githubApi } from '../script/stand-in.mjs'
export type { Received, Server, Handler } from '../script/stand-in.mjs'

/** A token that must never appear in any output. */
export const TOKEN = 'hvl_s3cr3t_T0KEN_never_print_me'

/** A time this many minutes ago, as ISO 8601. */
export const minutesAgo = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString()

/**
 * The stand-in Hivel of a test file, as Hivel's docs describe it: started before the file's tests,
 * emptied before each, closed after them.
 */
export function useHivel(): { readonly url: string; readonly requests: Received[] } {
  let server: Server | undefined
  beforeAll(async () => {
    server = await startServer(hivel)
  })
  afterAll(() => server?.close())
  beforeEach(() => {
    if (server) server.requests.length = 0
  })
  const started = () => {
    if (!server) throw new Error('useHivel(): the stand-in starts in beforeAll')
    return server
  }
  return {
    get url() {
      return started().url
    },
    get requests() {
      return started().requests
    }
  }
}

/** Makes this process's run an event, as the runner does: the payload written to a file in dir, its name and path in the env. */
export function setEvent(dir: string, name: string, payload: object): void {
  const path = join(dir, 'event.json')
  writeFileSync(path, JSON.stringify(payload))
  Object.assign(process.env, { GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: path })
}
