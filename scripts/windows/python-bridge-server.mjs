// The Linux side of scripts/windows/python-bridge.c: runs python3 for the
// Windows processes of `npm run test:windows`, translating Wine paths
// (Z:\tmp\x → /tmp/x, C:\… → the prefix's drive_c) in the arguments, the
// directory and the environment.
import { spawn } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'

/**
 * A Windows path as Wine maps it to this machine's file system, or null.
 * @param {string} s
 * @param {string} prefix the Wine prefix
 */
export function unixPath(s, prefix) {
  const m = /^(?:\\\\\?\\)?([A-Za-z]):[\\/](.*)$/s.exec(s)
  if (!m) return null
  const [, letter = '', tail = ''] = m
  const rest = tail.replace(/\\/g, '/')
  const drive = letter.toUpperCase()
  if (drive === 'Z') return '/' + rest
  if (drive === 'C') return path.join(prefix, 'drive_c', rest)
  return null
}

// Windows variables that must not reach a Linux process as they are.
const WINDOWS_ONLY = /^(PATH|PATHEXT|COMSPEC|SYSTEMROOT|SYSTEMDRIVE|WINDIR|PROGRAMDATA|PROGRAMFILES.*|PROGRAMW6432|COMMONPROGRAM.*|ALLUSERSPROFILE|APPDATA|LOCALAPPDATA|USERPROFILE|PUBLIC|HOMEDRIVE|HOMEPATH|OS|PROCESSOR_.*|NUMBER_OF_PROCESSORS|COMPUTERNAME|USERDOMAIN|USERNAME|WINE.*|PYTHONHOME|PYTHONPATH|NODE_OPTIONS|=.*)$/i

/**
 * Starts the server on a free localhost port; resolves to { port, close }.
 * `env` is the base environment of every python3 (the pass's TZ among it).
 * @param {{ prefix: string, python?: string, env?: NodeJS.ProcessEnv }} options
 * @returns {Promise<{ port: number, close: () => void }>}
 */
export function startPythonBridge({ prefix, python = 'python3', env = process.env }) {
  /** @type {Set<import('node:child_process').ChildProcess>} */
  const children = new Set()
  const server = net.createServer((sock) => {
    /** @type {string[]} */
    const args = []
    let cwd = process.cwd()
    const vars = { ...env }
    /** @type {import('node:child_process').ChildProcessWithoutNullStreams | null} */
    let child = null
    let buf = Buffer.alloc(0)
    /**
     * @param {string} kind
     * @param {Buffer} payload
     */
    const send = (kind, payload) => {
      if (sock.destroyed) return
      const h = Buffer.alloc(5)
      h.write(kind, 0, 'latin1')
      h.writeUInt32LE(payload.length, 1)
      sock.write(Buffer.concat([h, payload]))
    }
    const start = () => {
      const argv = args.map((a) => unixPath(a, prefix) ?? a)
      const c = spawn(python, argv, { cwd, env: vars, stdio: ['pipe', 'pipe', 'pipe'] })
      child = c
      children.add(c)
      c.stdout.on('data', (d) => send('O', d))
      c.stderr.on('data', (d) => send('R', d))
      c.stdin.on('error', () => {})
      c.on('error', (e) => {
        send('R', Buffer.from(`python-bridge: cannot run ${python}: ${e.message}\n`))
        const x = Buffer.alloc(4)
        x.writeInt32LE(127)
        send('X', x)
        sock.end()
      })
      c.on('close', (code, signal) => {
        children.delete(c)
        const x = Buffer.alloc(4)
        x.writeInt32LE(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15))
        send('X', x)
        sock.end()
      })
    }
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d])
      while (buf.length >= 5) {
        const n = buf.readUInt32LE(1)
        if (buf.length < 5 + n) break
        const kind = String.fromCharCode(buf.readUInt8(0))
        const payload = buf.subarray(5, 5 + n)
        buf = buf.subarray(5 + n)
        const text = () => payload.toString('utf8')
        if (kind === 'A') args.push(text())
        else if (kind === 'C') cwd = unixPath(text(), prefix) ?? cwd
        else if (kind === 'E') {
          const t = text()
          const i = t.indexOf('=', 1)
          const name = t.slice(0, i)
          if (i > 0 && !WINDOWS_ONLY.test(name)) vars[name] = t.slice(i + 1)
        } else if (kind === 'G') start()
        else if (kind === 'I') child?.stdin.write(Buffer.from(payload))
        else if (kind === 'Z') child?.stdin.end()
      }
    })
    // The Windows side was killed (or finished): python3 must not outlive it.
    const gone = () => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
    sock.on('close', gone)
    sock.on('error', gone)
  })
  return new Promise((resolve, reject) => {
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      // Listening on TCP: the address is an AddressInfo, not a pipe's name.
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
      resolve({
        port,
        close: () => {
          for (const c of children) c.kill('SIGKILL')
          server.close()
        },
      })
    })
  })
}
