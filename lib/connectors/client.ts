/** What client components may import from lib/connectors: types only, erased from the browser's bundle. */
export type { ConnectFormField } from './types';
