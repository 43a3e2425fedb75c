import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startGateway } from '../../local/gateway.js'
import { silentLogger } from '../../shared/observability.js'
import { createMemorySecretStore } from '../../shared/secrets/memory-secret-store.js'
import { BENCH_SECRETS, benchCompiled } from './bench-config.js'

// A server for the ingest benchmark, run in its own process so that the load generator and the
// server do not share an event loop. `gateway`: the whole local pipeline (`npm start` with the
// Halo sandbox, logging off). `bare`: node:http reading the body and answering 202, the baseline.
// Prints `READY <url>` once listening; SIGTERM prints `STATS <json>` and exits.

const mode = process.argv[2]

const startBare = async () => {
  const server = createServer((request, response) => {
    request.on('data', () => {})
    request.on('end', () => {
      response.writeHead(202, { 'content-type': 'application/json' })
      response.end('{"accepted":1,"ids":["bare"]}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({}),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const startPipeline = async () => {
  const gateway = await startGateway({
    compiled: benchCompiled(),
    secrets: createMemorySecretStore(BENCH_SECRETS),
    logger: silentLogger,
    port: 0,
    hostname: '127.0.0.1',
  })
  return {
    url: gateway.url,
    stats: () => ({ ...gateway.queue.stats(), tickets: gateway.sandbox?.tickets().length ?? 0 }),
    close: () => gateway.close(),
  }
}

const main = async () => {
  if (mode !== 'bare' && mode !== 'gateway') throw new Error('usage: ingest-server.ts bare|gateway')
  const server = mode === 'bare' ? await startBare() : await startPipeline()
  process.stdout.write(`READY ${server.url}\n`)
  process.once('SIGTERM', () => {
    process.stdout.write(`STATS ${JSON.stringify(server.stats())}\n`)
    void server.close().finally(() => process.exit(0))
    setTimeout(() => process.exit(0), 2_000).unref()
  })
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
