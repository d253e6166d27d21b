// Runs every role on one machine: migrations first, then the ingester, the worker and the admin.
// Each role is its own process, as in production; a signal stops them all gracefully.
// `--from-source` runs the TypeScript sources through tsx instead of the built dist/, so
// handler modules written in TypeScript load without a build (the examples use this).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const fromSource = process.argv.includes('--from-source');

const roles = [
  ['ingester', 'apps/ingester/dist/main.js'],
  ['worker', 'apps/worker/dist/main.js'],
  ['admin', 'apps/admin/dist/main.js'],
];

function run(built) {
  const source = built.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
  const args = fromSource ? ['--conditions=@hookline/source', '--import', 'tsx', `${root}${source}`] : [`${root}${built}`];
  return spawn(process.execPath, args, { stdio: 'inherit' });
}

const migrate = run('packages/db/dist/migrate-cli.js');
const migrated = await new Promise((resolve) => migrate.on('exit', resolve));
if (migrated !== 0) process.exit(migrated ?? 1);

const children = roles.map(([, built]) => run(built));
let stopping = false;

function stop(signal) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(signal));

const codes = await Promise.all(
  children.map(
    (child, index) =>
      new Promise((resolve) =>
        child.on('exit', (code) => {
          if (!stopping) {
            console.error(`${roles[index][0]} exited with code ${code}; stopping the others`);
            stop('SIGTERM');
          }
          resolve(code ?? 1);
        }),
      ),
  ),
);
process.exit(Math.max(...codes));
