// `npm start`'s first step: rebuild dist/ only when it is missing or older than what it is built from, so a
// start after `npm ci` (whose `prepare` built it) or after an unchanged restart takes no TypeScript build.
// The check compares modification times: the newest file under src/ and the build's own inputs against
// dist/cli.js — a few hundred stat calls, a few milliseconds. Plain JavaScript, so it needs no build itself.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const inputs = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};

function newestUnder(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, mtime(path.join(entry.parentPath, entry.name)) ?? 0);
  }
  return newest;
}

const built = mtime(path.join(root, 'dist', 'cli.js'));
const src = path.join(root, 'src');
// An installed package has dist/ and no src/: nothing to build from.
if (mtime(src) === undefined) process.exit(0);
const newest = Math.max(newestUnder(src), ...inputs.map((f) => mtime(path.join(root, f)) ?? 0));
if (built !== undefined && built >= newest) process.exit(0);

process.stderr.write(`mockgate: ${built === undefined ? 'dist/ is missing' : 'src/ changed since the last build'}; building\n`);
const npm = process.env.npm_execpath;
const run = npm ? spawnSync(process.execPath, [npm, 'run', 'build', '--silent'], { cwd: root, stdio: 'inherit' }) : spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(run.status ?? 1);
