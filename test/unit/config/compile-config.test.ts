import { describe, expect, it } from 'vitest'
import config from '../../../halo-hooks.config.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { ConfigError } from '../../../shared/errors.js'

const generic = {
  source: 'generic',
  auth: { type: 'hmac', header: 'x-signature' },
  alert: { key: '{% payload.id %}', title: '{% payload.title %}' },
}

const problemsOf = (input: unknown): readonly string[] => {
  try {
    compileConfig(input)
  } catch (error) {
    if (error instanceof ConfigError) return error.issues
    throw error
  }
  throw new Error('expected the config to be rejected')
}

describe('compileConfig', () => {
  it('compiles the shipped example config', () => {
    const { routes } = compileConfig(config)
    expect([...routes.keys()]).toEqual(['prometheus', 'example-hmac', 'example-bearer', 'halo'])
    expect(routes.get('example-hmac')?.maxBodyBytes).toBe(262_144)
  })

  it('applies the reconcile sweep defaults: every 10 minutes, 50 tickets, a fifth of the budget', () => {
    expect(compileConfig({ routes: { r: generic } }).config.reconcile).toEqual({
      enabled: true,
      everyMinutes: 10,
      maxTicketsPerSweep: 50,
      maxBudgetShare: 0.2,
    })
  })

  it('applies defaults: body limit, ticket summary and details from the alert', async () => {
    const { routes } = compileConfig({ maxBodyBytes: 4096, routes: { r: generic } })
    const route = routes.get('r')
    expect(route?.maxBodyBytes).toBe(4096)
    expect(await route?.ticket.render({ alert: { title: 'T', description: 'D' } })).toEqual({
      summary: 'T',
      details: 'D',
    })
  })

  it.each([
    [
      'a misspelt route key, with a suggestion',
      { routes: { r: { ...generic, tikcet: {} } } },
      'routes.r.tikcet: unknown key (did you mean "ticket"?)',
    ],
    ['a misspelt top-level key', { rotues: {} }, 'rotues: unknown key (did you mean "routes"?)'],
    ['no routes', { routes: {} }, 'routes: at least one route is required'],
    [
      'a misspelt reconcile key, with a suggestion',
      { routes: { r: generic }, reconcile: { everyMinute: 5 } },
      'reconcile.everyMinute: unknown key (did you mean "everyMinutes"?)',
    ],
    [
      'a sweep share above the note lane',
      { routes: { r: generic }, reconcile: { maxBudgetShare: 0.9 } },
      'reconcile.maxBudgetShare:',
    ],
    [
      'a bad route name',
      { routes: { 'My Route': generic } },
      'routes.My Route: route names are lower-case',
    ],
    [
      'an unknown source',
      { routes: { r: { ...generic, source: 'nagios' } } },
      'routes.r.source: unknown source "nagios" (known: generic',
    ],
    [
      'an unknown auth type',
      { routes: { r: { ...generic, auth: { type: 'hmca', header: 'x' } } } },
      'routes.r.auth.type: Invalid discriminator value',
    ],
    [
      'a bad header name',
      { routes: { r: { ...generic, auth: { type: 'hmac', header: 'x sig' } } } },
      'routes.r.auth.header: must be an HTTP header name',
    ],
    [
      'a missing auth for a sender without a scheme',
      { routes: { r: { ...generic, auth: undefined } } },
      'routes.r.auth: required',
    ],
    [
      'a missing key template',
      { routes: { r: { ...generic, alert: { title: 'x' } } } },
      'routes.r.alert.key: required',
    ],
    [
      'bad source options',
      { routes: { r: { ...generic, options: { eventType: 'Not Dotted' } } } },
      'routes.r.options.eventType: must be lower-case and dotted',
    ],
    [
      'a template syntax error',
      { routes: { r: { ...generic, ticket: { summary: '{% alert.title( %}' } } } },
      'routes.r.ticket.summary: JSONata',
    ],
    [
      'an unclosed template',
      { routes: { r: { ...generic, ticket: { details: 'x {% y' } } } },
      'routes.r.ticket.details: unclosed',
    ],
    [
      'a contact with neither e-mail nor name',
      { routes: { r: { ...generic, tenant: { contact: {} } } } },
      'routes.r.tenant.contact: give email, name or both',
    ],
    [
      'a contact template syntax error',
      { routes: { r: { ...generic, tenant: { contact: { email: '{% alert.labels.( %}' } } } } },
      'routes.r.tenant.contact.email: JSONata',
    ],
    [
      'a contact template syntax error in a route that fails its schema too',
      { routes: { r: { ...generic, lifecycle: 3, tenant: { contact: { name: 'x {% y' } } } } },
      'routes.r.tenant.contact.name: unclosed',
    ],
    [
      'a body limit that is too small',
      { routes: { r: { ...generic, maxBodyBytes: 10 } } },
      'routes.r.maxBodyBytes: Too small',
    ],
  ])('names the key and the rule for %s', (_, input, problem) => {
    expect(problemsOf(input).join('\n')).toContain(problem)
  })

  it.each([
    [
      { lifecycle: { noteEveryMinute: 5 } },
      'routes.r.lifecycle.noteEveryMinute',
      'noteEveryMinutes',
    ],
    [{ noise: { minOccurences: 2 } }, 'routes.r.noise.minOccurences', 'minOccurrences'],
    [
      { noise: { maintenance: [{ weekly: { from: '01:00', to: '02:00', timezon: 'UTC' } }] } },
      'routes.r.noise.maintenance.0.weekly.timezon',
      'timezone',
    ],
    [{ tenant: { fallbackClientID: 3 } }, 'routes.r.tenant.fallbackClientID', 'fallbackClientId'],
    [{ tenant: { contact: { emails: 'x' } } }, 'routes.r.tenant.contact.emails', 'email'],
    [{ auth: { type: 'hmac', headr: 'x' } }, 'routes.r.auth.headr', 'header'],
    [{ options: { eventTyp: 'a.b' } }, 'routes.r.options.eventTyp', 'eventType'],
    [{ alert: { key: 'k', title: 't', severty: 'high' } }, 'routes.r.alert.severty', 'severity'],
  ])('suggests the intended key for a misspelt %o', (fields, path, intended) => {
    expect(problemsOf({ routes: { r: { ...generic, ...fields } } })).toContain(
      `${path}: unknown key (did you mean "${intended}"?)`,
    )
  })

  it('compiles the contact templates, rendering over the alert like the ticket templates', async () => {
    const { routes } = compileConfig({
      routes: {
        r: {
          ...generic,
          tenant: { contact: { email: '{% alert.labels.owner %}', name: 'Front Desk' } },
        },
        plain: generic,
      },
    })

    expect(
      await routes.get('r')?.contact?.render({ alert: { labels: { owner: 'a@b.example' } } }),
    ).toEqual({
      email: 'a@b.example',
      name: 'Front Desk',
    })
    expect(routes.get('plain')?.contact).toBeUndefined()
  })

  it('suggests the intended deploy and budget keys', () => {
    const problems = problemsOf({
      routes: { r: generic },
      budget: { limt: 100 },
      deploy: { maxConcurency: 4 },
    })
    expect(problems).toContain('budget.limt: unknown key (did you mean "limit"?)')
    expect(problems).toContain('deploy.maxConcurency: unknown key (did you mean "maxConcurrency"?)')
  })

  it('decides once whether a route needs a secret', () => {
    const { routes } = compileConfig({
      routes: {
        signed: generic,
        open: {
          ...generic,
          auth: { type: 'none', acknowledge: 'anyone-who-knows-the-url-can-post' },
        },
        sns: {
          source: 'aws-sns',
          options: { topicArns: ['arn:aws:sns:eu-west-1:123456789012:alarms'] },
        },
      },
    })
    expect([...routes.values()].map(({ name, needsSecret }) => [name, needsSecret])).toEqual([
      ['signed', true],
      ['open', false],
      ['sns', false],
    ])
  })

  it('reports the problems of every route at once', () => {
    const problems = problemsOf({
      routes: {
        a: { ...generic, source: 'nope' },
        b: { ...generic, auth: { type: 'basic' } },
        c: { ...generic, ticket: { summary: '{% ( %}' } },
      },
    })
    expect(problems.map((line) => line.split(':')[0])).toEqual([
      'routes.a.source',
      'routes.b.auth.username',
      'routes.c.ticket.summary',
    ])
  })

  it('never echoes a value in a problem', () => {
    const problems = problemsOf({
      routes: { r: { ...generic, auth: { type: 'hmac', header: 'x', prefix: 12345678 } } },
    })
    expect(problems.join('\n')).not.toContain('12345678')
  })
})
