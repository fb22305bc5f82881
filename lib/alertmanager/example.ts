/**
 * A values set that turns on every receiver, team and a maintenance window:
 * the reference for users wiring their own Secrets, and the fixture the tests
 * check with amtool. It names Secrets only; their content is yours.
 */
import type { ValuesInput } from '../values/schema';

export const EVERY_RECEIVER_VALUES = {
  alertmanager: {
    replicas: 3,
    externalUrl: 'https://alertmanager.example.com/',
    storage: { size: '5Gi', storageClassName: 'fast-ssd' },
    maintenanceWindows: [
      { name: 'weekly-maintenance', intervals: [{ weekdays: ['sunday'], times: [{ start: '02:00', end: '04:00' }] }] },
      { name: 'year-end-freeze', intervals: [{ months: ['december'], daysOfMonth: ['24:31'] }] },
    ],
    receivers: {
      pagerduty: { enabled: true, secret: { name: 'alertmanager-pagerduty' } },
      slack: { enabled: true, secret: { name: 'alertmanager-slack', key: 'webhook-url' }, channel: '#pynomaly-alerts' },
      email: {
        enabled: true,
        to: 'oncall@example.com',
        from: 'alertmanager@example.com',
        smarthost: 'smtp.example.com:587',
        authUsername: 'alertmanager',
        secret: { name: 'alertmanager-smtp' },
      },
      // The URL from the Secret (url_file), as staging and prod do; the heartbeat below keeps a plain url.
      webhook: { enabled: true, urlSecret: { name: 'alertmanager-webhook' }, urlPort: 8443, secret: { name: 'alertmanager-webhook' } },
      heartbeat: {
        enabled: true,
        url: 'https://api.opsgenie.com/v2/heartbeats/pynomaly/ping',
        authorizationType: 'GenieKey',
        secret: { name: 'alertmanager-heartbeat', key: 'api-key' },
      },
      teams: {
        application: { enabled: true, slackChannel: '#pynomaly-app', emailTo: 'app-team@example.com' },
        infrastructure: { enabled: true, slackChannel: '#infrastructure', slackSecret: { name: 'alertmanager-slack-infrastructure' } },
        monitoring: { enabled: true, emailTo: 'sre@example.com' },
      },
    },
  },
} satisfies ValuesInput;
