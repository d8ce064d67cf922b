import { Button, Card, Field, Input, makeStyles, Text, Title2, Title3 } from '@fluentui/react-components';
import { useState } from 'react';

import { api, asProblem, type Customer } from '../api/client';
import { useSession } from '../App';
import { useForm } from '../forms';
import { useI18n } from '../i18n';
import { may } from '../roles';
import { AppLink, navigate, useLocation } from '../router';
import { fieldProblem, Loading, ProblemMessage, useLoad } from '../ui';
import { McaBadge } from './CustomersScreen';

const useStyles = makeStyles({
  links: { display: 'flex', gap: '16px', margin: '8px 0 16px' },
  card: { marginBottom: '16px', maxWidth: '760px' },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '4px 16px', margin: 0 },
  form: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))', gap: '12px' },
  actions: { display: 'flex', gap: '8px', marginTop: '12px', alignItems: 'center', flexWrap: 'wrap' },
});

export function AccountScreen({ customerId }: { customerId: string }) {
  const styles = useStyles();
  const { t } = useI18n();
  const { query } = useLocation();
  const {
    data: customer,
    problem,
    reload,
  } = useLoad(
    () => api.GET('/api/customers/{customerId}', { params: { path: { customerId } } }),
    [customerId],
  );
  const base = `/customers/${encodeURIComponent(customerId)}`;
  return (
    <section>
      <Title2 as="h1">
        {t('account')}
        {customer ? ` — ${customer.companyName}` : ''}
      </Title2>
      <nav className={styles.links} aria-label={t('account')}>
        <AppLink to="/customers">{t('navCustomers')}</AppLink>
        <AppLink to={`${base}/add-products`}>{t('addProducts')}</AppLink>
        <AppLink to={`${base}/subscriptions`}>{t('subscriptions')}</AppLink>
      </nav>
      <ProblemMessage problem={problem} />
      {!customer && !problem && <Loading />}
      {customer && (
        <>
          <Card className={styles.card}>
            <dl className={styles.facts}>
              <dt>{t('customerId')}</dt>
              <dd>{customer.id}</dd>
              {customer.partnerCenterCustomerId && (
                <>
                  <dt>{t('partnerCenterCustomerId')}</dt>
                  <dd>{customer.partnerCenterCustomerId}</dd>
                </>
              )}
              <dt>{t('country')}</dt>
              <dd>{customer.country}</dd>
              <dt>{t('primaryContact')}</dt>
              <dd>
                {customer.primaryContact.firstName} {customer.primaryContact.lastName} (
                {customer.primaryContact.email})
              </dd>
              <dt>{t('azurePlanStatus')}</dt>
              <dd>
                {customer.azurePlan
                  ? `${t('statusActive')} — ${customer.azurePlan.subscriptionId}`
                  : t('none')}
              </dd>
              {customer.workInProgress && (
                <>
                  <dt>{t('workInProgress')}</dt>
                  <dd>
                    <AppLink
                      to={
                        customer.workInProgress.kind === 'purchase'
                          ? `/purchases/${customer.workInProgress.id}`
                          : `/transitions/${customer.workInProgress.id}`
                      }
                    >
                      {t('follow')}
                    </AppLink>
                  </dd>
                </>
              )}
            </dl>
          </Card>
          <McaSection
            customer={customer}
            startEditing={query.get('attest') === '1'}
            next={query.get('next')}
            onSaved={reload}
          />
        </>
      )}
    </section>
  );
}

function McaSection({
  customer,
  startEditing,
  next,
  onSaved,
}: {
  customer: Customer;
  startEditing: boolean;
  next: string | null;
  onSaved: () => void;
}) {
  const styles = useStyles();
  const { t } = useI18n();
  const session = useSession();
  const [editing, setEditing] = useState(startEditing);
  const [inviting, setInviting] = useState(false);
  const canAttest = !!session && may(session.roles, 'attestMca');
  const canBuy = !!session && may(session.roles, 'buyAzurePlan');
  return (
    <Card className={styles.card} aria-labelledby="mca-title">
      <Title3 as="h2" id="mca-title">
        {t('microsoftCustomerAgreement')}
      </Title3>
      <div className={styles.actions}>
        <Text>{t('status')}:</Text> <McaBadge customer={customer} />
        {canAttest && !editing && (
          <Button onClick={() => setEditing(true)} aria-expanded={editing}>
            {t('update')}
          </Button>
        )}
        {canBuy && !customer.mcaAccepted && !customer.azurePlan && !inviting && (
          <Button onClick={() => setInviting(true)}>{t('inviteToSign')}</Button>
        )}
      </div>
      {!customer.mcaAccepted && <Text>{t('mcaTwoWays')}</Text>}
      {editing && (
        <AttestForm
          customer={customer}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            if (next?.startsWith('/') && !next.startsWith('//')) navigate(next);
            else onSaved();
          }}
        />
      )}
      {inviting && <InviteForm customer={customer} onCancel={() => setInviting(false)} />}
    </Card>
  );
}

/** "Update": the partner confirms that the customer accepted (POST …/agreements), then "Save and continue". */
function AttestForm({
  customer,
  onCancel,
  onSaved,
}: {
  customer: Customer;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const styles = useStyles();
  const { t } = useI18n();
  const contact = customer.primaryContact;
  const { values, bind, problem, setProblem, busy, submitWith } = useForm({
    firstName: contact.firstName,
    lastName: contact.lastName,
    email: contact.email,
    phoneNumber: contact.phoneNumber ?? '',
    dateAgreed: new Date().toISOString().slice(0, 10),
  });
  const submit = submitWith(async () => {
    const { error } = await api.POST('/api/customers/{customerId}/agreements', {
      params: { path: { customerId: customer.id } },
      body: {
        type: 'MicrosoftCustomerAgreement',
        primaryContact: {
          firstName: values.firstName ?? '',
          lastName: values.lastName ?? '',
          email: values.email ?? '',
          ...(values.phoneNumber?.trim() ? { phoneNumber: values.phoneNumber.trim() } : {}),
        },
        dateAgreed: values.dateAgreed ?? '',
      },
    });
    if (error) setProblem(asProblem(error));
    else onSaved();
  });
  return (
    <form onSubmit={submit} aria-label={t('update')}>
      <div className={styles.form}>
        <Field
          label={t('firstName')}
          required
          validationMessage={fieldProblem(problem, '/primaryContact/firstName')}
        >
          <Input {...bind('firstName')} />
        </Field>
        <Field
          label={t('lastName')}
          required
          validationMessage={fieldProblem(problem, '/primaryContact/lastName')}
        >
          <Input {...bind('lastName')} />
        </Field>
        <Field label={t('email')} required validationMessage={fieldProblem(problem, '/primaryContact/email')}>
          <Input {...bind('email')} type="email" />
        </Field>
        <Field
          label={t('phoneNumber')}
          validationMessage={fieldProblem(problem, '/primaryContact/phoneNumber')}
        >
          <Input {...bind('phoneNumber')} type="tel" />
        </Field>
        <Field label={t('dateAgreed')} required validationMessage={fieldProblem(problem, '/dateAgreed')}>
          <Input {...bind('dateAgreed')} type="date" />
        </Field>
      </div>
      <div className={styles.actions}>
        <Button appearance="primary" type="submit" disabled={busy}>
          {t('saveAndContinue')}
        </Button>
        <Button onClick={onCancel}>{t('cancel')}</Button>
      </div>
      <ProblemMessage problem={problem} />
    </form>
  );
}

/**
 * "Invite to sign": the Azure plan purchase starts and waits for the customer's signature (POST …/purchases with
 * `mca.method = invite`); the invitation goes to the email given (default: the primary contact).
 */
export function InviteForm({ customer, onCancel }: { customer: Customer; onCancel?: () => void }) {
  const styles = useStyles();
  const { t } = useI18n();
  const { values, bind, problem, setProblem, busy, idempotencyKey, submitWith } = useForm({
    email: customer.primaryContact.email,
    reminderEveryHours: '24',
    expiresInDays: '30',
  });
  const submit = submitWith(async () => {
    const { data, error } = await api.POST('/api/customers/{customerId}/azure-plan/purchases', {
      params: { path: { customerId: customer.id }, header: { 'Idempotency-Key': idempotencyKey } },
      body: {
        mca: {
          method: 'invite',
          email: values.email ?? '',
          reminderEveryHours: Number(values.reminderEveryHours),
          expiresInDays: Number(values.expiresInDays),
        },
      },
    });
    if (error) setProblem(asProblem(error));
    else navigate(`/purchases/${data.purchaseId}`);
  });
  return (
    <form onSubmit={submit} aria-label={t('inviteToSign')}>
      <p>{t('inviteHelp')}</p>
      <div className={styles.form}>
        <Field label={t('email')} required validationMessage={fieldProblem(problem, '/mca/email')}>
          <Input {...bind('email')} type="email" />
        </Field>
        <Field
          label={t('reminderEveryHours')}
          validationMessage={fieldProblem(problem, '/mca/reminderEveryHours')}
        >
          <Input {...bind('reminderEveryHours')} type="number" min={1} />
        </Field>
        <Field label={t('expiresInDays')} validationMessage={fieldProblem(problem, '/mca/expiresInDays')}>
          <Input {...bind('expiresInDays')} type="number" min={1} />
        </Field>
      </div>
      <div className={styles.actions}>
        <Button appearance="primary" type="submit" disabled={busy}>
          {t('sendInvitation')}
        </Button>
        {onCancel && <Button onClick={onCancel}>{t('cancel')}</Button>}
      </div>
      <ProblemMessage problem={problem} />
    </form>
  );
}
