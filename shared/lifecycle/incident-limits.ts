// How much of an incident its record keeps (the schema of what it keeps is ./incident-state.ts).

/** Members tracked one by one in an incident's record. */
export const MAX_TRACKED_MEMBERS = 200
/** Members named in one note (or in the incident ticket's details); the rest are counted. */
export const MAX_LISTED_MEMBERS = 25
