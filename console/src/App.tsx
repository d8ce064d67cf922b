import { Button, makeStyles, Select, Text, tokens } from '@fluentui/react-components';
import { type ReactNode, useEffect, useSyncExternalStore } from 'react';

import { currentSession, onSessionChange, signOut } from './auth';
import { type Locale, type MessageKey, useI18n } from './i18n';
import { AppLink, match, navigate, useLocation } from './router';
import { AccountScreen } from './screens/AccountScreen';
import { AddProductsScreen } from './screens/AddProductsScreen';
import { BatchesScreen, BatchScreen } from './screens/BatchesScreen';
import { CustomersScreen } from './screens/CustomersScreen';
import { InvitationScreen } from './screens/InvitationScreen';
import { PurchaseScreen } from './screens/PurchaseScreen';
import { SignInScreen } from './screens/SignInScreen';
import { SubscriptionsScreen } from './screens/SubscriptionsScreen';
import { TransitionScreen } from './screens/TransitionScreen';

const useStyles = makeStyles({
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: '24px',
    padding: '8px 24px',
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
    flexWrap: 'wrap',
  },
  title: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400 },
  nav: { display: 'flex', gap: '16px' },
  navLink: {
    color: tokens.colorNeutralForegroundOnBrand,
    textDecorationLine: 'none',
    ':hover': { textDecorationLine: 'underline' },
    ':focus-visible': { outline: `2px solid ${tokens.colorNeutralForegroundOnBrand}` },
  },
  spacer: { flexGrow: 1 },
  user: { display: 'flex', alignItems: 'center', gap: '12px' },
  languageLabel: { color: tokens.colorNeutralForegroundOnBrand },
  main: { padding: '16px 24px', maxWidth: '1100px' },
});

const roleLabels: Record<string, MessageKey> = {
  GlobalAdmin: 'roleGlobalAdmin',
  UserAdmin: 'roleUserAdmin',
  AdminAgent: 'roleAdminAgent',
  SalesAgent: 'roleSalesAgent',
};

function useSession() {
  return useSyncExternalStore(onSessionChange, currentSession);
}

export function LanguageSwitch({ labelClassName }: { labelClassName?: string }) {
  const { t, locale, setLocale } = useI18n();
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: '8px' }}>
      <label htmlFor="language" className={labelClassName}>
        {t('language')}
      </label>
      <Select
        id="language"
        size="small"
        value={locale}
        onChange={(_, data) => setLocale(data.value as Locale)}
      >
        <option value="en">English</option>
        <option value="fr">Français</option>
      </Select>
    </span>
  );
}

function NavLink({ to, children, className }: { to: string; children: ReactNode; className: string }) {
  return (
    <a
      href={to}
      className={className}
      onClick={(event) => {
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

function Screen({ path }: { path: string }) {
  const { t } = useI18n();
  let params: Record<string, string> | undefined;
  if (path === '/' || path === '/dashboard') return <CustomersScreen />;
  if (path === '/customers') return <CustomersScreen />;
  if ((params = match('/customers/:customerId', path)))
    return <AccountScreen customerId={params.customerId ?? ''} />;
  if ((params = match('/customers/:customerId/add-products', path)))
    return <AddProductsScreen customerId={params.customerId ?? ''} />;
  if ((params = match('/customers/:customerId/subscriptions', path)))
    return <SubscriptionsScreen customerId={params.customerId ?? ''} />;
  if ((params = match('/purchases/:purchaseId', path)))
    return <PurchaseScreen purchaseId={params.purchaseId ?? ''} />;
  if ((params = match('/transitions/:transitionId', path)))
    return <TransitionScreen transitionId={params.transitionId ?? ''} />;
  if (path === '/batches') return <BatchesScreen />;
  if ((params = match('/batches/:batchId', path))) return <BatchScreen batchId={params.batchId ?? ''} />;
  return (
    <p>
      {t('notFound')} <AppLink to="/customers">{t('navCustomers')}</AppLink>
    </p>
  );
}

export function App() {
  const styles = useStyles();
  const { t } = useI18n();
  const session = useSession();
  const { path } = useLocation();
  const invitation = match('/invitations/:token', path);
  const needsSignIn = !session && !invitation && path !== '/signin';
  useEffect(() => {
    if (needsSignIn)
      navigate(`/signin?next=${encodeURIComponent(path + window.location.search)}`, { replace: true });
  }, [needsSignIn, path]);

  return (
    <>
      <header className={styles.header}>
        <Text as="span" className={styles.title}>
          {t('appTitle')}
        </Text>
        {session && (
          <nav className={styles.nav} aria-label="main">
            <NavLink to="/customers" className={styles.navLink}>
              {t('navCustomers')}
            </NavLink>
            <NavLink to="/batches" className={styles.navLink}>
              {t('navBatches')}
            </NavLink>
          </nav>
        )}
        <span className={styles.spacer} />
        <LanguageSwitch labelClassName={styles.languageLabel} />
        {session && (
          <span className={styles.user}>
            <Text as="span" data-testid="signed-in-as">
              {t('signedInAs', {
                name: session.name,
                role: session.roles.map((role) => t(roleLabels[role] ?? 'roleSalesAgent')).join(', '),
              })}
            </Text>
            <Button
              size="small"
              onClick={() => {
                void signOut().then(() => navigate('/signin'));
              }}
            >
              {t('signOut')}
            </Button>
          </span>
        )}
      </header>
      <main className={styles.main}>
        {invitation ? (
          <InvitationScreen token={invitation.token ?? ''} />
        ) : path === '/signin' ? (
          <SignInScreen />
        ) : session ? (
          <Screen path={path} />
        ) : null}
      </main>
    </>
  );
}

export { roleLabels, useSession };
