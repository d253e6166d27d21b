// Plays a messy Apify run at a running example: statuses out of order, the final one three
// times, then prints what apify_runs holds. Usage: pnpm --filter @hookline/example-apify-runs send
import { createHmac } from 'node:crypto';
import postgres from 'postgres';

const secret = process.env.APIFY_WEBHOOK_SECRET ?? 'apify-example-secret';
const url = process.env.HOOKLINE_URL ?? 'http://127.0.0.1:3000';
const runId = `run_${Date.now()}`;

async function deliver(status: string, finishedAt: string | null): Promise<void> {
  const body = JSON.stringify({
    eventType: status === 'SUCCEEDED' ? 'ACTOR.RUN.SUCCEEDED' : 'ACTOR.RUN.CREATED',
    resource: { id: runId, actId: 'act_example', status, defaultDatasetId: `ds_${runId}`, finishedAt },
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const eventId = `${runId}-${status}`;
  const response = await fetch(`${url}/webhooks/apify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-event-id': eventId,
      'x-timestamp': String(timestamp),
      'x-signature': `sha256=${createHmac('sha256', secret).update(`${eventId}.${timestamp}.${body}`).digest('hex')}`,
    },
    body,
  });
  console.log(status.padEnd(10), response.status, await response.text());
}

const finished = new Date().toISOString();
await deliver('SUCCEEDED', finished);
await deliver('RUNNING', null); // late: must not move the run back
await Promise.all([deliver('SUCCEEDED', finished), deliver('SUCCEEDED', finished)]); // duplicates
await new Promise((resolve) => setTimeout(resolve, 1000));

const sql = postgres(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hookline', { max: 1 });
console.table(await sql`select run_id, actor_id, status, dataset_id, finished_at from apify_runs where run_id = ${runId}`);
await sql.end();
