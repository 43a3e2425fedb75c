import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Runs an npm script as a user would, collecting its output. */
export const runNpm = (args: string[], env: Record<string, string> = {}) => {
  const child = spawn('npm', ['run', '--silent', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so `interrupt` reaches every process as Ctrl-C in a terminal does.
    detached: true,
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const signal = (name: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
    try {
      process.kill(-child.pid, name)
    } catch (error) {
      // The group is gone already (its leader died of an earlier signal).
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
    }
  }
  /** Ctrl-C in a terminal: every process of the group gets SIGINT. */
  const interrupt = () => signal('SIGINT')
  /** `kill -9` of the whole group: nothing gets to finish or clean up. */
  const kill = () => signal('SIGKILL')
  const groupAlive = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 0)
      return true
    } catch {
      return false
    }
  }
  return { child, output: () => output, exited, interrupt, kill, groupAlive }
}

/** Resolves with the first match of `pattern` in the process's output, or rejects on exit. */
export const waitForOutput = (
  run: { child: ChildProcess; output: () => string; exited: Promise<number | null> },
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<RegExpMatchArray> =>
  new Promise((resolve, reject) => {
    const check = () => {
      const match = run.output().match(pattern)
      if (match) {
        cleanup()
        resolve(match)
      }
    }
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${run.output()}`))
    }, timeoutMs)
    const onExit = () => {
      check()
      cleanup()
      reject(new Error(`process exited before ${pattern}; output:\n${run.output()}`))
    }
    const cleanup = () => {
      clearTimeout(timer)
      run.child.stdout?.off('data', check)
      run.child.stderr?.off('data', check)
      run.child.off('exit', onExit)
    }
    run.child.stdout?.on('data', check)
    run.child.stderr?.on('data', check)
    run.child.on('exit', onExit)
    check()
  })

/** Polls `probe` until it returns a value other than undefined. */
export const eventually = async <T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
