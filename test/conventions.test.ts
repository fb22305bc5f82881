/**
 * What every object and every container of every environment must satisfy,
 * whatever component renders it: labels, stable names, selectors, and the
 * secure defaults (non-root, no escalation, no capabilities, seccomp,
 * read-only root, requests and limits, probes, pinned images).
 */
import { escapeTemplate } from '../lib/synth/helm';
import { conventionTests } from './support/conventions';
import { ENVIRONMENTS, envObjects } from './support/stack';

conventionTests(ENVIRONMENTS, (env) => envObjects(env, { includeSubfolders: true }));

describe('helm template escaping', () => {
  test('Go template delimiters in our YAML survive Helm rendering', () => {
    expect(escapeTemplate('summary: "{{ $labels.instance }} is down"')).toBe('summary: "{{ "{{" }} $labels.instance {{ "}}" }} is down"');
    expect(escapeTemplate('no delimiters')).toBe('no delimiters');
    // Runs of braces pair from the left, as Go's template lexer reads them.
    expect(escapeTemplate('{{{a}}}')).toBe('{{ "{{" }}{a{{ "}}" }}}');
    expect(escapeTemplate('x\0{{y}}')).toBe('x\0{{ "{{" }}y{{ "}}" }}');
  });
});
