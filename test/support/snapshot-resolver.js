// Keeps every snapshot in the top-level __snapshots__/ folder (the layout of
// the design card) instead of beside each test file.
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const snapshots = path.join(root, '__snapshots__');
const tests = path.join(root, 'test');

module.exports = {
  resolveSnapshotPath: (testPath, ext) => path.join(snapshots, path.relative(tests, testPath) + ext),
  resolveTestPath: (snapshotPath, ext) => path.join(tests, path.relative(snapshots, snapshotPath).slice(0, -ext.length)),
  testPathForConsistencyCheck: path.join(tests, 'example.test.ts'),
};
