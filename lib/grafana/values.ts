import { z } from 'zod';
import { enabled } from '../values/types';

/** Values of Grafana (`grafana.*`). */
export const grafanaValues = z
  .strictObject({
    enabled: enabled(true, 'Grafana'),
  })
  .prefault({})
  .describe('Grafana');

export type GrafanaValues = z.output<typeof grafanaValues>;
