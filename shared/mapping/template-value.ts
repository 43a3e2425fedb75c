import * as z from 'zod'

/** A template value: JSON, where strings may embed JSONata as `{% expression %}`. */
export const TemplateValueSchema = z.json()
