/** What client components may import from lib/search: modules with no server-only code. */
export { highlightSegments } from './highlight';
