import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { EventQueue } from '@hookline/queue';
import type { FastifyInstance } from 'fastify';

export const BOARD_PATH = '/queues';

/**
 * Bull Board at `/queues`, inside the admin's auth. Job data is the verified event, which
 * never holds a secret. In read-only mode Bull Board itself refuses every action.
 */
export async function registerBullBoard(app: FastifyInstance, queue: EventQueue, readOnly: boolean): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: [
      new BullMQAdapter(queue, {
        readOnlyMode: readOnly,
        description: 'Verified deliveries waiting for, or kept after, the worker',
      }),
    ],
    serverAdapter,
    options: {
      uiConfig: { boardTitle: 'Hookline', miscLinks: [{ text: 'Events API', url: '/docs' }] },
    },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: BOARD_PATH });
}
