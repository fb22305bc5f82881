/**
 * Snapshots of the log store: an S3 repository (repository-s3 is built into
 * Elasticsearch 9; its client credentials go into the Elasticsearch keystore,
 * from a Secret, by an init container) and an SLM policy taking them on a
 * schedule with a retention. The logs bootstrap registers both (PUT,
 * idempotent); the bodies are typed against `@elastic/elasticsearch`.
 *
 * Only S3 (or an S3-compatible store through `endpoint`) is supported: a
 * shared-filesystem (`fs`) repository needs a ReadWriteMany volume mounted on
 * every node at path.repo, which most clusters do not offer.
 */
import type { estypes } from '@elastic/elasticsearch';
import * as z from 'zod';
import { INDEX_FAMILIES, indexPattern } from '../logs/indices';
import { secretRef } from '../values/types';

/** PUT _snapshot/<repository> */
export type RepositoryBody = estypes.SnapshotS3Repository;
/** PUT _slm/policy/<policy> */
export type SlmPolicyBody = Pick<estypes.SlmPutLifecycleRequest, 'schedule' | 'name' | 'repository' | 'config' | 'retention'>;

export const SNAPSHOTS = {
  repository: 'pynomaly-logs',
  policy: 'pynomaly-logs-nightly',
  /** The S3 client of the repository, whose settings the keystore holds (s3.client.<name>.*). */
  s3Client: 'default',
  /** The keys of the credentials Secret, and the keystore settings they become. */
  keystore: [
    { secretKey: 'access-key', setting: 's3.client.default.access_key' },
    { secretKey: 'secret-key', setting: 's3.client.default.secret_key' },
  ],
} as const;

/**
 * Elasticsearch's (Quartz-style) cron: seconds minutes hours day-of-month
 * month day-of-week [year], exactly one of the two days `?`.
 */
export function slmCronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length < 6 || fields.length > 7) return `expected 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year]), got ${fields.length}`;
  const bad = fields.find((f) => !/^[0-9A-Z*?/,#LW-]+$/.test(f));
  if (bad) return `field ${JSON.stringify(bad)} is not a cron field`;
  const [sec, min, hour] = fields.map((f) => (/^\d+$/.test(f) ? Number(f) : undefined));
  if ((sec ?? 0) > 59 || (min ?? 0) > 59 || (hour ?? 0) > 23) return 'seconds and minutes must be 0-59, hours 0-23';
  if ((fields[3] === '?') === (fields[5] === '?')) return 'exactly one of day-of-month and day-of-week must be ?';
  return undefined;
}

export const snapshotValues = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Snapshot the log data streams to an S3 repository on a schedule (SLM)'),
    s3: z
      .strictObject({
        bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'expected an S3 bucket name' }).optional().describe('The bucket (required when snapshots are on)'),
        basePath: z.string().regex(/^[^/](.*[^/])?$/, { message: 'must not start or end with /' }).default('pynomaly-logs').describe('Path of the repository inside the bucket'),
        endpoint: z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$/, { message: 'expected a host[:port] such as s3.eu-west-1.amazonaws.com or minio.storage.svc:9000' }).optional().describe('s3.client.default.endpoint: an S3-compatible store; unset: AWS S3'),
        credentialsSecret: secretRef('the S3 access key (key access-key) and secret key (key secret-key); an init container adds them to the Elasticsearch keystore', { name: 'elasticsearch-snapshots-s3', key: 'access-key' }),
      })
      .prefault({})
      .describe('The S3 repository (repository-s3 is built into Elasticsearch 9)'),
    schedule: z
      .string()
      .superRefine((cron, ctx) => {
        const problem = slmCronProblem(cron);
        if (problem) ctx.addIssue({ code: 'custom', message: `not an Elasticsearch cron expression: ${problem}` });
      })
      .default('0 30 1 * * ?')
      .describe('When the SLM policy snapshots (Elasticsearch cron with seconds, in UTC): default 01:30 every day'),
    retention: z
      .strictObject({
        expireAfter: z.string().regex(/^[1-9]\d*[dh]$/, { message: 'expected days or hours such as 30d' }).default('30d').describe('Delete snapshots older than this'),
        minCount: z.int().min(1).default(5).describe('Keep at least this many, however old'),
        maxCount: z.int().min(1).default(50).describe('Keep at most this many'),
      })
      .refine((r) => r.minCount <= r.maxCount, { message: 'minCount must not exceed maxCount', path: ['minCount'] })
      .prefault({})
      .describe('SLM retention'),
  })
  .refine((s) => !s.enabled || s.s3.bucket !== undefined, { message: 'snapshots need a bucket (s3.bucket)', path: ['s3', 'bucket'] })
  .prefault({})
  .describe('Snapshots of the log data streams (SLM to S3)');

export type SnapshotValues = z.output<typeof snapshotValues>;

export function repositoryBody(v: SnapshotValues): RepositoryBody {
  return { type: 's3', settings: { bucket: v.s3.bucket!, base_path: v.s3.basePath, client: SNAPSHOTS.s3Client } };
}

export function slmPolicyBody(v: SnapshotValues): SlmPolicyBody {
  return {
    schedule: v.schedule,
    name: '<pynomaly-logs-{now/d}>',
    repository: SNAPSHOTS.repository,
    config: { indices: INDEX_FAMILIES.map(indexPattern), include_global_state: false, ignore_unavailable: true },
    retention: { expire_after: v.retention.expireAfter, min_count: v.retention.minCount, max_count: v.retention.maxCount },
  };
}
