// Runs every role on one machine: migrations first, then the ingester, the worker and the admin.
// Each role is its own process, as in production; a signal stops them all gracefully.
// `--from-source` runs the TypeScript sources through tsx instead of the built dist/, so
// handler modules written in TypeScript load without a build (the examples use this).
// In a terminal the roles' JSON log lines are shown by pino-pretty, one line per entry with the
// role's name; piped (`pnpm start | jq`), with NODE_ENV=production, or with LOG_FORMAT=json they
// stay JSON, as every deployed role writes them.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const fromSource = process.argv.includes('--from-source');
const pretty = process.stdout.isTTY === true && process.env.NODE_ENV !== 'production' && process.env.LOG_FORMAT !== 'json';
// Loaded only when used: pino-pretty is a development dependency.
const prettyStream = pretty
  ? (await import('pino-pretty')).default.bind(null, {
      colorize: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      destination: 1,
    })
  : undefined;

const roles = [
  ['ingester', 'apps/ingester/dist/main.js'],
  ['worker', 'apps/worker/dist/main.js'],
  ['admin', 'apps/admin/dist/main.js'],
];

function run(built) {
  const source = built.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
  const args = fromSource ? ['--conditions=@hookline/source', '--import', 'tsx', `${root}${source}`] : [`${root}${built}`];
  const child = spawn(process.execPath, args, { stdio: ['inherit', prettyStream ? 'pipe' : 'inherit', 'inherit'] });
  // One prettifier per role: each splits its own stream into lines, so roles never interleave mid-line.
  if (prettyStream) child.stdout.pipe(prettyStream());
  return child;
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
