/** What client components may import from lib/auth: modules with no server-only code. */
export { EMPTY_FORM, refilled } from './form-state';
export type { FormState } from './form-state';
export { canGrant, ROLES_BY_RANK, type Role } from './roles';
export { signOutAction } from './sign-out-action';
