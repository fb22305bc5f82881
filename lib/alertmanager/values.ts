import { z } from 'zod';
import { enabled } from '../values/types';

/** Values of Alertmanager (`alertmanager.*`). */
export const alertmanagerValues = z
  .strictObject({
    enabled: enabled(true, 'Alertmanager'),
  })
  .prefault({})
  .describe('Alertmanager');

export type AlertmanagerValues = z.output<typeof alertmanagerValues>;
