export { webhookSubscriber } from './events';
export {
  endpointInput,
  endpointUpdate,
  deliveriesQuery,
  listEndpoints,
  createEndpoint,
  setEndpointEnabled,
  deleteEndpoint,
  listDeliveries,
  redeliver,
  sendTestEvent,
  MAX_ENDPOINTS,
  type EndpointInput,
  type EndpointView,
  type DeliveryView,
  type DeliveryStatus,
} from './endpoints';
export { checkReceiverUrl, MAX_ANSWER_BYTES } from './send';
export { RETRY_DELAYS_SECONDS, WEBHOOK_MAX_ATTEMPTS, retryAt } from './deliver';
export { messageIdOf } from './signing';
export { deliverWebhook } from './deliver';
