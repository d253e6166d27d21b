// Runs every role on one machine: migrations first, then the ingester and the worker.
// Each role is its own process, as in production; a signal stops them all gracefully.
// `--from-source` runs the TypeScript sources through tsx instead of the built dist/, so
// handler modules written in TypeScript load without a build (the examples use this).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const fromSource = process.argv.includes('--from-source');

const roles = [
  ['ingester', 'apps/ingester', 'main'],
  ['worker', 'apps/worker', 'main'],
];

function run(dir, file) {
  const args = fromSource
    ? ['--conditions=@hookline/source', '--import', 'tsx', `${root}${dir}/src/${file}.ts`]
    : [`${root}${dir}/dist/${file}.js`];
  return spawn(process.execPath, args, { stdio: 'inherit' });
}

const migrate = run('packages/db', 'migrate-cli');
const migrated = await new Promise((resolve) => migrate.on('exit', resolve));
if (migrated !== 0) process.exit(migrated ?? 1);

const children = roles.map(([, dir, file]) => run(dir, file));
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
