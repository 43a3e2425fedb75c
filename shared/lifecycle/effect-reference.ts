/** How every reference of ours begins: an action carrying it was written by halo-hooks. */
export const EFFECT_REFERENCE_PREFIX = '[halo-hooks ref '

/**
 * The reference every action we add carries, so that after a timeout we can tell whether Halo
 * saved it (Halo has no idempotency key): the envelope id is unique per event.
 */
export const effectReference = (envelopeId: string) => `${EFFECT_REFERENCE_PREFIX}${envelopeId}]`
