import config from '../../halo-hooks.config.js'

const { prometheus } = config.routes
if (!prometheus) throw new Error('the shipped config has no prometheus route')

/**
 * The shipped config, its Prometheus route with the ticket's end user taken from the alert's
 * `contact` label: an e-mail address or, failing that, a name.
 */
export const contactConfig = {
  ...config,
  routes: {
    ...config.routes,
    prometheus: {
      ...prometheus,
      tenant: {
        ...prometheus.tenant,
        contact: {
          email: "{% $contains(alert.labels.contact, '@') ? alert.labels.contact %}",
          name: "{% $contains(alert.labels.contact, '@') ? undefined : alert.labels.contact %}",
        },
      },
    },
  },
}
