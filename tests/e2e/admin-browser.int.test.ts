import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseSourcesConfig } from '@hookline/core';
import { operatorActions, webhookEvents } from '@hookline/db';
import { eq } from 'drizzle-orm';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type Admin, adminAuth, startAdmin } from './admin-harness.js';
import { createPipeline, jobBody, type Pipeline, signedDelivery, waitFor } from './harness.js';

const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

// Debian's chromium, never a downloaded browser; flags keep it from phoning home.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let pipeline: Pipeline;
let admin: Admin;
let baseUrl: string;
let browser: Browser;
let attacker: Server;
let attackerUrl: string;

/** Another site: a page that makes the visitor's browser post a form to the admin as soon as it loads. */
function startAttacker(target: string): Promise<string> {
  const page = `<!doctype html><html><body>
<form id="csrf" method="POST" action="${target}/api/failed/retry" enctype="text/plain">
  <input type="hidden" name='{"pad":"' value='"}'>
</form>
<script>document.getElementById('csrf').submit();</script>
</body></html>`;
  attacker = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end(page);
  });
  return new Promise((resolve) => {
    attacker.listen(0, '127.0.0.1', () => {
      // `localhost`, not 127.0.0.1: another host name, so the browser sees another site.
      resolve(`http://localhost:${(attacker.address() as { port: number }).port}/`);
    });
  });
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  pipeline = await createPipeline();
  // A worker whose config lacks the source fails the job with a clear reason, as after a bad deploy.
  const other = parseSourcesConfig('sources:\n  - {name: other, provider: hmac-sha256, secrets: [X]}\n', { X: 'x' });
  if (!other.ok) throw new Error(other.problems.join());
  const misconfigured = await pipeline.startWorker({ config: other.config });
  await pipeline.ingester.inject(signedDelivery('evt-board', jobBody('job-board', 'running')));
  await pipeline.ingester.inject(signedDelivery('evt-csrf', jobBody('job-csrf', 'running')));
  for (const id of ['jobs/evt-board', 'jobs/evt-csrf']) {
    await waitFor('the job to fail', async () => {
      const job = await pipeline.queue.getJob(id);
      return (await job?.isFailed()) ? job : undefined;
    });
  }
  await misconfigured.close();

  admin = await startAdmin(pipeline);
  baseUrl = await admin.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  attackerUrl = await startAttacker(baseUrl);
});

afterAll(async () => {
  attacker?.close();
  await browser?.close();
  await admin?.close();
  await pipeline?.close();
});

describe('a page on another site', () => {
  it('cannot make a logged-in operator retry failed jobs with a form', { timeout: 60_000 }, async () => {
    // The operator's browser answers the admin's Basic challenge with the token, as after a login.
    const context = await browser.newContext({ httpCredentials: { username: 'operator', password: ADMIN_TOKEN } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const operatorView = await page.goto(`${baseUrl}/api/stats`);
    expect(operatorView?.status()).toBe(200);

    const answer = page.waitForResponse((response) => response.url() === `${baseUrl}/api/failed/retry`);
    await page.goto(attackerUrl);
    const response = await answer;
    expect(response.status()).toBe(403);
    expect(await response.json()).toEqual({ error: { code: 'forbidden_origin', message: expect.any(String) } });
    await context.close();

    // Nothing happened: both jobs are still failed, and no retry was audited.
    for (const id of ['jobs/evt-csrf', 'jobs/evt-board'])
      expect(await (await pipeline.queue.getJob(id))?.getState()).toBe('failed');
    const retries = await pipeline.database.client.db
      .select()
      .from(operatorActions)
      .where(eq(operatorActions.action, 'retry_failed'));
    expect(retries).toEqual([]);
  });
});

describe('Bull Board in a browser', () => {
  it('asks for credentials, then shows the failed job and its reason, and retries it', { timeout: 60_000 }, async () => {
    // Without credentials the board answers with the challenge that makes a browser ask for them.
    const denied = await fetch(`${baseUrl}/queues`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toMatch(/^Basic /);

    // Basic auth as a browser does it: any user name, the admin token as password.
    const context = await browser.newContext({ httpCredentials: { username: 'operator', password: ADMIN_TOKEN } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const response = await page.goto(`${baseUrl}/queues`);
    expect(response?.status()).toBe(200);
    await page.getByText('events', { exact: true }).first().click();
    await page.goto(`${baseUrl}/queues/queue/events?status=failed`);

    // The job card: the nearest element around the job id that holds the job's action buttons.
    const card = page.getByText('jobs/evt-board', { exact: true }).locator('xpath=ancestor::*[.//button][1]');
    await page.getByText('source "jobs" is not configured in this worker').first().waitFor();
    await page.screenshot({ path: `${artifacts}bull-board-failed-job.png`, fullPage: true });

    // The job card's first action is Retry; Bull Board asks for confirmation.
    await card.locator('button').first().click();
    const dialog = page.locator('[role="dialog"], [role="alertdialog"]');
    await dialog.getByText(/retry this job/).waitFor();
    await dialog.getByRole('button', { name: 'Confirm' }).click();

    const job = await waitFor('the job to leave the failed set', async () => {
      const found = await pipeline.queue.getJob('jobs/evt-board');
      // Fetched again once waiting: the first snapshot may predate the retry.
      return (await found?.getState()) === 'waiting' ? pipeline.queue.getJob('jobs/evt-board') : undefined;
    });
    expect(job.failedReason).toBeFalsy();
    await page.goto(`${baseUrl}/queues/queue/events?status=waiting`);
    await page.getByText('jobs/evt-board', { exact: true }).waitFor();
    await page.screenshot({ path: `${artifacts}bull-board-after-retry.png`, fullPage: true });
    await context.close();

    // With a correctly configured worker, the retried job now stores its event.
    await pipeline.startWorker();
    const row = await waitFor('the event to be stored', async () => {
      const [stored] = await pipeline.database.client.db
        .select()
        .from(webhookEvents)
        .where(eq(webhookEvents.eventId, 'evt-board'));
      return stored?.processedAt ? stored : undefined;
    });
    expect(row.transition).toBe('applied');
  });
});

describe('the events explorer in a browser', () => {
  it('finds an event by entity, opens it, replays it, and the entity timeline shows the replay', {
    timeout: 90_000,
  }, async () => {
    await pipeline.startWorker();
    const statuses = ['queued', 'running', 'succeeded', 'running'];
    for (const [index, status] of statuses.entries()) {
      const response = await pipeline.ingester.inject(signedDelivery(`explore-${index + 1}`, jobBody('job-explore', status)));
      expect(response.statusCode).toBe(200);
      // One at a time, so the events arrive in this order and the late `running` meets a terminal status.
      await waitFor(`explore-${index + 1} to be processed`, async () => {
        const [row] = await pipeline.database.client.db
          .select()
          .from(webhookEvents)
          .where(eq(webhookEvents.eventId, `explore-${index + 1}`));
        return row?.processedAt ? row : undefined;
      });
    }
    // An operator sets the job back to running by hand: replaying `succeeded` must move it forward again.
    const override = await fetch(`${baseUrl}/api/entities/jobs/job-explore/status`, {
      method: 'POST',
      headers: { ...adminAuth, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'running', reason: 'rerun requested by the owner' }),
    });
    expect(override.status).toBe(200);

    const context = await browser.newContext({
      httpCredentials: { username: 'operator', password: ADMIN_TOKEN },
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${baseUrl}/ui/events`);
    await page.getByLabel('Entity id').fill('job-explore');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/entity=job-explore/);
    expect(await page.locator('tbody tr').count()).toBe(5);
    await page.screenshot({ path: `${artifacts}explorer-search.png`, fullPage: true });

    await page.getByRole('link', { name: 'explore-3', exact: true }).click();
    await page.getByRole('heading', { name: 'Event explore-3' }).waitFor();
    await page.locator('#payload').getByText('"status": "succeeded"').waitFor();
    await page.getByPlaceholder('Reason (kept in the audit trail)').fill('undo the manual override');
    await page.getByRole('button', { name: 'Replay' }).click();
    await page
      .getByRole('status')
      .getByText(/^Replay queued as job jobs\/%replay-/)
      .waitFor();
    await page.screenshot({ path: `${artifacts}explorer-event-replayed.png`, fullPage: true });

    await page.getByRole('link', { name: 'job-explore' }).click();
    await page.getByRole('heading', { name: 'Entity job-explore' }).waitFor();
    // The worker runs the replay in its own time: reload until the timeline shows what it did.
    await waitFor('the replay on the timeline', async () => {
      await page.reload();
      return (await page.locator('li.replay.moved').count()) === 1 ? true : undefined;
    });
    expect(await page.locator('#entity-status').textContent()).toBe('succeeded (terminal)');
    const effects = await page.locator('ol.timeline > li').evaluateAll((items) => items.map((item) => item.className));
    expect(effects).toEqual(['moved event', 'moved event', 'moved event', 'terminal event', 'moved event', 'moved replay']);
    await page.screenshot({ path: `${artifacts}entity-timeline.png`, fullPage: true });
    await context.close();
  });
});
