import { z } from 'zod';

/** Partner Center roles, as app-role values (no spaces). */
export const roleSchema = z.enum(['GlobalAdmin', 'UserAdmin', 'AdminAgent', 'SalesAgent']);
export type Role = z.infer<typeof roleSchema>;
export const allRoles: readonly Role[] = roleSchema.options;

/** A signed-in partner user. */
export interface Caller {
  userId: string;
  name?: string;
  roles: Role[];
  /** How the identity was established; App Service headers only count when the platform validated them. */
  via: 'bearer' | 'appServiceAuthentication';
}

/**
 * Who may do what, from Partner Center's role table (reference/azure-plan-domain.md). Registering customers and
 * buying legacy offers are not in that table; they follow the purchasing roles plus Admin agents, as in Partner
 * Center, where agents create customers and place orders.
 */
export const permissions = {
  buyAzurePlan: ['GlobalAdmin', 'UserAdmin', 'SalesAgent'],
  buyReservations: ['GlobalAdmin', 'UserAdmin', 'SalesAgent', 'AdminAgent'],
  buyLegacyOffer: ['GlobalAdmin', 'UserAdmin', 'SalesAgent', 'AdminAgent'],
  attestMca: ['AdminAgent', 'SalesAgent'],
  manageAzureSubscriptions: ['AdminAgent'],
  manageCustomers: ['GlobalAdmin', 'UserAdmin', 'SalesAgent', 'AdminAgent'],
  read: ['GlobalAdmin', 'UserAdmin', 'SalesAgent', 'AdminAgent'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof permissions;

export function mayPerform(caller: Pick<Caller, 'roles'>, action: Action): boolean {
  const allowed: readonly Role[] = permissions[action];
  return caller.roles.some((role) => allowed.includes(role));
}
