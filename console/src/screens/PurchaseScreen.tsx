import { Badge, Button, Card, makeStyles, Text, Title2 } from '@fluentui/react-components';
import { useState } from 'react';

import { api, asProblem, type Problem, type Purchase } from '../api/client';
import { type MessageKey, useI18n } from '../i18n';
import { AppLink } from '../router';
import { Loading, ProblemMessage, useLoad } from '../ui';

const useStyles = makeStyles({
  card: { maxWidth: '760px', margin: '12px 0' },
  steps: { display: 'flex', gap: '8px', flexWrap: 'wrap', listStyle: 'none', padding: 0 },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '4px 16px', margin: 0 },
});

export const statusKeys: Record<string, MessageKey> = {
  validating: 'stValidating',
  awaitingCustomerSignature: 'stAwaitingCustomerSignature',
  placingOrder: 'stPlacingOrder',
  provisioning: 'stProvisioning',
  completed: 'stCompleted',
  failed: 'stFailed',
  expired: 'stExpired',
  cancelled: 'stCancelled',
  movingSubscriptions: 'stMovingSubscriptions',
  partiallyCompleted: 'stPartiallyCompleted',
  pending: 'stPending',
  accepted: 'stAccepted',
  rejected: 'stRejected',
  queued: 'stQueued',
  running: 'statusRunning',
  succeeded: 'stCompleted',
  active: 'statusActive',
  suspended: 'statusSuspended',
  deleted: 'statusDeleted',
};

const finished = new Set(['completed', 'failed', 'expired', 'cancelled', 'partiallyCompleted']);
const steps = ['validating', 'awaitingCustomerSignature', 'placingOrder', 'provisioning', 'completed'];

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const key = statusKeys[status];
  const color =
    status === 'completed' || status === 'succeeded' || status === 'active'
      ? 'success'
      : status === 'failed' || status === 'rejected'
        ? 'danger'
        : finished.has(status)
          ? 'informative'
          : 'brand';
  return (
    <Badge appearance="tint" color={color} data-status={status}>
      {key ? t(key) : status}
    </Badge>
  );
}

/** The purchase as it goes: it polls until the purchase ends (completed, failed, expired, cancelled). */
export function PurchaseScreen({ purchaseId }: { purchaseId: string }) {
  const styles = useStyles();
  const { t, formatDate, problemTitle } = useI18n();
  const {
    data: purchase,
    problem,
    reload,
  } = useLoad(
    () => api.GET('/api/purchases/{purchaseId}', { params: { path: { purchaseId } } }),
    [purchaseId],
    (current: Purchase) => !finished.has(current.status),
  );
  const [cancelProblem, setCancelProblem] = useState<Problem>();
  const cancel = async () => {
    try {
      const { error } = await api.POST('/api/purchases/{purchaseId}/cancel', {
        params: { path: { purchaseId } },
      });
      setCancelProblem(error ? asProblem(error) : undefined);
      reload();
    } catch (error) {
      setCancelProblem(asProblem(error));
    }
  };
  return (
    <section>
      <Title2 as="h1">{t('purchase')}</Title2>
      <ProblemMessage problem={problem} />
      {!purchase && !problem && <Loading />}
      {purchase && (
        <Card className={styles.card}>
          <p>
            <AppLink to={`/customers/${encodeURIComponent(purchase.customerId)}`}>
              {t('account')} — {purchase.customerId}
            </AppLink>
          </p>
          <ol className={styles.steps} aria-label={t('purchaseStatus')}>
            {steps.map((step) => (
              <li key={step} aria-current={purchase.status === step ? 'step' : undefined}>
                <Text weight={purchase.status === step ? 'bold' : 'regular'}>
                  {t(statusKeys[step] ?? 'stPending')}
                </Text>
                {step !== 'completed' ? ' →' : ''}
              </li>
            ))}
          </ol>
          <div role="status" aria-live="polite">
            <Text>{t('status')}: </Text>
            <StatusBadge status={purchase.status} />
          </div>
          {!finished.has(purchase.status) && <Text size={200}>{t('updatesByItself')}</Text>}
          <dl className={styles.facts}>
            {purchase.invitation && (
              <>
                <dt>{t('invitedEmail')}</dt>
                <dd>{purchase.invitation.email}</dd>
                <dt>{t('remindersSent')}</dt>
                <dd data-testid="reminders-sent">{purchase.invitation.remindersSent}</dd>
                <dt>{t('deadline')}</dt>
                <dd>{formatDate(purchase.invitation.expiresAt)}</dd>
              </>
            )}
            {purchase.order && (
              <>
                <dt>{t('order')}</dt>
                <dd data-testid="order-id">{purchase.order.id}</dd>
              </>
            )}
            {purchase.subscription && (
              <>
                <dt>{t('subscription')}</dt>
                <dd data-testid="subscription-id">{purchase.subscription.id}</dd>
              </>
            )}
            {purchase.entitlementId && (
              <>
                <dt>{t('azureSubscription')}</dt>
                <dd data-testid="azure-subscription-id">{purchase.entitlementId}</dd>
              </>
            )}
            {purchase.error && (
              <>
                <dt>{t('reason')}</dt>
                <dd data-problem-code={purchase.error.code}>
                  {problemTitle(purchase.error.code, purchase.error.code)} — {purchase.error.detail}
                </dd>
              </>
            )}
          </dl>
          {purchase.status === 'awaitingCustomerSignature' && (
            <p>
              <Button onClick={() => void cancel()} aria-describedby="cancel-problem">
                {t('cancel')}
              </Button>
            </p>
          )}
          <ProblemMessage problem={cancelProblem} id="cancel-problem" />
          {purchase.status === 'completed' && (
            <p>
              <AppLink to={`/customers/${encodeURIComponent(purchase.customerId)}/subscriptions`}>
                {t('seeSubscriptions')}
              </AppLink>
            </p>
          )}
        </Card>
      )}
    </section>
  );
}
