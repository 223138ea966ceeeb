/**
 * Preloaded into the built action (NODE_OPTIONS=--import) to tell whether undici ran. Evaluating
 * undici installs its global dispatcher under this symbol (undici/lib/global.js), as Node's own
 * fetch does on first use; at exit the probe writes "true" or "false" to UNDICI_PROBE_FILE.
 */
import { writeFileSync } from 'node:fs'

const file = process.env.UNDICI_PROBE_FILE
if (!file) throw new Error('UNDICI_PROBE_FILE is not set')
const dispatcher = Symbol.for('undici.globalDispatcher.1')
process.on('exit', () => writeFileSync(file, String(Reflect.get(globalThis, dispatcher) !== undefined)))
