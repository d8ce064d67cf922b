import {
  Badge,
  Button,
  Field,
  Input,
  makeStyles,
  SearchBox,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Title2,
  Title3,
} from '@fluentui/react-components';
import { useState } from 'react';

import { api, asProblem, type Customer } from '../api/client';
import { useSession } from '../App';
import { useForm } from '../forms';
import { useI18n } from '../i18n';
import { may } from '../roles';
import { AppLink, navigate } from '../router';
import { fieldProblem, Loading, ProblemMessage, useLoad } from '../ui';

const useStyles = makeStyles({
  toolbar: { display: 'flex', gap: '12px', alignItems: 'end', marginBottom: '12px', flexWrap: 'wrap' },
  expanded: { display: 'flex', gap: '16px', padding: '4px 0 8px 40px' },
  form: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))', gap: '12px' },
  fieldset: { border: 'none', padding: 0, margin: '12px 0' },
  actions: { display: 'flex', gap: '8px', marginTop: '12px' },
});

export function CustomersScreen() {
  const styles = useStyles();
  const { t } = useI18n();
  const session = useSession();
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const [expanded, setExpanded] = useState<string>();
  const [creating, setCreating] = useState(false);
  const { data, problem } = useLoad(
    () => api.GET('/api/customers', { params: { query: applied ? { search: applied } : {} } }),
    [applied],
  );

  return (
    <section>
      <Title2 as="h1">{t('navCustomers')}</Title2>
      <form
        className={styles.toolbar}
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setApplied(search.trim());
        }}
      >
        <Field label={t('searchCustomers')}>
          <SearchBox value={search} onChange={(_, value) => setSearch(value.value)} />
        </Field>
        <Button type="submit">{t('search')}</Button>
        {session && may(session.roles, 'manageCustomers') && (
          <Button appearance="primary" onClick={() => setCreating(true)} aria-expanded={creating}>
            {t('addCustomer')}
          </Button>
        )}
      </form>
      {creating && <CustomerForm onDone={() => setCreating(false)} />}
      <ProblemMessage problem={problem} />
      {!data && !problem && <Loading />}
      {data && data.items.length === 0 && <p>{t('noCustomers')}</p>}
      {data && data.items.length > 0 && (
        <Table aria-label={t('navCustomers')} size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell style={{ width: '48px' }}>
                <span className="visually-hidden">{t('expandRow')}</span>
              </TableHeaderCell>
              <TableHeaderCell>{t('companyName')}</TableHeaderCell>
              <TableHeaderCell>{t('customerId')}</TableHeaderCell>
              <TableHeaderCell>{t('country')}</TableHeaderCell>
              <TableHeaderCell>{t('microsoftCustomerAgreement')}</TableHeaderCell>
              <TableHeaderCell>{t('azurePlanStatus')}</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {data.items.flatMap((customer) => [
              <TableRow key={customer.id}>
                <TableCell>
                  <Button
                    appearance="subtle"
                    size="small"
                    aria-expanded={expanded === customer.id}
                    aria-label={`${expanded === customer.id ? t('collapseRow') : t('expandRow')}: ${customer.companyName}`}
                    onClick={() => setExpanded(expanded === customer.id ? undefined : customer.id)}
                  >
                    {expanded === customer.id ? '▴' : '▾'}
                  </Button>
                </TableCell>
                <TableCell>
                  <AppLink to={`/customers/${encodeURIComponent(customer.id)}`}>
                    {customer.companyName}
                  </AppLink>
                </TableCell>
                <TableCell>{customer.id}</TableCell>
                <TableCell>{customer.country}</TableCell>
                <TableCell>
                  <McaBadge customer={customer} />
                </TableCell>
                <TableCell>{customer.azurePlan ? t('statusActive') : t('none')}</TableCell>
              </TableRow>,
              ...(expanded === customer.id
                ? [
                    <TableRow key={`${customer.id}-expanded`}>
                      <TableCell colSpan={6}>
                        <div className={styles.expanded}>
                          <AppLink to={`/customers/${encodeURIComponent(customer.id)}`}>
                            {t('account')}
                          </AppLink>
                          <AppLink to={`/customers/${encodeURIComponent(customer.id)}/subscriptions`}>
                            {t('subscriptions')}
                          </AppLink>
                          <AppLink to={`/customers/${encodeURIComponent(customer.id)}/add-products`}>
                            {t('addProducts')}
                          </AppLink>
                        </div>
                      </TableCell>
                    </TableRow>,
                  ]
                : []),
            ])}
          </TableBody>
        </Table>
      )}
    </section>
  );
}

export function McaBadge({ customer }: { customer: Pick<Customer, 'mcaAccepted'> }) {
  const { t } = useI18n();
  return customer.mcaAccepted ? (
    <Badge appearance="tint" color="success">
      {t('mcaAccepted')}
    </Badge>
  ) : (
    <Badge appearance="tint" color="warning">
      {t('mcaNotAccepted')}
    </Badge>
  );
}

/** PUT /api/customers/{customerId}: links a customer Partner Center has, or creates it there with its address. */
function CustomerForm({ onDone }: { onDone: () => void }) {
  const styles = useStyles();
  const { t } = useI18n();
  const { values, bind, problem, setProblem, busy, submitWith } = useForm({
    segment: 'commercial',
    relationship: 'direct',
  });
  const optional = (name: string) => (values[name]?.trim() ? values[name].trim() : undefined);
  const field = (name: string, pointer: string, label: string, required = false, type = 'text') => (
    <Field label={label} required={required} validationMessage={fieldProblem(problem, pointer)}>
      <Input {...bind(name)} type={type as 'text'} />
    </Field>
  );

  const submit = submitWith(async () => {
    const hasAddress = ['addressLine1', 'city', 'postalCode'].some((name) => optional(name));
    const customerId = values.customerId?.trim() ?? '';
    const { error } = await api.PUT('/api/customers/{customerId}', {
      params: { path: { customerId: customerId || '-' } },
      body: {
        companyName: values.companyName ?? '',
        country: (values.country ?? '').toUpperCase(),
        segment: values.segment as 'commercial',
        relationship: values.relationship as 'direct',
        primaryContact: {
          firstName: values.firstName ?? '',
          lastName: values.lastName ?? '',
          email: values.email ?? '',
          ...(optional('phoneNumber') ? { phoneNumber: optional('phoneNumber') } : {}),
        },
        ...(optional('tenantId') ? { tenantId: optional('tenantId') } : {}),
        ...(optional('domain') ? { domain: optional('domain') } : {}),
        ...(hasAddress
          ? {
              billingAddress: {
                addressLine1: values.addressLine1 ?? '',
                city: values.city ?? '',
                postalCode: values.postalCode ?? '',
                country: (values.billingCountry || values.country || '').toUpperCase(),
                ...(optional('state') ? { state: optional('state') } : {}),
              },
            }
          : {}),
      },
    });
    if (error) {
      setProblem(asProblem(error));
      return;
    }
    onDone();
    navigate(`/customers/${encodeURIComponent(customerId)}`);
  });

  return (
    <form onSubmit={submit} aria-labelledby="create-customer-title">
      <Title3 as="h2" id="create-customer-title">
        {t('createOrLink')}
      </Title3>
      <p>{t('createOrLinkHelp')}</p>
      <div className={styles.form}>
        {field('customerId', '/customerId', t('customerId'), true)}
        {field('companyName', '/companyName', t('companyName'), true)}
        {field('country', '/country', t('country'), true)}
        <Field label={t('segment')}>
          <Select {...bind('segment')}>
            <option value="commercial">{t('segmentCommercial')}</option>
            <option value="education">{t('segmentEducation')}</option>
            <option value="government">{t('segmentGovernment')}</option>
            <option value="nonprofit">{t('segmentNonprofit')}</option>
          </Select>
        </Field>
        <Field label={t('relationship')}>
          <Select {...bind('relationship')}>
            <option value="direct">{t('relationshipDirect')}</option>
            <option value="indirectReseller">{t('relationshipIndirectReseller')}</option>
          </Select>
        </Field>
        {field('tenantId', '/tenantId', t('tenantId'))}
        {field('domain', '/domain', t('domain'))}
      </div>
      <fieldset className={styles.fieldset}>
        <legend>{t('primaryContact')}</legend>
        <div className={styles.form}>
          {field('firstName', '/primaryContact/firstName', t('firstName'), true)}
          {field('lastName', '/primaryContact/lastName', t('lastName'), true)}
          {field('email', '/primaryContact/email', t('email'), true, 'email')}
          {field('phoneNumber', '/primaryContact/phoneNumber', t('phoneNumber'))}
        </div>
      </fieldset>
      <fieldset className={styles.fieldset}>
        <legend>{t('billingAddress')}</legend>
        <div className={styles.form}>
          {field('addressLine1', '/billingAddress/addressLine1', t('addressLine1'))}
          {field('city', '/billingAddress/city', t('city'))}
          {field('postalCode', '/billingAddress/postalCode', t('postalCode'))}
          {field('state', '/billingAddress/state', t('state'))}
          {field('billingCountry', '/billingAddress/country', t('billingCountry'))}
        </div>
      </fieldset>
      <ProblemMessage problem={problem} />
      <div className={styles.actions}>
        <Button appearance="primary" type="submit" disabled={busy}>
          {t('save')}
        </Button>
        <Button onClick={onDone}>{t('cancel')}</Button>
      </div>
    </form>
  );
}
