/** What client components may import from lib/connections: types only, erased from the browser's bundle. */
export type { ConflictView } from './conflicts';
