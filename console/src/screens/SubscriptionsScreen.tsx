import {
  Button,
  Card,
  Field,
  Input,
  Link,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title2,
  Title3,
} from '@fluentui/react-components';
import { useState } from 'react';

import { api, asProblem, type Customer, type Problem, type Subscription } from '../api/client';
import { useSession } from '../App';
import { useForm } from '../forms';
import { useI18n } from '../i18n';
import { OperationWatch } from '../operation';
import { may } from '../roles';
import { AppLink, navigate } from '../router';
import { fieldProblem, Loading, ProblemMessage, useLoad } from '../ui';
import { StatusBadge } from './PurchaseScreen';

const useStyles = makeStyles({
  links: { display: 'flex', gap: '16px', margin: '8px 0 16px' },
  card: { margin: '12px 0' },
  row: { display: 'flex', gap: '12px', alignItems: 'end', flexWrap: 'wrap', margin: '8px 0' },
  nested: { padding: '8px 0 8px 32px' },
});

const legacyOfferId = 'MS-AZR-0145P';
/** The Azure plan's product: its subscriptions' offer ids are `DZH318Z0BPS6:0001:<availability>`. */
const azurePlanProductId = 'DZH318Z0BPS6';

/** The Azure portal page of an Azure subscription (the customer's tenant, when known). */
function portalUrl(azureSubscriptionId: string, tenantId: string | undefined): string {
  return `https://portal.azure.com/${tenantId ? `#@${tenantId}` : '#'}/resource/subscriptions/${azureSubscriptionId}/overview`;
}

export function SubscriptionsScreen({ customerId }: { customerId: string }) {
  const styles = useStyles();
  const { t } = useI18n();
  const session = useSession();
  const customerLoad = useLoad(
    () => api.GET('/api/customers/{customerId}', { params: { path: { customerId } } }),
    [customerId],
  );
  const { data, problem, reload } = useLoad(
    () => api.GET('/api/customers/{customerId}/subscriptions', { params: { path: { customerId } } }),
    [customerId],
  );
  const transition = useForm();
  const customer = customerLoad.data;
  const items = data?.items ?? [];
  // Partner Center lists both the Azure plan and Microsoft Azure (0145P) as usage-based.
  const plans = items.filter((item) => item.offerId.startsWith(azurePlanProductId));
  const legacy = items.filter((item) => item.offerId === legacyOfferId);
  const reservations = items.filter((item) => item.reservation);
  const others = items.filter(
    (item) => !plans.includes(item) && !legacy.includes(item) && !reservations.includes(item),
  );
  const hasLegacy = legacy.some((item) => item.status !== 'deleted');
  const base = `/customers/${encodeURIComponent(customerId)}`;

  const startTransition = () =>
    transition.run(async () => {
      const { data: started, error } = await api.POST('/api/customers/{customerId}/azure-plan/transition', {
        params: { path: { customerId }, header: { 'Idempotency-Key': transition.idempotencyKey } },
        body: {},
      });
      if (error) transition.setProblem(asProblem(error));
      else navigate(`/transitions/${started.transitionId}`);
    });

  return (
    <section>
      <Title2 as="h1">
        {t('subscriptions')}
        {customer ? ` — ${customer.companyName}` : ''}
      </Title2>
      <nav className={styles.links} aria-label={t('subscriptions')}>
        <AppLink to={base}>{t('account')}</AppLink>
        <AppLink to={`${base}/add-products`}>{t('addProducts')}</AppLink>
      </nav>
      <ProblemMessage problem={problem ?? customerLoad.problem} />
      {!data && !problem && <Loading />}
      {data && items.length === 0 && <p>{t('noSubscriptions')}</p>}
      {(plans.length > 0 || legacy.length > 0) && (
        <Card className={styles.card} aria-labelledby="usage-title">
          <Title3 as="h2" id="usage-title">
            {t('usageBased')}
          </Title3>
          {plans.map((plan) => (
            <AzurePlanRow
              key={plan.id}
              plan={plan}
              customer={customer}
              canAdd={!!session && may(session.roles, 'manageAzureSubscriptions')}
            />
          ))}
          {legacy.length > 0 && (
            <>
              <Title3 as="h3">{t('microsoftAzure0145P')}</Title3>
              <SubscriptionTable items={legacy} customer={customer} onChanged={reload} />
              {hasLegacy && plans.length === 0 && session && may(session.roles, 'buyAzurePlan') && (
                <div className={styles.row}>
                  <Button
                    appearance="primary"
                    onClick={() => void startTransition()}
                    aria-describedby="transition-problem"
                  >
                    {t('transitionToAzurePlan')}
                  </Button>
                </div>
              )}
              <ProblemMessage problem={transition.problem} id="transition-problem" />
            </>
          )}
        </Card>
      )}
      {reservations.length > 0 && (
        <Card className={styles.card} aria-labelledby="reservations-title">
          <Title3 as="h2" id="reservations-title">
            {t('reservations')}
          </Title3>
          <SubscriptionTable items={reservations} customer={customer} onChanged={reload} />
        </Card>
      )}
      {others.length > 0 && (
        <Card className={styles.card} aria-labelledby="others-title">
          <Title3 as="h2" id="others-title">
            {t('otherSubscriptions')}
          </Title3>
          <SubscriptionTable items={others} customer={customer} onChanged={reload} />
        </Card>
      )}
    </section>
  );
}

function SubscriptionTable({
  items,
  customer,
  onChanged,
}: {
  items: Subscription[];
  customer: Customer | undefined;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const session = useSession();
  const [problem, setProblem] = useState<Problem>();
  const setStatus = async (subscription: Subscription, status: 'active' | 'suspended') => {
    try {
      const { error } = await api.PATCH('/api/customers/{customerId}/subscriptions/{subscriptionId}', {
        params: { path: { customerId: customer?.id ?? '', subscriptionId: subscription.id } },
        body: { status },
      });
      setProblem(error ? asProblem(error) : undefined);
      onChanged();
    } catch (error) {
      setProblem(asProblem(error));
    }
  };
  const canManage = !!session && may(session.roles, 'manageCustomers');
  return (
    <>
      <Table size="small" aria-label={t('subscriptions')}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t('offer')}</TableHeaderCell>
            <TableHeaderCell>{t('subscriptionId')}</TableHeaderCell>
            <TableHeaderCell>{t('status')}</TableHeaderCell>
            <TableHeaderCell>{t('orderId')}</TableHeaderCell>
            <TableHeaderCell>{t('azurePortal')}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {items.map((item) => (
            <TableRow key={item.id}>
              <TableCell>
                {item.offerName ?? item.offerId}
                {item.reservation
                  ? ` — ${item.reservation.reservationType}, ${item.reservation.region}, ${t('scopeShared')}`
                  : ''}
              </TableCell>
              <TableCell>{item.id}</TableCell>
              <TableCell>
                <StatusBadge status={item.status} />{' '}
                {item.offerId === legacyOfferId && canManage && item.status === 'active' && (
                  <Button size="small" onClick={() => void setStatus(item, 'suspended')}>
                    {t('suspend')}
                  </Button>
                )}
                {item.offerId === legacyOfferId && canManage && item.status === 'suspended' && (
                  <Button size="small" onClick={() => void setStatus(item, 'active')}>
                    {t('reactivate')}
                  </Button>
                )}
              </TableCell>
              <TableCell>{item.orderId ?? '—'}</TableCell>
              <TableCell>
                {item.azureSubscriptionId ? (
                  <Link
                    href={portalUrl(item.azureSubscriptionId, customer?.tenantId)}
                    target="_blank"
                    rel="noreferrer"
                  >
                    {t('azurePortal')}
                  </Link>
                ) : (
                  '—'
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <ProblemMessage problem={problem} />
    </>
  );
}

/** The Azure plan: expands to its Azure subscriptions; Admin agents (AOBO) add one. */
function AzurePlanRow({
  plan,
  customer,
  canAdd,
}: {
  plan: Subscription;
  customer: Customer | undefined;
  canAdd: boolean;
}) {
  const styles = useStyles();
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const customerId = customer?.id ?? '';
  const [generation, setGeneration] = useState(0);
  return (
    <div>
      <div className={styles.row}>
        <Button
          appearance="subtle"
          aria-expanded={open}
          aria-controls={`plan-${plan.id}`}
          onClick={() => setOpen(!open)}
          aria-label={`${open ? t('collapsePlan') : t('expandPlan')}: ${t('azurePlan')}`}
        >
          {open ? '▴' : '▾'}
        </Button>
        <Text weight="semibold">{t('azurePlan')}</Text>
        <Text>{plan.id}</Text>
        <StatusBadge status={plan.status} />
      </div>
      {open && customerId && (
        <div id={`plan-${plan.id}`} className={styles.nested}>
          <Title3 as="h3">{t('azureSubscriptionsUnderPlan')}</Title3>
          <AzureSubscriptions key={generation} customer={customer} planId={plan.id} />
          {canAdd && (
            <AddSubscriptionForm
              customerId={customerId}
              planId={plan.id}
              onAdded={() => setGeneration((value) => value + 1)}
            />
          )}
        </div>
      )}
    </div>
  );
}

function AzureSubscriptions({ customer, planId }: { customer: Customer | undefined; planId: string }) {
  const { t } = useI18n();
  const customerId = customer?.id ?? '';
  const { data, problem } = useLoad(
    () =>
      api.GET('/api/customers/{customerId}/subscriptions/{subscriptionId}/azureEntitlements', {
        params: { path: { customerId, subscriptionId: planId } },
      }),
    [customerId, planId],
  );
  return (
    <>
      <ProblemMessage problem={problem} />
      {!data && !problem && <Loading />}
      {data && (
        <Table size="small" aria-label={t('azureSubscriptionsUnderPlan')}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>{t('friendlyName')}</TableHeaderCell>
              <TableHeaderCell>{t('azureSubscription')}</TableHeaderCell>
              <TableHeaderCell>{t('status')}</TableHeaderCell>
              <TableHeaderCell>{t('azurePortal')}</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {data.items.map((entitlement) => (
              <TableRow key={entitlement.id}>
                <TableCell>{entitlement.friendlyName}</TableCell>
                <TableCell>{entitlement.id}</TableCell>
                <TableCell>
                  <StatusBadge status={entitlement.status} />
                </TableCell>
                <TableCell>
                  <Link href={portalUrl(entitlement.id, customer?.tenantId)} target="_blank" rel="noreferrer">
                    {t('azurePortal')}
                  </Link>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
}

/** "Add subscription" (Admin agents only): a new Azure subscription under the plan; 202 → follow the operation. */
function AddSubscriptionForm({
  customerId,
  planId,
  onAdded,
}: {
  customerId: string;
  planId: string;
  onAdded: () => void;
}) {
  const styles = useStyles();
  const { t } = useI18n();
  const { values, setValues, bind, problem, setProblem, idempotencyKey, renewIdempotencyKey, submitWith } =
    useForm({ friendlyName: '' });
  const [operationId, setOperationId] = useState<string>();
  const submit = submitWith(async () => {
    const { data, error, response } = await api.POST(
      '/api/customers/{customerId}/subscriptions/{subscriptionId}/azureEntitlements',
      {
        params: {
          path: { customerId, subscriptionId: planId },
          header: { 'Idempotency-Key': idempotencyKey },
        },
        body: { friendlyName: values.friendlyName ?? '' },
      },
    );
    if (error) {
      setProblem(asProblem(error));
      return;
    }
    setValues({ friendlyName: '' });
    renewIdempotencyKey();
    if (response.status === 202) setOperationId(data.id);
    else onAdded();
  });
  return (
    <form onSubmit={submit} aria-label={t('addSubscription')}>
      <div className={styles.row}>
        <Field label={t('friendlyName')} required validationMessage={fieldProblem(problem, '/friendlyName')}>
          <Input {...bind('friendlyName')} />
        </Field>
        <Button type="submit" appearance="primary" aria-describedby="add-subscription-problem">
          {t('addSubscription')}
        </Button>
      </div>
      {operationId && (
        <OperationWatch
          key={operationId}
          customerId={customerId}
          operationId={operationId}
          onFinished={(operation) => {
            if (operation.status === 'succeeded') {
              setOperationId(undefined);
              onAdded();
            }
          }}
        />
      )}
      <ProblemMessage problem={problem} id="add-subscription-problem" />
    </form>
  );
}
