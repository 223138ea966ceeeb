/**
 * Faults for the delivery suite, all on 127.0.0.1: Hivel stand-in handlers that misbehave, a port
 * nothing listens on, a CONNECT proxy, and a TLS front with a certificate made at test time.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import tls from 'node:tls'
import type { Handler } from '../script/stand-in.mjs'

/** An answer a handler gives: status, body, headers. */
export interface Reply {
  status: number
  body?: string
  headers?: Record<string, string>
}

/** Answers with one reply. */
export const reply =
  ({ status, body = '', headers = {} }: Reply): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(body)
  }

/** Answers the n-th request with the n-th reply, and every later one with the last. */
export const sequence =
  (...replies: Reply[]): Handler =>
  (req, res, count) =>
    reply(replies[Math.min(count, replies.length) - 1])(req, res, count)

/** Hivel's success, with the trailing comma of its published example. */
export const success = (id: string | number = 'incident-1'): Reply => ({
  status: 200,
  body: `{\n  "message": "Success",\n  "incident_id": ${JSON.stringify(id)},\n}`
})

/** Reads the request and never answers. */
export const neverAnswer: Handler = () => undefined

/** Reads the request, then drops the connection without a word. */
export const resetBeforeAnswer: Handler = (_req, res) => {
  res.socket?.destroy()
}

/** Sends the status and the start of the body, then drops the connection. */
export const resetDuringBody =
  (status: number, start: string): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' })
    res.write(start)
    setTimeout(() => res.socket?.destroy(), 50)
  }

/** Writes `text` a character every `everyMs` (so it takes text.length × everyMs), until the socket closes. */
const drip = (socket: net.Socket | null, write: (text: string) => void, text: string, everyMs: number) => {
  let i = 0
  const timer = setInterval(() => (socket?.destroyed || i >= text.length ? clearInterval(timer) : write(text[i++])), everyMs)
  socket?.on('close', () => clearInterval(timer))
}

/** Drips the status line and headers onto the raw socket, so no status arrives in time. */
export const dripHeaders =
  (everyMs: number): Handler =>
  (_req, res) =>
    drip(
      res.socket,
      text => res.socket?.write(text),
      `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: ${'.'.repeat(200)}\r\n\r\n`,
      everyMs
    )

/** Sends 200 and `start` at once, then drips spaces (each a chunk), so the body never ends in time. */
export const dripBody =
  (start: string, everyMs: number): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.write(start)
    drip(res.socket, text => res.write(text), ' '.repeat(1000), everyMs)
  }

/** Answers with `mebibytes` MiB of body (written as fast as the client reads). */
export const huge =
  (status: number, mebibytes: number): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' })
    const chunk = `{"padding":"${'x'.repeat(64 * 1024 - 16)}"}\n`
    let left = mebibytes * 16
    const more = (): void => {
      while (left-- > 0) if (!res.write(chunk)) return void res.once('drain', more)
      res.end()
    }
    res.on('error', () => undefined)
    more()
  }

/** A port that was bound and then closed: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

/** A TCP server whose sockets are all destroyed on close, so no test waits on a client. */
interface Closable {
  port: number
  /** How many client connections are still open. */
  open: () => number
  close: () => Promise<void>
}

async function listen(server: net.Server): Promise<Closable> {
  const sockets = new Set<net.Socket>()
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    open: () => sockets.size,
    close: () =>
      new Promise(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}

/** A CONNECT proxy, and the request heads it received. */
export interface Proxy extends Closable {
  url: string
  heads: string[]
}

/**
 * An HTTP proxy that tunnels CONNECT to the hosts in `routes` (host:port → a port on 127.0.0.1)
 * and refuses anything else (with `refusal`, 403 by default), so a test never reaches another host. With `silent`, it
 * reads each request and never answers, like a proxy behind a firewall that drops packets.
 */
export async function startConnectProxy(routes: Record<string, number>, { silent = false, refusal = 403 } = {}): Promise<Proxy> {
  const heads: string[] = []
  const server = net.createServer(client => {
    let buffered = Buffer.alloc(0)
    client.on('error', () => undefined)
    const onData = (data: Buffer) => {
      buffered = Buffer.concat([buffered, data])
      const end = buffered.indexOf('\r\n\r\n')
      if (end < 0) return
      client.off('data', onData)
      const head = buffered.subarray(0, end).toString('latin1')
      heads.push(head)
      if (silent) return
      const [method, target] = head.split(' ')
      const port = routes[target]
      if (method !== 'CONNECT' || port === undefined) return void client.end(`HTTP/1.1 ${refusal} Refused\r\nContent-Length: 0\r\n\r\n`)
      const upstream = net.connect(port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(buffered.subarray(end + 4))
        client.pipe(upstream).pipe(client)
      })
      upstream.on('error', () => client.destroy())
      client.on('close', () => upstream.destroy())
    }
    client.on('data', onData)
  })
  const listening = await listen(server)
  return { ...listening, url: `http://127.0.0.1:${listening.port}`, heads }
}

/** A self-signed certificate for one host name, made with openssl; `remove` deletes its files. */
export interface Certificate {
  cert: string
  key: string
  certPath: string
  remove: () => void
}

/** Makes a throwaway certificate for `hostname` (a P-256 key, valid one day). */
export function selfSignedCertificate(hostname: string): Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'hivel-tls-'))
  const certPath = join(dir, 'cert.pem')
  const keyPath = join(dir, 'key.pem')
  execFileSync(
    '/usr/bin/openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${hostname}`,
      '-addext',
      `subjectAltName=DNS:${hostname}`,
      '-keyout',
      keyPath,
      '-out',
      certPath
    ],
    { stdio: 'ignore' }
  )
  return {
    cert: readFileSync(certPath, 'utf8'),
    key: readFileSync(keyPath, 'utf8'),
    certPath,
    remove: () => rmSync(dir, { recursive: true, force: true })
  }
}

/** Terminates TLS with `certificate` and passes the plain bytes to an HTTP server on `port`. */
export async function startTlsFront(certificate: Certificate, port: number): Promise<Closable> {
  const server = tls.createServer({ cert: certificate.cert, key: certificate.key }, secure => {
    const plain = net.connect(port, '127.0.0.1')
    secure.pipe(plain).pipe(secure)
    secure.on('error', () => plain.destroy())
    plain.on('error', () => secure.destroy())
    secure.on('close', () => plain.destroy())
  })
  // tls.Server emits 'connection' for its raw sockets, so close() can end them.
  return listen(server)
}
