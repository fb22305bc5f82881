/**
 * lib/core/fast-resolve.ts renders ApiObjects in one pass instead of cdk8s's
 * resolve + sanitizeValue: the same JSON, key order included, or it is a bug.
 */
import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext } from 'cdk8s';
import { installFastResolve } from '../lib/core/fast-resolve';
import { renderAll } from '../lib/synth/synth';
import { ENVIRONMENTS } from '../lib/values/schema';

afterEach(() => installFastResolve(true));

/** Renders with cdk8s's own code and with ours; both as JSON text (so key order counts). */
function bothWays<T>(render: () => T): { cdk8s: string; ours: string } {
  installFastResolve(false);
  const cdk8s = JSON.stringify(render());
  installFastResolve(true);
  return { cdk8s, ours: JSON.stringify(render()) };
}

test('every file of every environment is the same with cdk8s own resolve and with the one-pass one', () => {
  const { cdk8s, ours } = bothWays(() => [...renderAll({ envs: ENVIRONMENTS })]);
  expect(ours).toBe(cdk8s);
  expect(ours.length).toBeGreaterThan(1_000_000);
});

/** An object whose props exercise each rule of cdk8s's resolvers and of sanitizeValue. */
function sample(resolvers?: IResolver[], patch?: JsonPatch): unknown {
  const app = new App({ resolvers });
  const chart = new Chart(app, 'c', { labels: { team: 'a' } });
  class Port {
    public constructor(public readonly value: number) {}
  }
  const obj = new ApiObject(chart, 'o', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', annotations: { b: 'B', a: Lazy.any({ produce: () => 'A' }) }, finalizers: [] },
    zeta: 1,
    data: {
      lazyOfLazy: Lazy.any({ produce: () => Lazy.any({ produce: () => ({ z: 1, a: [null, undefined, 2] }) }) }),
      token: { resolve: () => 'from a token' },
      union: new Port(8080),
      dropped: undefined,
      alsoDropped: null,
      empty: {},
      emptyList: [],
      nested: [{ y: 1, x: Lazy.any({ produce: () => 'lazy in a list' }) }],
    },
  } as never);
  if (patch) obj.addJsonPatch(patch);
  return obj.toJson();
}

test('Lazy (also producing a Lazy), implicit tokens, number-or-string unions, null and undefined, empty values, key order', () => {
  const { cdk8s, ours } = bothWays(() => sample());
  expect(ours).toBe(cdk8s);
  expect(JSON.parse(ours)).toEqual({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { annotations: { a: 'A', b: 'B' }, labels: { team: 'a' }, name: 'x' },
    data: {
      empty: {},
      emptyList: [],
      lazyOfLazy: { a: [null, null, 2], z: 1 },
      nested: [{ x: 'lazy in a list', y: 1 }],
      token: 'from a token',
      union: { value: 8080 },
    },
    zeta: 1,
  });
});

test('JSON patches apply as with cdk8s', () => {
  const { cdk8s, ours } = bothWays(() => sample(undefined, JsonPatch.add('/data/patched', 'yes')));
  expect(ours).toBe(cdk8s);
  expect(ours).toContain('"patched":"yes"');
});

test("an app with resolvers of its own is rendered by cdk8s's code, its resolvers applied", () => {
  const upper: IResolver = {
    resolve(context: ResolutionContext): void {
      const v = context.value as unknown;
      if (typeof v === 'string' && v !== v.toUpperCase() && context.key.join('.') === 'data.token') context.replaceValue(v.toUpperCase());
    },
  };
  const { cdk8s, ours } = bothWays(() => sample([upper]));
  expect(ours).toBe(cdk8s);
  expect(ours).toContain('"token":"FROM A TOKEN"');
});

test('a value that is neither plain data nor resolvable is refused with the same error', () => {
  class Opaque {
    public readonly x = 1;
  }
  const render = (): string => {
    const app = new App();
    const obj = new ApiObject(new Chart(app, 'c'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: new Opaque() } as never);
    try {
      obj.toJson();
      return 'rendered';
    } catch (e) {
      return (e as Error).message;
    }
  };
  const { cdk8s, ours } = bothWays(render);
  expect(ours).toBe(cdk8s);
  expect(ours).toContain("can't render non-simple object of type 'Opaque'");
});
