// B. The naive baseline most teams write first: verify, then INSERT … ON CONFLICT DO NOTHING
// into Postgres before answering. Correct at the database, but every delivery waits on it.
import { hmacSha256Scheme } from '@hookline/core';
import Fastify from 'fastify';
import postgres from 'postgres';
import { BENCH_SECRET } from '../bench-config.js';

const sql = postgres(process.env.DATABASE_URL ?? '', { max: 20, onnotice: () => {} });
// The single table a team writes first: the event and its body in one row, one unique key.
await sql`
  create table if not exists naive_events (
    id bigint primary key generated always as identity, source text not null, event_id text not null,
    payload jsonb, raw_body text not null, received_at timestamptz not null, unique (source, event_id))`;
const app = Fastify();
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/webhooks/:source', async (request, reply) => {
  const rawBody = request.body as Buffer;
  const verdict = hmacSha256Scheme.verify({
    headers: request.headers,
    rawBody,
    secrets: [{ index: 0, value: BENCH_SECRET }],
    nowSeconds: Math.floor(Date.now() / 1000),
    toleranceSeconds: 300,
  });
  if (!verdict.ok) return reply.status(401).send({ error: verdict.reason });
  const text = rawBody.toString('utf8');
  await sql`insert into naive_events (source, event_id, payload, raw_body, received_at)
            values ('naive', ${String(request.headers['x-event-id'])}, ${text}::jsonb, ${text}, now())
            on conflict (source, event_id) do nothing`;
  return { status: 'ok' };
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(JSON.stringify({ ready: true }));
