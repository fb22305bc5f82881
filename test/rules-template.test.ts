/**
 * The alert-template subset of lib/rules/template.ts against what promtool
 * 2.42 printed for the same values (captured from `promtool test rules` with
 * the annotation `p={{ $value | humanizePercentage }} h={{ $value | humanize }}
 * d={{ $value | humanizeDuration }} b={{ $value | humanize1024 }} v={{ $value }}`).
 */
import { expandTemplate, goG4 } from '../lib/rules/template';

const TEMPLATE = 'p={{ $value | humanizePercentage }} h={{ $value | humanize }} d={{ $value | humanizeDuration }} b={{ $value | humanize1024 }} v={{ $value }}';

const PROMTOOL_2_42: [number, string][] = [
  [12345, 'p=1.234e+06% h=12.35k d=3h 25m 45s b=12.06ki v=12345'],
  [0.00012345, 'p=0.01234% h=123.4u d=123.4us b=0.0001234 v=0.00012345'],
  [2.5, 'p=250% h=2.5 d=2.5s b=2.5 v=2.5'],
  [1000, 'p=1e+05% h=1k d=16m 40s b=1000 v=1000'],
  [0.5, 'p=50% h=500m d=500ms b=0.5 v=0.5'],
  [0.26, 'p=26% h=260m d=260ms b=0.26 v=0.26'],
  [1e-7, 'p=1e-05% h=100n d=100ns b=1e-07 v=1e-07'],
  [123456789, 'p=1.235e+10% h=123.5M d=1428d 21h 33m 9s b=117.7Mi v=1.23456789e+08'],
  [86400.5, 'p=8.64e+06% h=86.4k d=1d 0h 0m 0s b=84.38ki v=86400.5'],
  [3725, 'p=3.725e+05% h=3.725k d=1h 2m 5s b=3.638ki v=3725'],
  [0.0625, 'p=6.25% h=62.5m d=62.5ms b=0.0625 v=0.0625'],
  [99999, 'p=1e+07% h=100k d=1d 3h 46m 39s b=97.66ki v=99999'],
  [1.00005, 'p=100% h=1 d=1s b=1 v=1.00005'],
];

describe('alert templates render as Prometheus does', () => {
  test.each(PROMTOOL_2_42)('%p', (value, printed) => {
    expect(expandTemplate(TEMPLATE, {}, value)).toBe(printed);
  });

  test("Go's %.4g rounds exact ties to even, unlike JavaScript", () => {
    expect(goG4(12345)).toBe('1.234e+04');
    expect(goG4(12355)).toBe('1.236e+04');
    expect(goG4(0.26000000000000006 * 100)).toBe('26');
  });

  test('labels are substituted; a missing label or an unsupported action is an error', () => {
    expect(expandTemplate('{{ $labels.job }} on {{$labels.instance}}', { job: 'api', instance: 'a:1' }, 0)).toBe('api on a:1');
    expect(() => expandTemplate('{{ $labels.pod }}', {}, 0)).toThrow(/no label pod/);
    expect(() => expandTemplate('{{ $value | printf "%.2f" }}', {}, 0)).toThrow(/supported subset/);
    expect(() => expandTemplate('{{ $externalLabels.cluster }}', {}, 0)).toThrow(/supported subset/);
  });
});
