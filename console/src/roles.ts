/**
 * Who may do what, as the service decides it (shared/domain/rules/roles.ts, Partner Center's role table): the
 * console shows each person the actions their roles allow. The server refuses the others anyway (403).
 */
export type Role = 'GlobalAdmin' | 'UserAdmin' | 'AdminAgent' | 'SalesAgent';
export const allRoles: readonly Role[] = ['GlobalAdmin', 'UserAdmin', 'AdminAgent', 'SalesAgent'];

const permissions = {
  buyAzurePlan: ['GlobalAdmin', 'UserAdmin', 'SalesAgent'],
  buyReservations: ['GlobalAdmin', 'UserAdmin', 'SalesAgent', 'AdminAgent'],
  buyLegacyOffer: ['GlobalAdmin', 'UserAdmin', 'SalesAgent', 'AdminAgent'],
  attestMca: ['AdminAgent', 'SalesAgent'],
  manageAzureSubscriptions: ['AdminAgent'],
  manageCustomers: ['GlobalAdmin', 'UserAdmin', 'SalesAgent', 'AdminAgent'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof permissions;

export function may(roles: readonly string[], action: Action): boolean {
  const allowed: readonly string[] = permissions[action];
  return roles.some((role) => allowed.includes(role));
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (allRoles as readonly string[]).includes(value);
}
