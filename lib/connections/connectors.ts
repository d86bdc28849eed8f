import { CONNECTOR_KINDS, type Connector, type ConnectorKind } from '@/lib/connectors';

/**
 * Which connector serves a kind of store. The platforms register in lib/connectors (connectorFor); tests put a
 * connector of their own in front (test/fake-connector.ts) through useConnectorForTests, so every other code
 * path (the routes, the jobs, the database) is the real one.
 */

const forTests = new Map<string, Connector>();
let platformLookup: ((kind: ConnectorKind) => Connector | null) | null = null;

export function connectorOf(kind: string): Connector | null {
  return forTests.get(kind) ?? (platformLookup && isKnownKind(kind) ? platformLookup(kind) : null);
}

/** lib/connectors' registry, handed over once at start (the merger wires `connectorFor` here). */
export function usePlatformConnectors(lookup: (kind: ConnectorKind) => Connector | null): void {
  platformLookup = lookup;
}

export function useConnectorForTests(connector: Connector | undefined, kind: string = connector?.kind ?? 'wordpress'): void {
  if (connector) forTests.set(kind, connector);
  else forTests.delete(kind);
}

function isKnownKind(kind: string): kind is ConnectorKind {
  return (CONNECTOR_KINDS as readonly string[]).includes(kind);
}
