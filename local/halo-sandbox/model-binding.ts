/** The JSON types Halo's model binder converts into; see {@link bindingErrors}. */
export type FieldType = 'int' | 'number' | 'string' | 'bool' | 'datetime' | 'array' | 'any'

/**
 * Field types of the bodies the sandbox accepts, taken from Halo's OpenAPI schemas (`Faults`,
 * `Actions`, `Area`, ...). A test compares this table with the schemas so the two cannot drift.
 * Fields not listed are stored as sent, as Halo ignores fields it does not know.
 */
export const FIELD_TYPES: Readonly<Record<string, Readonly<Record<string, FieldType>>>> = {
  tickets: {
    id: 'int',
    summary: 'string',
    details: 'string',
    details_html: 'string',
    tickettype_id: 'int',
    client_id: 'int',
    site_id: 'int',
    user_id: 'int',
    user_name: 'string',
    user_email: 'string',
    reportedby: 'string',
    priority_id: 'int',
    status_id: 'int',
    sla_id: 'int',
    impact: 'int',
    urgency: 'int',
    team: 'string',
    agent_id: 'int',
    category_1: 'string',
    category_2: 'string',
    category_3: 'string',
    category_4: 'string',
    source: 'int',
    third_party_id: 'int',
    third_party_id_string: 'string',
    inventory_number: 'string',
    targetdate: 'datetime',
    startdate: 'datetime',
    deadlinedate: 'datetime',
    dont_do_rules: 'bool',
    customfields: 'array',
    assets: 'array',
    parent_id: 'int',
    createdfrom_id: 'int',
    contract_id: 'int',
  },
  actions: {
    id: 'int',
    ticket_id: 'int',
    outcome: 'string',
    outcome_id: 'int',
    note: 'string',
    note_html: 'string',
    hiddenfromuser: 'bool',
    important: 'bool',
    new_status: 'int',
    sendemail: 'bool',
    timetaken: 'number',
    dont_do_rules: 'bool',
  },
  client: { id: 'int', name: 'string', toplevel_id: 'int', inactive: 'bool', notes: 'string' },
  site: { id: 'int', name: 'string', client_id: 'number', inactive: 'bool', sla_id: 'int' },
  users: {
    id: 'int',
    name: 'string',
    site_id: 'number',
    client_id: 'int',
    emailaddress: 'string',
    firstname: 'string',
    surname: 'string',
    inactive: 'bool',
  },
  asset: {
    id: 'int',
    inventory_number: 'string',
    key_field: 'string',
    key_field2: 'string',
    key_field3: 'string',
    client_id: 'int',
    site_id: 'int',
    assettype_id: 'int',
    inactive: 'bool',
  },
  tickettype: { id: 'int', name: 'string', initial_status: 'int', default_sla: 'int' },
  status: { id: 'int', name: 'string', shortname: 'string', type: 'int', colour: 'string' },
  priority: { slaid: 'int', priorityid: 'int', name: 'string' },
  outcome: { id: 'int', outcome: 'string', buttonname: 'string', hidden: 'bool' },
  agent: { id: 'int', name: 'string', email: 'string', team: 'string', isdisabled: 'bool' },
  team: { id: 'int', name: 'string', inactive: 'bool' },
  lookup: { id: 'int', lookupid: 'int', name: 'string', inactive: 'bool' },
}

/** Typed fields inside array elements (`customfields: [{ id, value }]`, `assets: [{ id }]`). */
export const ELEMENT_TYPES: Readonly<Record<string, Readonly<Record<string, FieldType>>>> = {
  customfields: { id: 'int' },
  assets: { id: 'int' },
}

const INTEGER = /^-?\d+$/

// Halo's binder is lenient the way Json.NET is: numbers in strings and numbers as strings are
// converted, and `null` clears a nullable field. It refuses what cannot convert, such as `95.0`
// for an integer (CIPP casts ids to int because Halo rejected that).
const accepts = (type: FieldType, value: unknown): boolean => {
  if (value === null || type === 'any') return true
  switch (type) {
    case 'int':
      return (
        (typeof value === 'number' && Number.isInteger(value)) ||
        (typeof value === 'string' && INTEGER.test(value.trim()))
      )
    case 'number':
      return (
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
      )
    case 'string':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    case 'bool':
      return typeof value === 'boolean' || value === 'true' || value === 'false'
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value))
    case 'array':
      return Array.isArray(value)
  }
}

const TYPE_NAMES: Record<FieldType, string> = {
  int: 'System.Nullable`1[System.Int32]',
  number: 'System.Nullable`1[System.Double]',
  string: 'System.String',
  bool: 'System.Nullable`1[System.Boolean]',
  datetime: 'System.Nullable`1[System.DateTime]',
  array: 'System.Collections.Generic.List',
  any: 'System.Object',
}

/**
 * Model-binding errors for a POST body, keyed by field path the way ASP.NET reports them
 * (`[0].client_id`). Empty when the body binds. The body must be an array of objects.
 */
export const bindingErrors = (resource: string, body: unknown): Record<string, string[]> => {
  if (!Array.isArray(body)) {
    return {
      '': ['The JSON value could not be converted to a list. The request body must be an array.'],
    }
  }
  const types = FIELD_TYPES[resource] ?? {}
  const errors: Record<string, string[]> = {}
  body.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      errors[`[${index}]`] = ['The JSON value could not be converted to an object.']
      return
    }
    for (const [field, value] of Object.entries(item)) {
      const type = types[field]
      const path = `[${index}].${field}`
      if (type && !accepts(type, value)) {
        errors[path] = [
          `The JSON value could not be converted to ${TYPE_NAMES[type]}. Path: $${path}`,
        ]
        continue
      }
      const elementTypes = ELEMENT_TYPES[field]
      if (type === 'array' && elementTypes && Array.isArray(value)) {
        value.forEach((element: unknown, at) => {
          for (const [key, elementType] of Object.entries(elementTypes)) {
            const inner = (element as Record<string, unknown> | null)?.[key]
            if (inner !== undefined && !accepts(elementType, inner)) {
              const innerPath = `${path}[${at}].${key}`
              errors[innerPath] = [
                `The JSON value could not be converted to ${TYPE_NAMES[elementType]}. Path: $${innerPath}`,
              ]
            }
          }
        })
      }
    }
  })
  return errors
}

/** Converts a bound value to what Halo would store (`"12"` → 12 for ints). */
export const coerceField = (resource: string, field: string, value: unknown): unknown => {
  const type = FIELD_TYPES[resource]?.[field]
  if (value === null || value === undefined) return value
  if ((type === 'int' || type === 'number') && typeof value === 'string') return Number(value)
  if (type === 'bool' && typeof value === 'string') return value === 'true'
  if (type === 'string' && typeof value !== 'string') return String(value)
  return value
}
