import { HaloApiError } from '../errors.js'
import type { HaloClient } from '../halo/halo-client.js'
import { effectReference } from '../lifecycle/effect-reference.js'
import type { HaloCommand, HaloCommandKind } from '../mapping/halo-command.js'

/** The Halo calls delivery makes. */
export type DeliveryHalo = Pick<
  HaloClient,
  'createTicket' | 'addAction' | 'getTicket' | 'listActions' | 'findTicketsByThirdPartyId' | 'busy'
>

/** A Halo request as it would be sent, for the dry run. */
export type HaloCall = { method: 'POST'; path: string; body: unknown[] }

/** What an interrupted write is recognised by in Halo. */
export type WriteTrace = {
  /** The envelope whose write it was: its reference is in every action we add. */
  envelopeId: string
  /** The ticket the problem had before the write; a ticket it created has a higher id. */
  previousTicketId: number | undefined
}

type CommandRunner<Command extends HaloCommand> = {
  /** Makes the call; resolves with the ticket it created or touched. */
  run: (command: Command, halo: DeliveryHalo) => Promise<number>
  /** Whether the call was made before (it reached Halo); the ticket it touched when it was. */
  find: (command: Command, trace: WriteTrace, halo: DeliveryHalo) => Promise<number | undefined>
  /** The request as it would be sent. */
  call: (command: Command) => HaloCall
}

/**
 * How each kind of Halo command is made, recognised after an interruption, and shown in the dry
 * run. Halo has no idempotency key, so each kind carries its own trace: a ticket its
 * route-scoped `third_party_id_string`, an action the envelope's reference in its note.
 */
const runners: { [Kind in HaloCommandKind]: CommandRunner<Extract<HaloCommand, { kind: Kind }>> } =
  {
    createTicket: {
      run: async ({ ticket }, halo) => (await halo.createTicket(ticket)).id,
      async find({ ticket }, { previousTicketId = 0 }, halo) {
        const identity = ticket.third_party_id_string
        if (identity === undefined) return undefined
        // Closed ones too: a rule or a technician may have closed it since. Only tickets newer
        // than the problem's previous one can be the one this write created.
        const created = await halo.findTicketsByThirdPartyId(identity, {
          openOnly: false,
          afterId: previousTicketId,
        })
        return created.length ? Math.max(...created.map(({ id }) => id)) : undefined
      },
      call: ({ ticket }) => ({ method: 'POST', path: '/api/Tickets', body: [ticket] }),
    },
    addAction: {
      async run({ action }, halo) {
        await halo.addAction(action)
        return action.ticket_id
      },
      async find({ action }, { envelopeId }, halo) {
        const reference = effectReference(envelopeId)
        const actions = await halo.listActions(action.ticket_id).catch((error: unknown) => {
          // A ticket deleted since has no action of ours: the write itself will say what Halo thinks.
          if (error instanceof HaloApiError && error.status === 404) return []
          throw error
        })
        const ours = actions.some(({ note, note_html }) =>
          [note, note_html].some((text) => text?.includes(reference)),
        )
        return ours ? action.ticket_id : undefined
      },
      call: ({ action }) => ({ method: 'POST', path: '/api/Actions', body: [action] }),
    },
  }

const runnerOf = (command: HaloCommand) =>
  // One lookup by kind; the table's type ties each entry to its own command shape.
  runners[command.kind] as CommandRunner<HaloCommand>

/** Makes a command's Halo call; resolves with the ticket it created or touched. */
export const runCommand = (command: HaloCommand, halo: DeliveryHalo) =>
  runnerOf(command).run(command, halo)

/** Whether an interrupted command reached Halo; the ticket it touched when it did. */
export const findCommand = (command: HaloCommand, trace: WriteTrace, halo: DeliveryHalo) =>
  runnerOf(command).find(command, trace, halo)

/** A command as the request it would send. */
export const callOf = (command: HaloCommand): HaloCall => runnerOf(command).call(command)
