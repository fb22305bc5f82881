/**
 * Glue between the validators (plain functions saying what is wrong with a
 * value, or undefined) and zod: `.superRefine(problemOf(fn))` reports the
 * problem at the value's own key path.
 */
import * as z from 'zod';

/** Says what is wrong with a value, or undefined when its consumer accepts it. */
export type Check<T> = (value: T) => string | undefined;

export function problemOf<T>(check: Check<T>): (value: T, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    const problem = check(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  };
}

/** The first problem of several checks. */
export function allOf<T>(...checks: Check<T>[]): Check<T> {
  return (value) => {
    for (const check of checks) {
      const problem = check(value);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}
