import type { Connector } from './types';
import { drupalConnector } from './drupal';
import { shopifyConnector } from './shopify';
import { wordpressConnector } from './wordpress';

/**
 * One entry per platform: the jobs and the API find a connector by its kind, and know no platform beyond that.
 * The kinds a connection may have are this object's keys: a new platform is one line here.
 */
const CONNECTORS = {
  wordpress: wordpressConnector,
  shopify: shopifyConnector,
  drupal: drupalConnector,
} as const satisfies Record<string, Connector>;

export type ConnectorKind = keyof typeof CONNECTORS;
export const CONNECTOR_KINDS = Object.keys(CONNECTORS) as [ConnectorKind, ...ConnectorKind[]];

export function connectorFor(kind: ConnectorKind): Connector {
  return CONNECTORS[kind];
}

export function isConnectorKind(kind: string): kind is ConnectorKind {
  return Object.hasOwn(CONNECTORS, kind);
}
