/**
 * Elasticsearch's HTTP and transport certificate from cert-manager: a
 * `cert-manager.io/v1` Certificate whose `secretName` is the one TLS Secret
 * the StatefulSet and every client already read
 * (`elasticsearch.security.tls.secretName`), naming every Service host of the
 * construct (`Elasticsearch.tlsDnsNames`). cert-manager writes `tls.crt`,
 * `tls.key` and, for CA and self-signed issuers, `ca.crt` (the CA every
 * client trusts). A public ACME issuer does not fit: it cannot prove `*.svc`
 * names, writes no `ca.crt`, and its certificates are for servers only,
 * while the transport layer is mutual TLS (each node a client too).
 *
 * There is no cert-manager CRD schema in this project: `CertificateSpec`
 * types only the fields emitted, and test/certificate.test.ts checks them
 * against the enums of cert-manager's API types.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as z from 'zod';

export const CERTIFICATE_API = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate' } as const;

/** Where the Certificate is rendered: its own folder, as it needs cert-manager's CRD. */
export const CERTIFICATE_PATH = 'cert-manager/elasticsearch-certificate';

/** cert-manager's KeyUsage enum (`certmanager/v1` types), all of it. */
export const CERT_MANAGER_KEY_USAGES = [
  'signing', 'digital signature', 'content commitment', 'key encipherment', 'key agreement', 'data encipherment', 'cert sign', 'crl sign',
  'encipher only', 'decipher only', 'any', 'server auth', 'client auth', 'code signing', 'email protection', 's/mime', 'ipsec end system',
  'ipsec tunnel', 'ipsec user', 'timestamping', 'ocsp signing', 'microsoft sgc', 'netscape sgc',
] as const;
export type KeyUsage = (typeof CERT_MANAGER_KEY_USAGES)[number];

/** The issuer kinds of cert-manager's own group. */
export const ISSUER_KINDS = ['Issuer', 'ClusterIssuer'] as const;

/** The fields of a cert-manager Certificate's spec that we emit. */
export interface CertificateSpec {
  readonly secretName: string;
  readonly dnsNames: readonly string[];
  readonly issuerRef: { readonly name: string; readonly kind: (typeof ISSUER_KINDS)[number]; readonly group?: string };
  /** Go durations (`2160h`). */
  readonly duration?: string;
  readonly renewBefore?: string;
  readonly usages: readonly KeyUsage[];
  readonly privateKey: { readonly algorithm: 'RSA' | 'ECDSA' | 'Ed25519'; readonly size?: number; readonly encoding: 'PKCS1' | 'PKCS8'; readonly rotationPolicy: 'Never' | 'Always' };
}

/**
 * HTTPS for the clients, and the transport's mutual TLS: every node presents
 * the certificate as a server and as a client. RSA keys sign and encipher.
 */
export const ELASTICSEARCH_USAGES = ['server auth', 'client auth', 'digital signature', 'key encipherment'] as const satisfies readonly KeyUsage[];

/** Seconds of a Go duration as cert-manager reads it (h, m, s; largest first); undefined when it is not one. */
export function goDurationSeconds(text: string): number | undefined {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || text === '') return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

const goDuration = (what: string) =>
  z
    .string()
    .refine((d) => goDurationSeconds(d) !== undefined, { message: 'expected a duration in hours, minutes, seconds such as 2160h or 1h30m (cert-manager takes no days)' })
    .optional()
    .describe(what);

export const certManagerValues = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'cert-manager issues the certificate into tls.secretName (a Certificate, rendered to cert-manager/ and applied before Elasticsearch): instead of a Secret you create. Needs a CA or self-signed Issuer/ClusterIssuer (it writes ca.crt); a public ACME issuer does not fit',
      ),
    issuerRef: z
      .strictObject({
        name: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { message: 'expected the name of an Issuer or ClusterIssuer' }).optional().describe('The issuer (required when enabled)'),
        kind: z.enum(ISSUER_KINDS).default('ClusterIssuer').describe('Issuer (in the release namespace) or ClusterIssuer'),
        group: z.string().regex(/^[a-z0-9.-]+$/, { message: 'expected an API group' }).optional().describe('The issuer\'s API group; unset: cert-manager.io'),
      })
      .prefault({})
      .describe('The issuer that signs the certificate'),
    duration: goDuration('Validity (cert-manager default 2160h, 90 days; at least 1h)'),
    renewBefore: goDuration('Renew this long before expiry (cert-manager default: a third of the duration); less than the duration'),
  })
  .superRefine((v, ctx) => {
    if (v.enabled && !v.issuerRef.name) ctx.addIssue({ code: 'custom', path: ['issuerRef', 'name'], message: 'cert-manager needs an issuer: set the name of a CA or self-signed Issuer/ClusterIssuer' });
    const duration = v.duration === undefined ? 2160 * 3600 : goDurationSeconds(v.duration);
    const renew = v.renewBefore === undefined ? undefined : goDurationSeconds(v.renewBefore);
    if (duration !== undefined && duration < 3600) ctx.addIssue({ code: 'custom', path: ['duration'], message: `${v.duration} is below cert-manager's minimum of 1h` });
    if (duration !== undefined && renew !== undefined && renew >= duration) ctx.addIssue({ code: 'custom', path: ['renewBefore'], message: `${v.renewBefore} must be less than the duration (${v.duration ?? '2160h'})` });
  })
  .prefault({})
  .describe('cert-manager as the source of the TLS Secret');

export type CertManagerValues = z.output<typeof certManagerValues>;

export interface ElasticsearchCertificateProps {
  /** The TLS Secret cert-manager writes (the one the StatefulSet and the clients read). */
  readonly secretName: string;
  /** The names the certificate carries (`Elasticsearch.tlsDnsNames`). */
  readonly dnsNames: readonly string[];
  readonly certManager: CertManagerValues;
}

/** The Certificate of Elasticsearch's TLS Secret. */
export class ElasticsearchCertificate extends Construct {
  public readonly spec: CertificateSpec;

  public constructor(scope: Construct, id: string, props: ElasticsearchCertificateProps) {
    super(scope, id);
    const c = props.certManager;
    this.spec = {
      secretName: props.secretName,
      dnsNames: [...props.dnsNames],
      issuerRef: { name: c.issuerRef.name!, kind: c.issuerRef.kind, ...(c.issuerRef.group ? { group: c.issuerRef.group } : {}) },
      ...(c.duration ? { duration: c.duration } : {}),
      ...(c.renewBefore ? { renewBefore: c.renewBefore } : {}),
      usages: ELASTICSEARCH_USAGES,
      // A new key at every renewal; PKCS#8, which Elasticsearch's PEM reader takes.
      privateKey: { algorithm: 'RSA', size: 2048, encoding: 'PKCS8', rotationPolicy: 'Always' },
    };
    new ApiObject(this, 'certificate', { ...CERTIFICATE_API, metadata: { name: props.secretName }, spec: this.spec });
  }
}
