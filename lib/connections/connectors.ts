import { connectorFor, isConnectorKind, type Connector } from '@/lib/connectors';

/**
 * Which connector serves a kind of store: lib/connectors' registry (connectorFor); tests put a
 * connector of their own in front (test/fake-connector.ts) through useConnectorForTests, so every other code
 * path (the routes, the jobs, the database) is the real one.
 */

const forTests = new Map<string, Connector>();

export function connectorOf(kind: string): Connector | null {
  return forTests.get(kind) ?? (isConnectorKind(kind) ? connectorFor(kind) : null);
}

export function useConnectorForTests(connector: Connector | undefined, kind: string = connector?.kind ?? 'wordpress'): void {
  if (connector) forTests.set(kind, connector);
  else forTests.delete(kind);
}
