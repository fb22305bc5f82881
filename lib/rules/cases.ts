/**
 * Every promtool case of our alerts, computed from the configured thresholds
 * (see ./testing.ts for the builder; the tests run them with promtool and
 * fail when an emitted alert lacks a firing or a silent case).
 */
import type { Values } from '../values/schema';
import { applicationCases } from './groups/application.cases';
import { changeCases } from './groups/changes.cases';
import { serviceDownCases } from './groups/common.cases';
import { datastoreCases } from './groups/datastores.cases';
import { infrastructureCases } from './groups/infrastructure.cases';
import { monitoringCases } from './groups/monitoring.cases';
import type { AlertCase } from './testing';

export function alertCases(values: Values): AlertCase[] {
  const v = values.rules;
  return [...applicationCases(v), ...serviceDownCases(), ...infrastructureCases(v), ...datastoreCases(v), ...monitoringCases(v), ...changeCases()];
}
