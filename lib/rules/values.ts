import { z } from 'zod';
import { enabled } from '../values/types';

/** Values of the alert rules (`rules.*`). */
export const rulesValues = z
  .strictObject({
    enabled: enabled(true, 'the Pynomaly alert rules'),
  })
  .prefault({})
  .describe('Alert rules');

export type RulesValues = z.output<typeof rulesValues>;
