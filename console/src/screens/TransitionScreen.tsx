import {
  Card,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title2,
} from '@fluentui/react-components';

import { api } from '../api/client';
import { useI18n } from '../i18n';
import { AppLink } from '../router';
import { Loading, ProblemMessage, useLoad } from '../ui';
import { StatusBadge } from './PurchaseScreen';

const useStyles = makeStyles({ card: { maxWidth: '900px', margin: '12px 0' } });
const finished = new Set(['completed', 'partiallyCompleted', 'failed']);

/** "Transition to Azure plan": its progress, line by line, until it ends. */
export function TransitionScreen({ transitionId }: { transitionId: string }) {
  const styles = useStyles();
  const { t } = useI18n();
  const { data, problem } = useLoad(
    () => api.GET('/api/transitions/{transitionId}', { params: { path: { transitionId } } }),
    [transitionId],
    (transition) => !finished.has(transition.status),
  );
  return (
    <section>
      <Title2 as="h1">{t('transitionTitle')}</Title2>
      <ProblemMessage problem={problem} />
      {!data && !problem && <Loading />}
      {data && (
        <Card className={styles.card}>
          <p>
            <AppLink to={`/customers/${encodeURIComponent(data.customerId)}/subscriptions`}>
              {t('subscriptions')} — {data.customerId}
            </AppLink>
          </p>
          <div role="status" aria-live="polite">
            <Text>{t('transitionStatus')}: </Text>
            <StatusBadge status={data.status} />
          </div>
          {!finished.has(data.status) && <Text size={200}>{t('updatesByItself')}</Text>}
          <Table aria-label={t('lineItems')} size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{t('sourceSubscription')}</TableHeaderCell>
                <TableHeaderCell>{t('targetEntitlement')}</TableHeaderCell>
                <TableHeaderCell>{t('status')}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.lineItems.map((line) => (
                <TableRow key={line.sourceSubscriptionId}>
                  <TableCell>{line.sourceSubscriptionId}</TableCell>
                  <TableCell>{line.targetEntitlementId ?? '—'}</TableCell>
                  <TableCell>
                    <StatusBadge status={line.status} />
                    {line.error ? ` ${line.error.code}` : ''}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
    </section>
  );
}
