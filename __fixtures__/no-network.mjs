/**
 * Preloaded (NODE_OPTIONS=--import) into every Node process of a command under test: any TCP
 * connection it tries (to any host, 127.0.0.1 included) is refused before a byte leaves, and written
 * as one line, host:port, to the file NO_NETWORK_LOG names. Local pipes (tsx's IPC) are allowed.
 */
import { appendFileSync } from 'node:fs'
import net from 'node:net'

const file = process.env.NO_NETWORK_LOG
if (!file) throw new Error('NO_NETWORK_LOG is not set')
const connect = net.Socket.prototype.connect

net.Socket.prototype.connect = /** @type {typeof connect} */ (
  function (/** @type {any[]} */ ...args) {
    // net.connect passes [options, callback] normalised; a direct call may pass (port, host) or (path).
    const first = Array.isArray(args[0]) ? args[0][0] : args[0]
    const options =
      typeof first === 'object' && first !== null ? first : typeof first === 'string' ? { path: first } : { port: first, host: args[1] }
    if (options.path) return connect.apply(this, /** @type {any} */ (args))
    appendFileSync(file, `${options.host ?? 'localhost'}:${options.port}\n`)
    process.nextTick(() => this.destroy(new Error(`no network here: a connection to ${options.host}:${options.port} was refused`)))
    return this
  }
)
