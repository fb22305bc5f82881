/**
 * An example of `rules.additionalGroups` (a recording rule and an alert on
 * it), as documented in the values; the tests check it against promtool.
 */
export const EXAMPLE_USER_GROUP = {
  name: 'team-rules',
  rules: [
    { record: 'job:pynomaly_http_requests:rate5m', expr: 'sum by (namespace, job) (rate(pynomaly_http_requests_total[5m]))' },
    {
      alert: 'PynomalyNoTraffic',
      expr: 'job:pynomaly_http_requests:rate5m == 0',
      for: '15m',
      labels: { severity: 'warning', category: 'application', service: 'pynomaly-api' },
      annotations: { summary: 'No traffic', description: 'The API received no request for 15 minutes.' },
    },
  ],
};
