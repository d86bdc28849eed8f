export {
  type Connector,
  type ConnectFormField,
  type StoreCredentials,
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
export { DRUPAL_LIMITS, DRUPAL_DEFAULTS, drupalPaceStats } from './drupal';
