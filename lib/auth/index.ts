export { route, cronRoute, requirePage, requireAction, assertActionOrigin, assertSameOrigin, type Access, type GuardedRoute, type RouteContext, type RouteSchemas } from './guard';
export { type Caller, SESSION_COOKIE, API_TOKEN_PREFIX } from './caller';
export { roleAllows, ROLES_BY_RANK, type Role } from './roles';
export { hasOwner } from './setup-state';
export { callerFromSession } from './caller';
export { guardedForm, guardedFormAction, sessionFormAction } from './form-action';
export { inviteAndEmail, type InviteEmail } from './send-invite';
