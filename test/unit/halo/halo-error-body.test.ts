import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseHaloErrorBody } from '../../../shared/halo/halo-error-body.js'

describe('parseHaloErrorBody', () => {
  it('reads Message from a serialised .NET exception', () => {
    const body = JSON.stringify({
      ClassName: 'System.Exception',
      Message: 'An Outcome must be entered for this Action',
      Data: null,
    })

    expect(parseHaloErrorBody(body)).toEqual({
      message: 'An Outcome must be entered for this Action',
    })
  })

  it('reads flat field-keyed model-binding errors', () => {
    const body = JSON.stringify({ '[0].client_id': ['The JSON value could not be converted.'] })

    expect(parseHaloErrorBody(body)).toEqual({
      message: '[0].client_id: The JSON value could not be converted.',
      fieldErrors: { '[0].client_id': ['The JSON value could not be converted.'] },
    })
  })

  it('reads ASP.NET problem details with errors under "errors"', () => {
    const body = JSON.stringify({
      title: 'One or more validation errors occurred.',
      status: 400,
      errors: { id: ['The value is not valid.'] },
    })

    expect(parseHaloErrorBody(body)).toEqual({
      message: 'One or more validation errors occurred.',
      fieldErrors: { id: ['The value is not valid.'] },
    })
  })

  it('keeps the OAuth code in front of its description', () => {
    const body = JSON.stringify({ error: 'invalid_client', error_description: 'Bad secret.' })

    expect(parseHaloErrorBody(body)).toEqual({
      message: 'invalid_client: Bad secret.',
      code: 'invalid_client',
    })
  })

  it('reads a bare {error}', () => {
    expect(parseHaloErrorBody('{"error":"invalid_scope"}')).toEqual({
      message: 'invalid_scope',
      code: 'invalid_scope',
    })
  })

  it('gives no OAuth code to a body whose message is not an error description', () => {
    expect(parseHaloErrorBody('{"error":"x","Message":"Boom"}')).toEqual({ message: 'Boom' })
  })

  it('reads {resultCode, errorMessage}', () => {
    expect(parseHaloErrorBody('{"resultCode":3,"errorMessage":"No access"}').message).toBe(
      'No access',
    )
  })

  it('reads plain text and a JSON string', () => {
    expect(
      parseHaloErrorBody('CODE:APP03/2 Please select the CAB members to approve').message,
    ).toBe('CODE:APP03/2 Please select the CAB members to approve')
    expect(parseHaloErrorBody('"Ticket not found"').message).toBe('Ticket not found')
  })

  it('returns nothing for an empty body', () => {
    expect(parseHaloErrorBody('  ')).toEqual({})
  })

  it('clips long bodies such as an HTML error page', () => {
    const parsed = parseHaloErrorBody(`<html>${'x'.repeat(5000)}</html>`)

    expect(parsed.message?.length).toBeLessThanOrEqual(501)
  })

  it('never throws, whatever the body', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const parsed = parseHaloErrorBody(text)
        expect(typeof parsed).toBe('object')
      }),
    )
  })
})
