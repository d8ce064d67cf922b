import { Button, Field, Input, makeStyles, Select, Title2 } from '@fluentui/react-components';
import { type FormEvent, useState } from 'react';

import { signInLocally, signInWithEntra, usesEntra } from '../auth';
import { type MessageKey, useI18n } from '../i18n';
import { allRoles, type Role } from '../roles';
import { navigate, useLocation } from '../router';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: '12px', maxWidth: '360px' },
});

const roleKeys: Record<Role, MessageKey> = {
  GlobalAdmin: 'roleGlobalAdmin',
  UserAdmin: 'roleUserAdmin',
  AdminAgent: 'roleAdminAgent',
  SalesAgent: 'roleSalesAgent',
};

export function SignInScreen() {
  const styles = useStyles();
  const { t } = useI18n();
  const { query } = useLocation();
  const [role, setRole] = useState<Role>('SalesAgent');
  const [name, setName] = useState('');
  const [failure, setFailure] = useState<string>();
  const next = query.get('next');
  const destination = next?.startsWith('/') && !next.startsWith('//') ? next : '/customers';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signInLocally(role, name.trim() || role)
      .then(() => navigate(destination, { replace: true }))
      .catch((error: unknown) => setFailure(error instanceof Error ? error.message : String(error)));
  };

  if (usesEntra) {
    return (
      <section>
        <Title2 as="h1">{t('signIn')}</Title2>
        <p>
          <Button appearance="primary" onClick={() => void signInWithEntra()}>
            {t('signInEntra')}
          </Button>
        </p>
      </section>
    );
  }
  return (
    <section>
      <Title2 as="h1">{t('signInTitle')}</Title2>
      <p>{t('signInHelp')}</p>
      <form className={styles.form} onSubmit={submit}>
        <Field label={t('role')}>
          <Select value={role} onChange={(_, data) => setRole(data.value as Role)}>
            {allRoles.map((value) => (
              <option key={value} value={value}>
                {t(roleKeys[value])}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('name')} validationMessage={failure}>
          <Input value={name} onChange={(_, data) => setName(data.value)} autoComplete="name" />
        </Field>
        <Button appearance="primary" type="submit">
          {t('signIn')}
        </Button>
      </form>
    </section>
  );
}
