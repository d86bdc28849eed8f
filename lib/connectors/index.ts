export {
  type Connector,
  type ConnectFormField,
  type StoreCredentials,
  type AltWrite,
  type BulkAltWrite,
  type ConnectorError,
  type ConnectorErrorCode,
  type ConnectorLimits,
  type StoreAccess,
  type RemoteImage,
  type RemoteProduct,
  type ImagePage,
} from './types';
export { connectorFor, isConnectorKind, CONNECTOR_KINDS, type ConnectorKind } from './registry';
export { WORDPRESS_LIMITS, wordpressPaceStats } from './wordpress';
export { SHOPIFY_LIMITS, REQUIRED_SCOPES as SHOPIFY_REQUIRED_SCOPES, FILES_PER_CALL as SHOPIFY_FILES_PER_CALL, shopifyPaceStats, useShopifyClock } from './shopify';
export { DRUPAL_LIMITS, drupalPaceStats } from './drupal';
