import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { createMemoryDeliveryHistory } from '../shared/delivery/memory-delivery-history.js'
import { createSqliteDeliveryHistory } from '../shared/delivery/sqlite-delivery-history.js'
import { LocalStateError } from '../shared/errors.js'
import { createMemoryRateBudget } from '../shared/halo/memory-rate-budget.js'
import type { RateBudgetLimits } from '../shared/halo/rate-budget.js'
import { createSqliteRateBudget } from '../shared/halo/sqlite-rate-budget.js'
import { createMemoryCorrelationStore } from '../shared/lifecycle/memory-correlation-store.js'
import { createSqliteCorrelationStore } from '../shared/lifecycle/sqlite-correlation-store.js'
import type { LocalEventQueueOptions } from '../shared/queue/local-event-queue.js'
import { createMemoryEventQueue } from '../shared/queue/memory-event-queue.js'
import { createSqliteEventQueue } from '../shared/queue/sqlite-event-queue.js'
import { openSqliteDatabase } from '../shared/sqlite-database.js'

/** Where `npm start` keeps its state unless HALO_HOOKS_DATA_DIR says otherwise. */
export const DEFAULT_DATA_DIR = '.halo-hooks'
/** The SQLite file inside the data directory. */
export const DATA_FILE = 'halo-hooks.db'

/** The data directory values that keep everything in memory, as before there was a file. */
const IN_MEMORY = new Set(['memory', ':memory:'])

export type LocalStateOptions = {
  /** A directory (relative to the working directory), or `memory`. @default memory */
  dataDir?: string | undefined
  /** Who holds the file, as another gateway that finds it held is told. */
  owner: string
  /**
   * The Halo delivered to (its URL, and tenant), or undefined for the built-in sandbox. The
   * correlation state and the budget are that instance's; the built-in sandbox starts empty on
   * every start, so what was stored about its tickets is forgotten then.
   */
  halo?: { url: string; tenant?: string | undefined } | undefined
  queue?: LocalEventQueueOptions
}

/** Names a Halo instance in the file: its URL without a trailing slash, and its tenant. */
const haloInstance = (halo: LocalStateOptions['halo']) =>
  halo
    ? `${halo.url.replace(/\/+$/, '')}${halo.tenant ? ` tenant ${halo.tenant}` : ''}`
    : 'built-in sandbox'

const inMemory = (options: LocalStateOptions) => ({
  file: undefined,
  openedAtVersion: undefined,
  backupFile: undefined,
  queue: createMemoryEventQueue(options.queue),
  store: createMemoryCorrelationStore(),
  history: createMemoryDeliveryHistory(),
  budget: (limits: RateBudgetLimits) => createMemoryRateBudget(limits),
  describeOwner(_description: string) {},
  close() {},
})

/**
 * The local gateway's state: the queue with its dead letters, the correlation state, the rate
 * budget and the delivery history. In the SQLite file `<dataDir>/halo-hooks.db` (held by this
 * process alone while it runs, so a restart carries on where the last run stopped), or in
 * memory when `dataDir` is `memory`.
 *
 * @throws LocalStateError when the directory or its file cannot be used; the message names the
 *   directory, HALO_HOOKS_DATA_DIR and the fix.
 */
export const openLocalState = (options: LocalStateOptions) => {
  const dataDir = options.dataDir ?? 'memory'
  if (IN_MEMORY.has(dataDir)) return inMemory(options)
  const dir = resolve(dataDir)
  const file = resolve(dir, DATA_FILE)
  const cannotUse = (error: LocalStateError) =>
    new LocalStateError(
      error.code,
      `halo-hooks cannot use its data directory ${dir} (HALO_HOOKS_DATA_DIR): ${error.message}`,
      { cause: error },
    )
  try {
    mkdirSync(dir, { recursive: true })
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown'
    throw cannotUse(
      new LocalStateError(
        'state_unwritable',
        `it cannot be created (${code}): set HALO_HOOKS_DATA_DIR to a directory this user may write, or HALO_HOOKS_DATA_DIR=memory to keep nothing`,
        { cause: error },
      ),
    )
  }
  let database: ReturnType<typeof openSqliteDatabase>
  try {
    database = openSqliteDatabase(file, { owner: options.owner })
  } catch (error) {
    throw error instanceof LocalStateError ? cannotUse(error) : error
  }
  const { db } = database
  const halo = haloInstance(options.halo)
  return {
    file,
    /** The schema version the file had (0: new), and where it was copied before a migration. */
    openedAtVersion: database.openedAtVersion,
    backupFile: database.backupFile,
    queue: createSqliteEventQueue(db, options.queue),
    store: createSqliteCorrelationStore(db, { halo, fresh: !options.halo }),
    history: createSqliteDeliveryHistory(db),
    budget: (limits: RateBudgetLimits) => createSqliteRateBudget({ db, name: halo, ...limits }),
    describeOwner: (description: string) => database.describeOwner(description),
    close: () => database.close(),
  }
}

export type LocalState = ReturnType<typeof openLocalState>
