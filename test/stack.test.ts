/**
 * The stack's build order over the registry (no synthesis): a component is
 * built after those it uses, `'*'` means every component that does not use
 * `'*'` itself, and a cycle is refused with the path that makes it.
 */
import { ComponentDefinition } from '../lib/core/component';
import { COMPONENTS } from '../lib/registry';
import { buildOrder } from '../lib/stack';

const def = (key: string, uses?: string[]): ComponentDefinition => ({ key, values: undefined as never, uses, build: () => undefined });
const keys = (defs: readonly ComponentDefinition[]) => defs.map((d) => d.key);

test('the registry builds Alertmanager before Prometheus (alerting), and the NetworkPolicies last', () => {
  const order = keys(buildOrder(COMPONENTS));
  expect(order.indexOf('alertmanager')).toBeLessThan(order.indexOf('prometheus'));
  expect(order.indexOf('grafana')).toBeLessThan(order.indexOf('prometheus'));
  expect(order[order.length - 1]).toBe('networkPolicies');
  expect([...order].sort()).toEqual(keys(COMPONENTS).sort());
});

test('registry order where nothing is used, dependencies first otherwise', () => {
  expect(keys(buildOrder([def('a'), def('b'), def('c')]))).toEqual(['a', 'b', 'c']);
  expect(keys(buildOrder([def('a', ['c']), def('b'), def('c')]))).toEqual(['c', 'a', 'b']);
});

test("'*' is every component that does not use '*'", () => {
  expect(keys(buildOrder([def('hub', ['*']), def('x'), def('last', ['*', 'hub']), def('y')]))).toEqual(['x', 'y', 'hub', 'last']);
});

test('a cycle is refused, naming it', () => {
  expect(() => buildOrder([def('a', ['b']), def('b', ['a'])])).toThrow('components use each other in a cycle: a -> b -> a');
});
