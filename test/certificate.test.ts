/**
 * Elasticsearch's TLS from cert-manager (elasticsearch.security.tls.certManager).
 *
 * No cert-manager CRD schema is available here, so the Certificate is checked
 * structurally against what cert-manager's v1 API types declare: the required
 * fields and their types (secretName, issuerRef.name), the fields we emit and
 * no others, issuerRef.kind one of cert-manager's own kinds, every usage one
 * of the KeyUsage enum, the private key's enums. Behaviour: the Certificate
 * writes the Secret every reader mounts, names every host clients and nodes
 * are reached at, is applied before the StatefulSet, and bad values are one
 * clear line each.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { byWave, readEnvironment } from '../lib/cluster/manifests';
import { CERT_MANAGER_KEY_USAGES, CertificateSpec, goDurationSeconds, ISSUER_KINDS } from '../lib/elasticsearch/certificate';
import { nodeHost } from '../lib/elasticsearch/config';
import { waveOf } from '../lib/gitops/waves';
import { Manifest } from '../lib/synth/render';
import { renderAll } from '../lib/synth/synth';
import { podOf } from './support/k8s';
import { envObjects } from './support/stack';
import { errorOf, tempDir, valuesOf } from './support/values';

const ON = ['elasticsearch.security.tls.certManager.enabled=true', 'elasticsearch.security.tls.certManager.issuerRef.name=pynomaly-ca'];
const objects = envObjects('prod', { sets: ON, includeSubfolders: true });
const certificate = objects.find((o) => o.kind === 'Certificate') as Manifest & { spec: CertificateSpec };
const ns = valuesOf('prod').namespace;

/** A DNS name matches a host as TLS clients check it: equal, or a wildcard for exactly one leftmost label. */
const covers = (names: readonly string[], host: string): boolean =>
  names.some((n) => n === host || (n.startsWith('*.') && host.endsWith(n.slice(1)) && !host.slice(0, -n.length + 1).includes('.')));

describe('the Certificate, structurally (cert-manager.io/v1 types)', () => {
  test('apiVersion and kind; exactly the fields we emit; required fields present with their types', () => {
    expect([certificate.apiVersion, certificate.kind]).toEqual(['cert-manager.io/v1', 'Certificate']);
    const s = certificate.spec;
    expect(Object.keys(s).sort()).toEqual(['dnsNames', 'issuerRef', 'privateKey', 'secretName', 'usages']);
    expect(typeof s.secretName).toBe('string');
    expect(typeof s.issuerRef.name).toBe('string');
    expect(s.dnsNames.length).toBeGreaterThan(0);
    expect(s.dnsNames.every((d) => typeof d === 'string' && /^(\*\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(d))).toBe(true);
    expect(Object.keys(s.issuerRef).sort()).toEqual(['kind', 'name']);
  });

  test('issuerRef.kind is one of cert-manager\'s kinds; usages come from its KeyUsage enum and include server and client auth (mutual TLS on transport)', () => {
    expect(ISSUER_KINDS).toContain(certificate.spec.issuerRef.kind);
    for (const u of certificate.spec.usages) expect(CERT_MANAGER_KEY_USAGES).toContain(u);
    expect(certificate.spec.usages).toEqual(expect.arrayContaining(['server auth', 'client auth']));
    expect(new Set(certificate.spec.usages).size).toBe(certificate.spec.usages.length);
  });

  test('the private key: a new one at every renewal, in an encoding and algorithm cert-manager offers', () => {
    const k = certificate.spec.privateKey;
    expect(k.rotationPolicy).toBe('Always');
    expect(['RSA', 'ECDSA', 'Ed25519']).toContain(k.algorithm);
    expect(['PKCS1', 'PKCS8']).toContain(k.encoding);
  });

  test('duration and renewBefore only when set, as given', () => {
    const set = envObjects('prod', { sets: [...ON, 'elasticsearch.security.tls.certManager.duration=720h', 'elasticsearch.security.tls.certManager.renewBefore=240h'], includeSubfolders: true });
    expect((set.find((o) => o.kind === 'Certificate') as unknown as { spec: CertificateSpec }).spec).toMatchObject({ duration: '720h', renewBefore: '240h' });
  });
});

describe('the Certificate, in the stack', () => {
  test('it writes the one Secret the StatefulSet mounts and every client trusts the CA of', () => {
    const pod = podOf(objects, 'StatefulSet', 'elasticsearch');
    const certs = pod.spec.volumes?.find((v) => v.name === 'certs');
    expect(certificate.spec.secretName).toBe(certs?.secret?.secretName);
    const caVolume = podOf(objects, 'Deployment', 'kibana').spec.volumes?.find((v) => v.name === 'elasticsearch-ca');
    expect(caVolume?.secret?.secretName).toBe(certificate.spec.secretName);
    const renamed = envObjects('prod', { sets: [...ON, 'elasticsearch.security.tls.secretName=es-certs'], includeSubfolders: true });
    expect((renamed.find((o) => o.kind === 'Certificate') as unknown as { spec: CertificateSpec }).spec.secretName).toBe('es-certs');
    expect(podOf(renamed, 'StatefulSet', 'elasticsearch').spec.volumes?.find((v) => v.name === 'certs')?.secret?.secretName).toBe('es-certs');
  });

  test('its names cover every host a client or a node reaches Elasticsearch at', () => {
    const names = certificate.spec.dnsNames;
    const clientHosts = [...new Set(objects.flatMap((o) => JSON.stringify(o).match(/https:\/\/elasticsearch[a-z0-9.-]*/g) ?? []).map((u) => u.slice('https://'.length)))];
    expect(clientHosts).toContain(`elasticsearch.${ns}.svc`);
    for (const host of [...clientHosts, nodeHost(0, ns), nodeHost(2, ns), 'elasticsearch', `elasticsearch.${ns}`]) expect([host, covers(names, host)]).toEqual([host, true]);
    // The wildcard is one label deep: no other namespace, no deeper name.
    expect(covers(names, `elasticsearch-0.elasticsearch-transport.other.svc`)).toBe(false);
    expect(covers(names, `a.b.elasticsearch-transport.${ns}.svc`)).toBe(false);
  });

  test('it is applied before the Elasticsearch pods (sync wave), and lets Argo CD skip its dry run while the CRD is missing', () => {
    const sts = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'elasticsearch')!;
    expect(waveOf(certificate)).toBeLessThan(waveOf(sts));
    expect(certificate.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('SkipDryRunOnMissingResource=true');
  });

  test.each(['dev', 'staging', 'prod'])('%s: off by default (the Secret you create), no Certificate', (env) => {
    expect(envObjects(env, { includeSubfolders: true }).filter((o) => o.kind === 'Certificate')).toEqual([]);
  });
});

describe('values', () => {
  const cm = 'elasticsearch.security.tls.certManager';
  test.each([
    [[`${cm}.enabled=true`], /: elasticsearch\.security\.tls\.certManager\.issuerRef\.name: cert-manager needs an issuer/],
    [[...ON, 'elasticsearch.security.enabled=false'], /: elasticsearch\.security\.tls\.certManager\.enabled: a certificate is used only with security\.enabled=true/],
    [[...ON, `${cm}.issuerRef.kind=CertIssuer`], /: elasticsearch\.security\.tls\.certManager\.issuerRef\.kind: /],
    [[...ON, `${cm}.duration=90d`], /: elasticsearch\.security\.tls\.certManager\.duration: expected a duration in hours, minutes, seconds/],
    [[...ON, `${cm}.duration=30m`], /: elasticsearch\.security\.tls\.certManager\.duration: 30m is below cert-manager's minimum of 1h/],
    [[...ON, `${cm}.duration=24h`, `${cm}.renewBefore=24h`], /: elasticsearch\.security\.tls\.certManager\.renewBefore: 24h must be less than the duration \(24h\)/],
    [[...ON, `${cm}.renewBefore=2160h`], /: elasticsearch\.security\.tls\.certManager\.renewBefore: 2160h must be less than the duration \(2160h\)/],
  ])('%j is refused with one line naming the source and the key', (sets, message) => {
    const error = errorOf(() => valuesOf('prod', sets));
    expect(error).toMatch(/^--set elasticsearch\.security\./);
    expect(error).toMatch(message);
    expect(error.split('\n')).toHaveLength(1);
  });

  test('Go durations as cert-manager reads them', () => {
    expect(['2160h', '1h30m', '90m', '3600s'].map(goDurationSeconds)).toEqual([2160 * 3600, 5400, 5400, 3600]);
    expect(['', '90d', '1m1h', '1.5h', 'h'].map(goDurationSeconds)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

test('npm run deploy reads it with the environment (the folders its Kustomization lists), in its wave', () => {
  const dir = tempDir('certificate-deploy-');
  for (const [path, content] of renderAll({ envs: ['prod'], sets: ON })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const { objects: applied } = readEnvironment(dir, 'prod');
  const waves = byWave(applied);
  const waveIndex = (kind: string, name: string) => waves.findIndex(([, inWave]) => inWave.some((o) => o.kind === kind && o.metadata.name === name));
  expect(waveIndex('Certificate', 'elasticsearch-tls')).toBeGreaterThanOrEqual(0);
  expect(waveIndex('Certificate', 'elasticsearch-tls')).toBeLessThan(waveIndex('StatefulSet', 'elasticsearch'));
});
