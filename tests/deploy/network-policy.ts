// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are read field by field.
type Manifest = Record<string, any>;

/** A pod (or, without labels, a client outside the cluster) as NetworkPolicies see it. */
export interface Endpoint {
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

const NAMESPACE = 'hookline';

function matches(selector: Manifest | undefined, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

function selects(policy: Manifest, pod: Endpoint): boolean {
  return pod.namespace === NAMESPACE && matches(policy.spec.podSelector, pod.labels ?? {});
}

function peerMatches(peer: Manifest, other: Endpoint): boolean {
  if (peer.ipBlock !== undefined) return peer.ipBlock.cidr === '0.0.0.0/0';
  if (other.namespace === undefined) return false;
  const namespaceOk =
    peer.namespaceSelector === undefined
      ? other.namespace === NAMESPACE
      : matches(peer.namespaceSelector, { 'kubernetes.io/metadata.name': other.namespace });
  const podOk = peer.podSelector === undefined || matches(peer.podSelector, other.labels ?? {});
  return namespaceOk && podOk;
}

function ruleAllows(rule: Manifest, peers: Manifest[] | undefined, other: Endpoint, port: number): boolean {
  const peerOk = peers === undefined || peers.some((peer) => peerMatches(peer, other));
  const portOk = rule.ports === undefined || rule.ports.some((entry: Manifest) => entry.port === port);
  return peerOk && portOk;
}

/** Whether `policies` let `from` open a TCP connection to `to` on `port` (both directions checked). */
export function allows(policies: readonly Manifest[], from: Endpoint, to: Endpoint, port: number): boolean {
  const direction = (pod: Endpoint, type: 'Ingress' | 'Egress', other: Endpoint) => {
    const applying = policies.filter((policy) => selects(policy, pod) && policy.spec.policyTypes.includes(type));
    if (applying.length === 0) return true;
    const key = type === 'Ingress' ? 'ingress' : 'egress';
    const peersKey = type === 'Ingress' ? 'from' : 'to';
    return applying.some((policy) =>
      (policy.spec[key] ?? []).some((rule: Manifest) => ruleAllows(rule, rule[peersKey], other, port)),
    );
  };
  const egressOk = from.namespace !== NAMESPACE || direction(from, 'Egress', to);
  const ingressOk = to.namespace !== NAMESPACE || direction(to, 'Ingress', from);
  return egressOk && ingressOk;
}
