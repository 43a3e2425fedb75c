import { describe, expect, it } from 'vitest'
import type { HaloTarget } from '../../../local/doctor-findings.js'
import { checkHaloCredentials, startupLines } from '../../../local/halo-doctor.js'
import { createHaloClient } from '../../../shared/halo/halo-client.js'
import { json, type ScriptedAnswer, scriptedFetch } from '../../support/halo/scripted-fetch.js'

const target: HaloTarget = {
  url: 'https://acme.halo.test',
  tenant: undefined,
  clientId: 'id',
  clientSecret: 'secret',
  from: {
    url: 'HALO_URL',
    tenant: 'HALO_TENANT',
    clientId: 'halo.clientId in secrets.json',
    clientSecret: 'halo.clientSecret in secrets.json',
  },
}

/** What `npm start` concludes when the token endpoint answers `answer`. */
const verdictFor = (answer: () => ScriptedAnswer) => {
  const { fetch } = scriptedFetch(answer)
  const halo = createHaloClient({
    baseUrl: target.url,
    clientId: target.clientId,
    clientSecret: target.clientSecret,
    discover: false,
    fetch,
    maxAttempts: 1,
  })
  return checkHaloCredentials(halo, target)
}

describe('checkHaloCredentials (the start-up check of npm start)', () => {
  it.each([
    [
      'an unknown client id',
      () =>
        json(
          { error: 'invalid_client', error_description: "The specified 'client_id' is invalid." },
          401,
        ),
      'client_id_unknown',
      /set halo\.clientId in secrets\.json to the Client ID/,
    ],
    [
      'a refusal that does not say which credential',
      () => json({ error: 'invalid_client' }, 401),
      'credentials_refused',
      /check halo\.clientId in secrets\.json and halo\.clientSecret in secrets\.json/,
    ],
    [
      'a tenant the auth server does not take',
      () =>
        json(
          {
            error: 'invalid_client',
            error_description: 'The tenant is not valid for this client.',
          },
          401,
        ),
      'tenant_wrong',
      /set HALO_TENANT to your hosted Halo's tenant/,
    ],
    [
      'a refused scope',
      () => json({ error: 'invalid_scope', error_description: 'not allowed' }, 400),
      'scope_refused',
      /the "all" permission/,
    ],
    [
      'another refusal',
      () => json({ error: 'invalid_request', error_description: 'The grant is malformed.' }, 400),
      'token_refused',
      /check halo\.clientId in secrets\.json, /,
    ],
    [
      'no token endpoint',
      () => new Response('Not Found', { status: 404 }),
      'url_not_halo',
      /set HALO_URL to your Halo instance's root/,
    ],
    [
      'an auth server that fails',
      () => json({ Message: 'busy' }, 503),
      'token_failed',
      /try again in a few minutes/,
    ],
  ])('names %s', async (_, answer, code, fix) => {
    const finding = await verdictFor(answer)

    expect(finding).toMatchObject({ status: 'problem', code })
    expect(finding.fix).toMatch(fix)
  })

  it('names a token granted without the scope asked for', async () => {
    const finding = await verdictFor(() => json({ access_token: 't', scope: 'read:tickets' }))

    expect(finding).toMatchObject({ status: 'problem', code: 'scope_missing' })
    expect(finding.detail).toContain('Halo granted only "read:tickets", not "all"')
  })

  it('is ok when Halo issues the token', async () => {
    const finding = await verdictFor(() => json({ access_token: 't', scope: 'all' }))

    expect(finding).toMatchObject({ status: 'ok', check: 'token' })
  })
})

describe('startupLines', () => {
  it('says a refusal parks every alert, and a failure only delays them', () => {
    const refused = startupLines({
      check: 'token',
      status: 'problem',
      code: 'secret_wrong',
      detail: 'Halo refused the secret',
      fix: 'set HALO_CLIENT_SECRET',
    })
    const down = startupLines({
      check: 'Halo URL',
      status: 'problem',
      code: 'url_unreachable',
      detail: 'no answer',
      fix: 'check HALO_URL',
    })

    expect(refused).toContain(
      '  !! every alert will be parked (config_invalid) until this is fixed',
    )
    expect(refused).toContain(
      '  !! fix: set HALO_CLIENT_SECRET; then restart npm start (npm run doctor checks everything)',
    )
    expect(down).toContain('  !! deliveries will be retried until Halo answers')
  })
})
