import { defineHandler } from '@hookline/handler';
import { sql } from 'drizzle-orm';

/** Inserts one row per run into `handler_effects`, which the test creates. */
export default defineHandler({
  eventTypes: ['run.*'],
  async handle(event, ctx) {
    await ctx.tx.execute(sql`insert into handler_effects (event_id, note) values (${event.eventId}, 'loaded from a module')`);
  },
});
