import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

export const BOARD_PATH = '/queues';

/** A queue on the board, with the line that tells an operator what its jobs are. */
export interface BoardQueue {
  readonly queue: Queue;
  readonly description: string;
}

/**
 * Bull Board at `/queues`, inside the admin's auth: the events queue and forwarding's queue.
 * Job data is the verified event or a delivery's id, which never hold a secret. In read-only
 * mode Bull Board itself refuses every action.
 */
export async function registerBullBoard(app: FastifyInstance, queues: readonly BoardQueue[], readOnly: boolean): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: queues.map(({ queue, description }) => new BullMQAdapter(queue, { readOnlyMode: readOnly, description })),
    serverAdapter,
    options: {
      uiConfig: { boardTitle: 'Hookline', miscLinks: [{ text: 'Events API', url: '/docs' }] },
    },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: BOARD_PATH });
}
