import { createAdminMetrics } from '@hookline/admin';
import { parseStatusRules } from '@hookline/core';
import { createIngesterMetrics } from '@hookline/ingester';
import { BACKLOG_STATES, createEventQueue, EVENTS_QUEUE, QUEUE_STATES } from '@hookline/queue';
import { removePrefix, testPrefix, testRedisUrl } from '@hookline/queue/testing';
import { commonEnv } from '@hookline/runtime';
import { createWorkerMetrics } from '@hookline/worker';
import { QueueKeys } from 'bullmq';
import { Redis } from 'ioredis';
import { Histogram, type Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { allows, type Endpoint } from './network-policy.js';
import { readJson, readText, roleOf, roles, yamlDocuments, yamlFiles } from './repo.js';

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are checked field by field below.
type Manifest = Record<string, any>;

const files = yamlFiles('infra');
const manifests: Manifest[] = files.flatMap((file) => yamlDocuments(file).map((document) => ({ ...document, __file: file })));
const ofKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const named = (kind: string, name: string) => {
  const found = ofKind(kind).find((manifest) => manifest.metadata?.name === name);
  if (found === undefined) throw new Error(`no ${kind} named ${name} under infra/`);
  return found;
};

/** Every series name the code exports, histogram suffixes included, with the labels it carries. */
async function exportedMetrics(): Promise<Map<string, Set<string>>> {
  const idle = { read: async () => Promise.reject(new Error('not scraped here')) };
  const registries: Registry[] = [
    createIngesterMetrics().registry,
    createWorkerMetrics().registry,
    createAdminMetrics(idle).registry,
  ];
  const series = new Map<string, Set<string>>();
  for (const registry of registries) {
    for (const metric of registry.getMetricsAsArray()) {
      const { name, labelNames = [] } = metric as unknown as { name: string; labelNames?: string[] };
      series.set(name, new Set(labelNames));
      if (metric instanceof Histogram) {
        series.set(`${name}_bucket`, new Set([...labelNames, 'le']));
        for (const suffix of ['_sum', '_count']) series.set(`${name}${suffix}`, new Set(labelNames));
      }
    }
  }
  return series;
}

async function exportedSeries(): Promise<Set<string>> {
  return new Set((await exportedMetrics()).keys());
}

const alertRules: { alert: string; expr: string }[] = yamlDocuments('infra/prometheus/alerts.yaml').flatMap((document) =>
  (document.groups as { rules: { alert: string; expr: string }[] }[]).flatMap((group) => group.rules),
);
const scaledObject = named('ScaledObject', 'hookline-worker');
const trigger = (type: string) => scaledObject.spec.triggers.find((candidate: Manifest) => candidate.type === type);
const promQueries = [...alertRules.map((rule) => rule.expr), trigger('prometheus').metadata.query as string];

/** The values a PromQL selector gives `label` (`=` or `=~` with `|` alternatives). */
function labelValues(query: string, label: string): string[] {
  return [...query.matchAll(new RegExp(`\\b${label}=~?"([^"]*)"`, 'g'))].flatMap((match) => (match[1] ?? '').split('|'));
}

// biome-ignore lint/suspicious/noExplicitAny: a Grafana dashboard is checked field by field below.
const dashboard = readJson<Record<string, any>>('infra/grafana/hookline.json');
const dashboardPanels: Manifest[] = dashboard.panels.filter((panel: Manifest) => panel.type !== 'row');
const dashboardQueries: string[] = [
  ...dashboardPanels.flatMap((panel) => panel.targets.map((target: Manifest) => target.expr as string)),
  ...dashboard.templating.list
    .filter((variable: Manifest) => variable.type === 'query')
    .map((variable: Manifest) => variable.query.query as string),
];

/** The labels a query selects on, groups by or asks values of; each must exist on every metric it names. */
function labelsUsed(query: string): string[] {
  const selected = [...query.matchAll(/\{([^}]*)\}/g)].flatMap(([, inside]) =>
    [...(inside ?? '').matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((match) => match[1] ?? ''),
  );
  const grouped = [...query.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap(([, inside]) =>
    (inside ?? '').split(',').map((label) => label.trim()),
  );
  const asked = [...query.matchAll(/label_values\([^,]+,\s*(\w+)\)/g)].map((match) => match[1] ?? '');
  return [...selected, ...grouped, ...asked].filter((label) => label !== '');
}

const sharedEnv = named('ConfigMap', 'hookline-env').data as Record<string, string>;

const scrapeJobs: Manifest[] = yamlDocuments('infra/prometheus/scrape-configs.yaml').flatMap(
  (document) => document.scrape_configs as Manifest[],
);
const scrapeJob = (name: string) => {
  const found = scrapeJobs.find((job) => job.job_name === name);
  if (found === undefined) throw new Error(`no scrape job ${name}`);
  return found;
};

function containerOf(deployment: Manifest): Manifest {
  return deployment.spec.template.spec.containers[0];
}

function envOf(container: Manifest): Record<string, string> {
  const fromConfigMaps = (container.envFrom ?? [])
    .filter((source: Manifest) => source.configMapRef !== undefined)
    .map((source: Manifest) => named('ConfigMap', source.configMapRef.name).data);
  const own = Object.fromEntries(
    (container.env ?? []).map((variable: Manifest) => [
      variable.name,
      variable.value ?? `secret:${variable.valueFrom.secretKeyRef.name}/${variable.valueFrom.secretKeyRef.key}`,
    ]),
  );
  return Object.assign({}, ...fromConfigMaps, own);
}

/** Variables that only carry a Secret's value into another one's `$(NAME)`, as Kubernetes expands it. */
function secretCarriers(env: Record<string, string>): string[] {
  return Object.keys(env).filter(
    (name) => env[name]?.startsWith('secret:') && Object.values(env).some((value) => value.includes(`$(${name})`)),
  );
}

const podsToRun = [...ofKind('Deployment'), ...ofKind('Job')];

describe('every YAML file under infra/', () => {
  it('parses, and every Kubernetes object names its kind and itself', () => {
    expect(files.length).toBeGreaterThan(5);
    // Kustomize's own file is the one object without a name.
    for (const manifest of manifests.filter(
      // Grafana's provisioning files have a numeric apiVersion: they are not Kubernetes objects.
      (candidate) => typeof candidate.apiVersion === 'string' && candidate.kind !== 'Kustomization',
    )) {
      expect(manifest.kind, manifest.__file).toEqual(expect.any(String));
      expect(manifest.metadata?.name, manifest.__file).toEqual(expect.any(String));
    }
  });
});

describe('metric names and labels referenced by alerts and KEDA', () => {
  it('exist in the code', async () => {
    const series = await exportedSeries();
    const referenced = new Set(promQueries.flatMap((query) => query.match(/\bhookline_[a-z0-9_]+/g) ?? []));
    expect(referenced.size).toBeGreaterThan(4);
    expect([...referenced].filter((name) => !series.has(name))).toEqual([]);
  });

  it('use label values the code produces', () => {
    const states = promQueries.flatMap((query) => labelValues(query, 'state'));
    expect(states.filter((state) => !(QUEUE_STATES as readonly string[]).includes(state))).toEqual([]);
    expect(promQueries.flatMap((query) => labelValues(query, 'queue'))).toEqual(expect.arrayContaining([EVENTS_QUEUE]));
    const processed = alertRules.flatMap((rule) =>
      rule.expr.includes('hookline_events_processed_total') ? labelValues(rule.expr, 'outcome') : [],
    );
    expect(processed.filter((outcome) => !['stored', 'duplicate', 'replayed', 'failed'].includes(outcome))).toEqual([]);
    // Ingester outcomes are the contract's error codes: each is a row of the README's contract table.
    const contract = readText('README.md');
    const ingest = alertRules.flatMap((rule) =>
      rule.expr.includes('hookline_ingest_requests_total') ? labelValues(rule.expr, 'outcome') : [],
    );
    expect(ingest.length).toBeGreaterThan(0);
    for (const outcome of ingest) expect(contract, outcome).toContain(`\`${outcome}\``);
  });

  it('has alerts on oldest waiting age, failure rate and ingester 5xx/503', () => {
    const exprs = alertRules.map((rule) => rule.expr).join('\n');
    expect(exprs).toContain('hookline_queue_oldest_waiting_age_seconds');
    expect(exprs).toMatch(/hookline_events_processed_total\{outcome="failed"\}/);
    expect(exprs).toContain('queue_unavailable');
  });
});

describe('the Grafana dashboard infra/grafana/hookline.json', () => {
  it('queries only metrics the code exports, with labels those metrics carry', async () => {
    const metrics = await exportedMetrics();
    expect(dashboardQueries.length).toBeGreaterThan(15);
    for (const query of dashboardQueries) {
      const names = query.match(/\bhookline_[a-z0-9_]+/g) ?? [];
      expect(names.length, query).toBeGreaterThan(0);
      for (const name of names) {
        const labels = metrics.get(name);
        expect(labels, `${name} in ${query}`).toBeDefined();
        for (const label of labelsUsed(query))
          expect([...(labels ?? [])], `${name} has no label ${label}: ${query}`).toContain(label);
      }
    }
  });

  it('uses label values the code produces', () => {
    const values = (label: string) =>
      dashboardQueries.flatMap((query) => labelValues(query, label)).filter((value) => !value.startsWith('$'));
    expect(values('state').filter((state) => !(QUEUE_STATES as readonly string[]).includes(state))).toEqual([]);
    expect(values('queue').filter((queue) => queue !== EVENTS_QUEUE)).toEqual([]);
    const outcomes = ['stored', 'duplicate', 'replayed', 'failed', 'accepted', 'handshake'];
    // `outcome` of hookline_reconcile_runs_total: the reconciler's own outcomes.
    outcomes.push('succeeded', 'unauthorized', 'rate_limited', 'unavailable');
    expect(values('outcome').filter((outcome) => !outcomes.includes(outcome))).toEqual([]);
  });

  it('has a panel for each thing an SRE looks at', () => {
    const all = dashboardQueries.join('\n');
    for (const metric of [
      'hookline_ingest_requests_total',
      'hookline_ack_duration_seconds_bucket',
      'hookline_queue_jobs',
      'hookline_queue_oldest_waiting_age_seconds',
      'hookline_processing_duration_seconds_bucket',
      'hookline_end_to_end_seconds_bucket',
      'hookline_transitions_total',
      'hookline_forward_attempts_total',
      'hookline_forward_breaker_waits_total',
      'hookline_reconcile_runs_total',
      'hookline_reconcile_recovered_total',
      'hookline_storage_bytes',
      'hookline_retention_removed_total',
    ])
      expect(all).toContain(metric);
  });

  it('reads its data source from a variable, and panels have unique ids and a description', () => {
    expect(dashboard.uid).toBe('hookline');
    const ids = dashboard.panels.map((panel: Manifest) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboardPanels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: `\${datasource}` });
      expect(panel.description, panel.title).toEqual(expect.any(String));
    }
  });
});

describe('the worker ScaledObject', () => {
  it('scales the worker Deployment on waiting + prioritized + delayed', () => {
    expect(scaledObject.spec.scaleTargetRef.name).toBe(named('Deployment', 'hookline-worker').metadata.name);
    expect(roleOf(containerOf(named('Deployment', 'hookline-worker')).command)).toBe(roles.worker);
    expect(new Set(labelValues(trigger('prometheus').metadata.query, 'state'))).toEqual(new Set(BACKLOG_STATES));
    expect(trigger('prometheus').metadata.query).toMatch(/^sum\(/);
  });

  it("watches BullMQ's wait list under the configured prefix, at the Redis the worker uses", async () => {
    const prefix = sharedEnv.HOOKLINE_QUEUE_PREFIX ?? commonEnv.shape.HOOKLINE_QUEUE_PREFIX.parse(undefined);
    const redis = trigger('redis').metadata;
    expect(redis.listName).toBe(new QueueKeys(prefix).toKey(EVENTS_QUEUE, 'wait'));
    const url = new URL(envOf(containerOf(named('Deployment', 'hookline-worker'))).REDIS_URL ?? '');
    expect(redis.address).toBe(`${url.hostname}:${url.port || '6379'}`);

    // And that key is where a real BullMQ queue keeps a waiting job: a wrong key never scales.
    const testPrefixed = testPrefix();
    const connection = new Redis(testRedisUrl());
    const queue = createEventQueue(connection, { prefix: testPrefixed });
    try {
      const event = {
        source: 's',
        eventId: 'e',
        eventType: null,
        entityId: null,
        status: null,
        rawBody: '{}',
        headers: {},
        receivedAt: 1,
      };
      await queue.add('s', event, { jobId: 's/e' });
      const key = new QueueKeys(testPrefixed).toKey(EVENTS_QUEUE, 'wait');
      expect(await connection.llen(key)).toBe(1);
    } finally {
      await queue.close();
      await removePrefix(connection, testPrefixed);
      await connection.quit();
    }
  });
});

describe('Deployments', () => {
  const deployments = ofKind('Deployment');

  it('run each of the three roles', () => {
    expect(deployments.map((deployment) => roleOf(containerOf(deployment).command))).toEqual(
      expect.arrayContaining([roles.ingester, roles.worker, roles.admin]),
    );
  });

  for (const deployment of deployments) {
    const container = containerOf(deployment);
    const role = roleOf(container.command);
    const name = deployment.metadata.name as string;

    it(`${name}: runs a known entrypoint with only variables its role reads`, () => {
      expect(role, String(container.command)).toBeDefined();
      const env = envOf(container);
      const carriers = secretCarriers(env);
      expect(Object.keys(env).filter((key) => !role?.env.includes(key) && !carriers.includes(key))).toEqual([]);
    });

    it(`${name}: has probes on its port, resource requests, and a grace period longer than its drain`, () => {
      const env = envOf(container);
      const port = Number(env.PORT);
      expect(container.ports.map((entry: Manifest) => entry.containerPort)).toContain(port);
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      // The admin's /readyz needs its token, which a probe cannot read from a Secret.
      expect(container.readinessProbe.httpGet.path).toBe(role === roles.admin ? '/healthz' : '/readyz');
      expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      const drainMs = Number(env.HOOKLINE_SHUTDOWN_GRACE_MS);
      expect(drainMs, 'HOOKLINE_SHUTDOWN_GRACE_MS set explicitly').toBeGreaterThan(0);
      const preStopSeconds = Number(container.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(drainMs + preStopSeconds * 1000);
    });

    it(`${name}: mounts the sources file where HOOKLINE_CONFIG points, and it is valid`, () => {
      const path = envOf(container).HOOKLINE_CONFIG ?? '';
      const mount = container.volumeMounts.find((entry: Manifest) => path.startsWith(`${entry.mountPath}/`));
      const volume = deployment.spec.template.spec.volumes.find((entry: Manifest) => entry.name === mount?.name);
      const text = named('ConfigMap', volume.configMap.name).data[path.slice(mount.mountPath.length + 1)];
      expect(parseStatusRules(text).ok).toBe(true);
    });
  }

  it('the ingester and worker each have a PodDisruptionBudget and a Service selecting their pods', () => {
    for (const name of ['hookline-ingester', 'hookline-worker']) {
      const labels = named('Deployment', name).spec.template.metadata.labels;
      for (const kind of ['PodDisruptionBudget', 'Service']) {
        const selector = named(kind, name).spec.selector;
        expect(labels).toMatchObject(selector.matchLabels ?? selector);
      }
    }
    expect(named('Service', 'hookline-admin').spec.selector).toEqual(
      named('Deployment', 'hookline-admin').spec.selector.matchLabels,
    );
  });

  it('the ingester serves /metrics and /readyz on HOOKLINE_METRICS_PORT, which its Service does not expose', () => {
    const deployment = named('Deployment', 'hookline-ingester');
    const container = containerOf(deployment);
    const env = envOf(container);
    const metricsPort = container.ports.find((entry: Manifest) => entry.name === 'metrics');
    expect(metricsPort.containerPort).toBe(Number(env.HOOKLINE_METRICS_PORT));
    expect(metricsPort.containerPort).not.toBe(Number(env.PORT));
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(metricsPort.containerPort));
    expect(named('Service', 'hookline-ingester').spec.ports.map((entry: Manifest) => entry.targetPort)).toEqual(['http']);
    const scrape = scrapeJob('hookline-ingester').relabel_configs.find((relabel: Manifest) =>
      relabel.source_labels.includes('__meta_kubernetes_pod_container_port_number'),
    );
    expect(scrape.regex).toBe(String(metricsPort.containerPort));
  });

  it('the ingester scales on CPU with an HPA', () => {
    const hpa = named('HorizontalPodAutoscaler', 'hookline-ingester');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'hookline-ingester' });
    expect(hpa.spec.metrics).toEqual([
      expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }),
    ]);
  });
});

describe('secrets and privileges', () => {
  for (const workload of podsToRun) {
    const name = workload.metadata.name as string;
    const pod = workload.spec.template.spec;
    const container = containerOf(workload);

    it(`${name}: runs as a non-root user, without privileges, on a read-only root file system`, () => {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: expect.any(Number) });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    });

    it(`${name}: takes the Redis and Postgres passwords from Secrets`, () => {
      const env = envOf(container);
      for (const [url, secret] of [
        ['REDIS_URL', 'secret:hookline-redis/password'],
        ['DATABASE_URL', 'secret:hookline-postgres/password'],
      ] as const) {
        if (env[url] === undefined) continue;
        const password = new URL(env[url]).password;
        const carrier = /^\$\(([A-Z_]+)\)$/.exec(decodeURIComponent(password))?.[1];
        expect(carrier, `${url} takes its password from a variable`).toBeDefined();
        expect(env[carrier ?? '']).toBe(secret);
      }
    });
  }

  it('keeps no connection URL in the shared ConfigMap', () => {
    expect(Object.keys(sharedEnv)).not.toContain('REDIS_URL');
    expect(Object.keys(sharedEnv)).not.toContain('DATABASE_URL');
  });

  it('every role that reads Redis or Postgres is given its URL', () => {
    for (const deployment of ofKind('Deployment')) {
      const env = envOf(containerOf(deployment));
      expect(env.REDIS_URL, deployment.metadata.name).toBeDefined();
    }
    expect(envOf(containerOf(named('Job', 'hookline-migrate'))).DATABASE_URL).toBeDefined();
  });

  it('the admin listens on the pod network, since it binds to loopback by default', () => {
    expect(envOf(containerOf(named('Deployment', 'hookline-admin'))).HOST).toBe('0.0.0.0');
  });

  it('KEDA logs in to Redis with the Secret the roles use', () => {
    const auth = named('TriggerAuthentication', trigger('redis').authenticationRef.name);
    expect(auth.spec.secretTargetRef).toEqual(
      expect.arrayContaining([
        { parameter: 'username', name: 'hookline-redis', key: 'username' },
        { parameter: 'password', name: 'hookline-redis', key: 'password' },
      ]),
    );
    expect(new URL(envOf(containerOf(named('Deployment', 'hookline-worker'))).REDIS_URL ?? '').username).toBe('hookline');
  });

  it('Prometheus scrapes the admin with a viewer token, not the admin token', () => {
    const credentials = scrapeJob('hookline-admin').authorization.credentials_file as string;
    expect(credentials).toBe('/etc/prometheus/secrets/hookline-prometheus/token');
    const setup = readText('infra/k8s/config.yaml');
    const token = /HOOKLINE_ADMIN_VIEWER_TOKENS=prometheus:(\$\w+)/.exec(setup)?.[1];
    expect(token).toBeDefined();
    expect(setup).toContain(`create secret generic hookline-prometheus --from-literal=token=${token}`);
  });
});

describe('NetworkPolicies', () => {
  const policies = ofKind('NetworkPolicy');
  const pod = (name: string): Endpoint => ({
    namespace: 'hookline',
    labels: named(name === 'hookline-migrate' ? 'Job' : 'Deployment', name).spec.template.metadata.labels,
  });
  const ingester = pod('hookline-ingester');
  const worker = pod('hookline-worker');
  const admin = pod('hookline-admin');
  const migrate = pod('hookline-migrate');
  const redis: Endpoint = { namespace: 'hookline', labels: { 'app.kubernetes.io/name': 'redis' } };
  const postgres: Endpoint = { namespace: 'hookline', labels: { 'app.kubernetes.io/name': 'postgres' } };
  const neighbour: Endpoint = { namespace: 'hookline', labels: { 'app.kubernetes.io/name': 'something-else' } };
  const otherNamespace: Endpoint = { namespace: 'default', labels: {} };
  const prometheus: Endpoint = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
  const keda: Endpoint = { namespace: 'keda', labels: {} };
  const internet: Endpoint = {};
  const ingesterEnv = envOf(containerOf(named('Deployment', 'hookline-ingester')));
  const [publicPort, metricsPort] = [Number(ingesterEnv.PORT), Number(ingesterEnv.HOOKLINE_METRICS_PORT)];

  it('deny everything in the namespace that no other policy allows', () => {
    expect(
      policies.some((policy) => Object.keys(policy.spec.podSelector).length === 0 && policy.spec.policyTypes.length === 2),
    ).toBe(true);
    expect(allows(policies, neighbour, ingester, metricsPort)).toBe(false);
  });

  it.each([
    ['anyone', internet, ingester, publicPort, true],
    ['anyone', internet, ingester, metricsPort, false],
    ['anyone', internet, admin, 3001, false],
    ['anyone', internet, worker, 3002, false],
    ['anyone', internet, redis, 6379, false],
    ['another namespace', otherNamespace, admin, 3001, false],
    ['another namespace', otherNamespace, redis, 6379, false],
    ['Prometheus', prometheus, ingester, metricsPort, true],
    ['Prometheus', prometheus, worker, 3002, true],
    ['Prometheus', prometheus, admin, 3001, true],
    ['Prometheus', prometheus, redis, 6379, false],
    ['KEDA', keda, redis, 6379, true],
    ['the ingester', ingester, redis, 6379, true],
    ['the ingester', ingester, postgres, 5432, false],
    ['the ingester', ingester, internet, 443, false],
    ['the worker', worker, redis, 6379, true],
    ['the worker', worker, postgres, 5432, true],
    ['the worker', worker, internet, 443, true],
    ['the admin', admin, redis, 6379, true],
    ['the admin', admin, postgres, 5432, true],
    ['the admin', admin, internet, 443, false],
    ['the migration', migrate, postgres, 5432, true],
    ['the migration', migrate, redis, 6379, false],
    ['a neighbour pod', neighbour, redis, 6379, false],
    ['a neighbour pod', neighbour, postgres, 5432, false],
  ])('%s → %o :%i allowed: %s', (_who, from, to, port, expected) => {
    expect(allows(policies, from as Endpoint, to as Endpoint, port as number)).toBe(expected);
  });
});
