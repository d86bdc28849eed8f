/** What client components may import from lib/review: modules with no server-only code. */
export { FLAG_LABELS, STATUS_LABELS } from './vocabulary';
