export {
  CONNECTOR_KINDS,
  type ConnectorKind,
  type Connector,
  type ConnectorError,
  type ConnectorErrorCode,
  type ConnectorLimits,
  type StoreAccess,
  type RemoteImage,
  type RemoteProduct,
  type ImagePage,
} from './types';
export { connectorFor } from './registry';
export { WORDPRESS_LIMITS, wordpressPaceStats } from './wordpress';
