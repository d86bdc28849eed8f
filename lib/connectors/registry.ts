import type { Connector, ConnectorKind } from './types';
import { wordpressConnector } from './wordpress';

/** One entry per platform: the jobs and the API find a connector by its kind, and know no platform beyond that. */
const CONNECTORS: Record<ConnectorKind, Connector> = {
  wordpress: wordpressConnector,
};

export function connectorFor(kind: ConnectorKind): Connector {
  return CONNECTORS[kind];
}
