import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import { mockClient } from 'aws-sdk-client-mock'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WRITE_TEST_SUMMARY } from '../../../local/doctor-write-test.js'
import { SANDBOX_CREDENTIALS } from '../../../local/halo-sandbox/halo-sandbox.js'
import { createSeed } from '../../../local/halo-sandbox/seed.js'
import { doctor, doctorRoute, sandboxEnv, useConfigFiles } from '../../support/doctor.js'
import { useHaloSandbox } from '../../support/halo/halo-sandbox-fixture.js'

const files = useConfigFiles()

/** A config of one route `alerts`, with these overrides. */
const oneRoute = (overrides: Record<string, unknown> = {}) =>
  files.write({ routes: { alerts: doctorRoute(overrides) } })

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at \S+ \(/)

describe('npm run doctor against a correct Halo', () => {
  const halo = useHaloSandbox()

  it('passes the shipped config, reading only: every request is a GET or the token', async () => {
    const { code, text } = await doctor([], sandboxEnv(halo))

    expect(code).toBe(0)
    expect(text).toContain('everything ok; nothing was written to Halo')
    expect(text).toMatch(/ok +agent: acts as agent "API Agent" \(id 1\), member of Service Desk/)
    expect(text).toMatch(/route prometheus\n/)
    expect(text).not.toContain('problem')
    const requests = halo.sandbox.requests()
    expect(requests.length).toBeGreaterThan(10)
    expect(requests.filter((r) => r.method !== 'GET').map((r) => r.path)).toEqual([
      'post /auth/token',
    ])
    expect(halo.sandbox.tickets()).toEqual([])
  })

  it('checks every fixed id of a route, and passes a ticket type whose mandatory fields it sets', async () => {
    const config = oneRoute({
      ticket: {
        tickettype_id: 22,
        client_id: 12,
        site_id: 21,
        priority_id: 2,
        team: 'Service Desk',
        category_1: 'Security>Phishing',
        customfields: [{ id: 201, value: 'Email' }],
      },
      lifecycle: { outcome: 'internal note', afterClosed: 'reopen' },
      tenant: {
        lookupClientByName: true,
        asset: 'hostname',
        fallbackClientId: 1,
        contact: { name: '{% alert.labels.contact %}' },
      },
    })

    const { code, text } = await doctor(['--config', config], sandboxEnv(halo))

    expect(code).toBe(0)
    for (const line of [
      /ok +ticket type 22: "Security Incident" exists; the route sets every field it requires/,
      /ok +category_1: "Security>Phishing" is allowed by ticket type 22/,
      /ok +client 12: Acme Dental/,
      /ok +client 1: Halo Hooks MSP \(internal\) \(routes\.alerts\.tenant\.fallbackClientId\)/,
      /ok +site 21: Main Surgery/,
      /ok +priority 2: High/,
      /ok +team: "Service Desk" \(the API agent is a member\)/,
      /ok +status 9: "Closed" closes tickets/,
      /ok +status 1: "New" \(lifecycle\.reopenStatusId\)/,
      /ok +outcome: notes with "Internal Note"/,
      /ok +client lookup: can search clients by name/,
      /ok +asset lookup: can read assets/,
      /ok +contact lookup: can search users \(tenant\.contact\)/,
    ]) {
      expect(text).toMatch(line)
    }
  })

  it('--write-test creates exactly one labelled ticket, notes it with the outcome and closes it', async () => {
    const { code, text } = await doctor(['--write-test', '--route', 'prometheus'], sandboxEnv(halo))

    expect(code).toBe(0)
    const tickets = halo.sandbox.tickets()
    expect(tickets).toHaveLength(1)
    const [ticket] = tickets
    expect(ticket).toMatchObject({
      summary: WRITE_TEST_SUMMARY,
      tickettype_id: 21,
      // The route fixes no client: the one its tenant policy falls back to.
      client_id: 1,
      category_1: 'Monitoring>Prometheus',
      status_id: 9,
      hasbeenclosed: true,
    })
    expect(ticket?.actions.map((a) => [a.outcome, a.hiddenfromuser, a.new_status])).toEqual([
      ['Private Note', true, undefined],
      ['Private Note', true, 9],
    ])
    const writes = halo.sandbox.requests().filter((r) => r.method === 'POST')
    expect(writes.map((r) => r.path)).toEqual([
      'post /auth/token',
      'post /api/tickets',
      'post /api/actions',
      'post /api/actions',
    ])
    expect(text).toMatch(
      new RegExp(`ok +write test: created ticket ${ticket?.id}, noted it with "Private Note"`),
    )
  })

  it('--write-test writes nothing when a check found a problem', async () => {
    const config = oneRoute({ ticket: { tickettype_id: 999, client_id: 12 } })

    const { code } = await doctor(['--config', config, '--write-test'], sandboxEnv(halo))

    expect(code).toBe(1)
    expect(halo.sandbox.requests().filter((r) => r.path.startsWith('post /api'))).toEqual([])
  })

  it('--write-test reports what Halo refused, and the ticket it leaves behind', async () => {
    // The agent may log tickets for Service Desk only; the sandbox answers 403 as Halo does.
    halo.sandbox.setFaults({ next: [{ status: 403, match: 'post /api/actions' }] })

    const { code, text } = await doctor(['--write-test'], sandboxEnv(halo))

    expect(code).toBe(1)
    expect(halo.sandbox.tickets()).toHaveLength(1)
    expect(text).toMatch(
      /problem +write test: could not add a note with outcome "Private Note": .*\(ticket \d+ was created: delete it in Halo\) \[write_test_failed\]/,
    )
  })
})

describe('npm run doctor names each misconfiguration', () => {
  const halo = useHaloSandbox()

  it.each([
    [
      'an unknown ticket type',
      { ticket: { tickettype_id: 999, client_id: 12 } },
      /problem +ticket type 999: ticket type 999 does not exist in Halo \[ticket_type_unknown\]\n +fix +set routes\.alerts\.ticket\.tickettype_id to the id of a ticket type/,
    ],
    [
      'an unknown client',
      { ticket: { tickettype_id: 21, client_id: 999 } },
      /problem +client 999: client 999 \(routes\.alerts\.ticket\.client_id\) does not exist in Halo \[client_unknown\]/,
    ],
    [
      'an unknown client in the tenant table',
      { ticket: { tickettype_id: 21 }, tenant: { clients: { acme: 12, gone: 998 } } },
      /problem +client 998: client 998 \(routes\.alerts\.tenant\.clients\.gone\) does not exist/,
    ],
    [
      'an unknown outcome',
      { lifecycle: { outcome: 'Privat Note' } },
      /problem +outcome: no outcome \(action\) named "Privat Note": Halo refuses every note .*\[outcome_unknown\]\n +fix +set routes\.alerts\.lifecycle\.outcome to an outcome the API agent may use \(New, Email User/,
    ],
    [
      'an outcome the API agent has no access to',
      { lifecycle: { outcome: 'Escalation Note' } },
      /problem +outcome: outcome "Escalation Note" is restricted to other agents or teams than the API agent "API Agent".*\[outcome_no_access\]/,
    ],
    [
      'a ticket type whose mandatory fields the route does not set',
      { ticket: { tickettype_id: 22, client_id: 12 } },
      /problem +ticket type 22: ticket type 22 \(Security Incident\) requires Category \(category_1\), Impacted service \(customfields: \[\{ id: 201, value: \.\.\. \}\]\), which the route does not set: Halo refuses every ticket \[ticket_type_fields_missing\]/,
    ],
    [
      'a category the ticket type does not allow',
      {
        ticket: {
          tickettype_id: 22,
          client_id: 12,
          category_1: 'Monitoring',
          customfields: [{ id: 201, value: 'x' }],
        },
      },
      /problem +category_1: "Monitoring" is not a category ticket type 22 \(Security Incident\) allows \(Security>Phishing, Security>Malware\) \[category_not_allowed\]/,
    ],
    [
      'a team the API agent is not a member of',
      { ticket: { tickettype_id: 21, client_id: 12, team: 'Infrastructure' } },
      /problem +team: the API agent "API Agent" is not a member of team "Infrastructure": Halo answers 403 to every ticket for it \[team_not_member\]\n +fix +add the agent to team "Infrastructure" .*\(Service Desk\)/,
    ],
    [
      'a team that does not exist',
      { ticket: { tickettype_id: 21, client_id: 12, team: 'Networks' } },
      /problem +team: no team named "Networks" \(teams: Service Desk, Infrastructure\) \[team_unknown\]/,
    ],
    [
      'a closing status that does not close',
      { lifecycle: { closedStatusId: 2 } },
      /problem +status 2: status 2 \(In Progress\) does not close a ticket.*\[status_not_closed\]/,
    ],
    [
      'a closing status that does not exist',
      { lifecycle: { closedStatusId: 77 } },
      /problem +status 77: status 77 \(routes\.alerts\.lifecycle\.closedStatusId\) does not exist in Halo \[status_unknown\]/,
    ],
    [
      'a priority outside the ticket type’s SLA',
      { ticket: { tickettype_id: 21, client_id: 12, priority_id: 7 } },
      /problem +priority 7: priority 7 is not one of SLA 1's \(the ticket type's\) priorities \(1 Critical, 2 High, 3 Medium, 4 Low\) \[priority_unknown\]/,
    ],
    [
      'a site of another client',
      { ticket: { tickettype_id: 21, client_id: 12, site_id: 31 } },
      /problem +site 31: site 31 \(Depot North\) belongs to client 13, not 12 \[site_other_client\]/,
    ],
  ])('%s', async (_, route, named) => {
    const { code, text } = await doctor(['--config', oneRoute(route)], sandboxEnv(halo))

    expect(code).toBe(1)
    expect(text).toMatch(named)
    expect(text).toMatch(/\n1 problem found; nothing was written to Halo$/)
  })

  it('a lookup the tenant policy makes and Halo refuses', async () => {
    halo.sandbox.setFaults({ next: [{ status: 403, body: '', match: 'get /api/client' }] })
    const config = oneRoute({
      ticket: { tickettype_id: 21 },
      tenant: { lookupClientByName: true },
    })

    const { code, text } = await doctor(['--config', config], sandboxEnv(halo))

    expect(code).toBe(1)
    expect(text).toMatch(
      /problem +client lookup: cannot search clients by name \(tenant\.lookupClientByName\) \(HTTP 403\): alerts routed by tenant name are parked as unroutable \[lookup_forbidden\]/,
    )
  })

  it('a contact lookup Halo refuses', async () => {
    halo.sandbox.setFaults({ next: [{ status: 403, body: '', match: 'get /api/users' }] })
    const config = oneRoute({
      ticket: { tickettype_id: 21, client_id: 12 },
      tenant: { contact: { email: '{% alert.labels.contact %}' } },
    })

    const { code, text } = await doctor(['--config', config], sandboxEnv(halo))

    expect(code).toBe(1)
    expect(text).toMatch(
      /problem +contact lookup: cannot search users \(tenant\.contact\) \(HTTP 403\): tickets get no end user \(user_id\) \[lookup_forbidden\]/,
    )
  })

  it('a wrong secret', async () => {
    const { code, text } = await doctor(
      [],
      sandboxEnv(halo, { HALO_CLIENT_SECRET: 'not-the-secret' }),
    )

    expect(code).toBe(1)
    expect(text).toMatch(/ok +Halo URL: .* answers as Halo/)
    expect(text).toMatch(
      /problem +token: Halo knows the client id but refused the secret \(invalid_client: The specified client credentials are invalid\.\) \[secret_wrong\]\n +fix +set HALO_CLIENT_SECRET to the Client Secret of the API application/,
    )
    expect(text).toContain('(the routes were not checked: they need a working token)')
  })

  it('an unknown client id', async () => {
    const { code, text } = await doctor([], sandboxEnv(halo, { HALO_CLIENT_ID: 'someone-else' }))

    expect(code).toBe(1)
    expect(text).toMatch(/problem +token: Halo does not know the client id .*\[client_id_unknown\]/)
    expect(text).toMatch(/fix +set HALO_CLIENT_ID to the Client ID of the API application/)
  })

  it('a URL that answers with a web page', async () => {
    const page = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>')
    })
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(page.address() as AddressInfo).port}`
      const { code, text } = await doctor([], sandboxEnv({ url }))

      expect(code).toBe(1)
      expect(text).toMatch(
        /problem +Halo URL: http:\/\/127\.0\.0\.1:\d+ is not Halo: GET \/api\/authinfo: the answer is not JSON \(text\/html\) \[url_not_halo\]\n +fix +set HALO_URL to your Halo instance's root/,
      )
      noStackTrace(text)
    } finally {
      await new Promise<void>((resolve) => page.close(() => resolve()))
    }
  })

  it('a URL with /api on the end, where nothing answers as Halo', async () => {
    const { code, text } = await doctor([], sandboxEnv({ url: `${halo.url}/api` }))

    expect(code).toBe(1)
    expect(text).toMatch(
      /problem +Halo URL: .*\/api is not Halo: neither \/api\/authinfo .*\[url_not_halo\]/,
    )
    expect(text).toMatch(
      /fix +set HALO_URL to your Halo instance's root without the trailing \/api/,
    )
  })

  it('a URL where nothing listens', async () => {
    const { code, text } = await doctor([], sandboxEnv({ url: 'http://127.0.0.1:9' }))

    expect(code).toBe(1)
    expect(text).toMatch(
      /problem +Halo URL: http:\/\/127\.0\.0\.1:9 did not answer \(GET \/api\/authinfo: connection failed\) \[url_unreachable\]/,
    )
    noStackTrace(text)
  })

  it('a secret file of the wrong shape, before asking Halo anything', async () => {
    const path = files.json({ halo: { clientId: 'x' }, routes: [] })

    const { code, text } = await doctor([], {
      HALO_URL: halo.url,
      HALO_HOOKS_SECRETS_FILE: path,
    })

    expect(code).toBe(1)
    expect(text).toMatch(
      /problem +secrets: invalid secret in secrets file .*\.json:\n +- halo\.clientSecret: .*\n +- routes: .*\[secrets_invalid\]\n +fix +correct its shape: npm run secrets prints it/,
    )
    expect(halo.sandbox.requests()).toEqual([])
    noStackTrace(text)
  })

  it('a write test through a route that does not exist, before asking Halo anything', async () => {
    const { code, text } = await doctor(['--write-test', '--route', 'nope'], sandboxEnv(halo))

    expect(code).toBe(1)
    expect(text).toMatch(
      /problem +route: no route "nope" in .*halo-hooks\.config\.ts \[route_unknown\]\n +fix +name one of: prometheus, example-hmac, example-bearer, halo/,
    )
    expect(halo.sandbox.requests()).toEqual([])
  })

  it('an option it does not know: the usage, and exit code 2', async () => {
    const { code, text } = await doctor(['--wirte-test'], sandboxEnv(halo))

    expect(code).toBe(2)
    expect(text).toContain("Unknown option '--wirte-test'")
    expect(text).toContain('npm run doctor -- [options]')
  })

  it('HALO_URL without any credentials', async () => {
    const path = files.json({ routes: {} })

    const { code, text } = await doctor([], { HALO_URL: halo.url, HALO_HOOKS_SECRETS_FILE: path })

    expect(code).toBe(1)
    expect(text).toMatch(
      /problem +secrets: HALO_URL is set but there are no Halo credentials.*\[credentials_missing\]/,
    )
  })
})

describe('npm run doctor: tenant and scope', () => {
  const halo = useHaloSandbox({ tenant: 'acme', scopes: ['edit:tickets', 'read:customers'] })

  it('a wrong tenant, named from /api/authinfo', async () => {
    const { code, text } = await doctor([], sandboxEnv(halo, { HALO_TENANT: 'acme-old' }))

    expect(code).toBe(1)
    expect(text).toMatch(
      /problem +tenant: Halo refused the tenant "acme-old" \(this instance's \/api\/authinfo names "acme"\) .*\[tenant_wrong\]\n +fix +set HALO_TENANT to "acme", or remove it/,
    )
  })

  it('a scope the API application is not allowed', async () => {
    const { code, text } = await doctor([], sandboxEnv(halo, { HALO_TENANT: 'acme' }))

    expect(code).toBe(1)
    expect(text).toMatch(/ok +tenant: "acme" \(HALO_TENANT\)/)
    expect(text).toMatch(
      /problem +token: Halo refused the scope "all" \(invalid_scope: .*\) \[scope_refused\]\n +fix +allow the API application .* the "all" permission/,
    )
  })
})

describe('npm run doctor: the agent', () => {
  const halo = useHaloSandbox({
    seed: () => {
      const seed = createSeed()
      const [agent] = seed.agents
      if (agent) agent.isdisabled = true
      return seed
    },
  })

  it('a disabled agent', async () => {
    const { code, text } = await doctor([], sandboxEnv(halo))

    expect(code).toBe(1)
    expect(text).toMatch(
      /problem +agent: the API application acts as agent "API Agent" \(id 1\), which is disabled \[agent_disabled\]/,
    )
  })
})

describe('npm run doctor --aws: the deployed stack', () => {
  const halo = useHaloSandbox({ tenant: 'acme' })
  const secretsManager = mockClient(SecretsManagerClient)
  const ARN =
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:SecretsHaloSecret0A1B2C3D-AbCdEf'
  const stackTags = (logicalId: string, stack = 'HaloHooks') => [
    { Key: 'aws:cloudformation:stack-name', Value: stack },
    { Key: 'aws:cloudformation:logical-id', Value: logicalId },
  ]
  let server: Server | undefined

  beforeAll(() => {
    secretsManager.on(ListSecretsCommand).resolves({
      SecretList: [
        {
          ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:other',
          Tags: stackTags('SecretsHaloSecret0A1B2C3D', 'HaloHooksStaging'),
        },
        {
          // The signing secret, which deliver (and so the doctor) never reads.
          ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:SecretsSecret9A9454FE-XyZxYz',
          Tags: stackTags('SecretsSecret9A9454FE'),
        },
        { ARN, Tags: stackTags('SecretsHaloSecret0A1B2C3D') },
      ],
    })
    secretsManager.on(GetSecretValueCommand, { SecretId: ARN }).resolves({
      SecretString: JSON.stringify({ halo: SANDBOX_CREDENTIALS, routes: {} }),
    })
  })
  afterAll(() => {
    secretsManager.restore()
    server?.close()
  })

  const deployed = (deploy: Record<string, unknown>) =>
    files.write({ routes: { alerts: doctorRoute() }, deploy })

  it("checks the stack's Halo with the credentials in the stack's Halo secret, found by its tags", async () => {
    const config = deployed({ haloUrl: halo.url, haloTenant: 'acme' })

    const { code, text } = await doctor(
      ['--aws', '--config', config],
      {},
      {
        secretsManager: () => new SecretsManagerClient({}),
      },
    )

    expect(code).toBe(0)
    expect(text).toContain(`halo:    ${halo.url} (deploy.haloUrl of stack HaloHooks)`)
    expect(text).toContain(`secrets: secret ${ARN}`)
    expect(text).toMatch(/ok +tenant: "acme" \(deploy\.haloTenant in .*\) accepted/)
    expect(secretsManager.commandCalls(ListSecretsCommand)[0]?.args[0].input).toMatchObject({
      Filters: [
        { Key: 'tag-key', Values: ['aws:cloudformation:stack-name'] },
        { Key: 'tag-value', Values: ['HaloHooks'] },
      ],
    })
  })

  it('names deploy.haloTenant when the stack has the wrong tenant', async () => {
    const config = deployed({ haloUrl: halo.url, haloTenant: 'acme-old' })

    const { code, text } = await doctor(
      ['--config', config, '--stack', 'HaloHooks'],
      {},
      {
        secretsManager: () => new SecretsManagerClient({}),
      },
    )

    expect(code).toBe(1)
    expect(text).toMatch(/fix +set deploy\.haloTenant in .* to "acme", or remove it/)
  })

  it('says what to set when the config deploys no Halo URL', async () => {
    const config = deployed({})

    const { code, text } = await doctor(
      ['--aws', '--config', config],
      {},
      {
        secretsManager: () => new SecretsManagerClient({}),
      },
    )

    expect(code).toBe(1)
    expect(text).toMatch(
      /problem +Halo URL: .* has no deploy\.haloUrl, so stack HaloHooks delivers nowhere \[halo_url_missing\]/,
    )
  })

  it('asks for --secret when no secret of the stack is found', async () => {
    const config = deployed({ haloUrl: halo.url })

    const { code, text } = await doctor(
      ['--stack', 'Nope', '--config', config],
      {},
      {
        secretsManager: () => new SecretsManagerClient({}),
      },
    )

    expect(code).toBe(1)
    expect(text).toMatch(
      /problem +secrets: cannot read the stack's Halo secret: expected one Halo credentials secret of stack Nope, found 0: pass --secret <the stack's HaloSecretId output>/,
    )
  })
})
