import {
  Button,
  Card,
  Field,
  Input,
  Label,
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

import { api, asProblem, newIdempotencyKey, type Schemas } from '../api/client';
import { useForm } from '../forms';
import { useI18n } from '../i18n';
import { AppLink, navigate } from '../router';
import { Loading, ProblemMessage, useLoad } from '../ui';
import { StatusBadge, statusKeys } from './PurchaseScreen';

const useStyles = makeStyles({
  card: { margin: '12px 0', maxWidth: '900px' },
  row: { display: 'flex', gap: '12px', alignItems: 'end', flexWrap: 'wrap', margin: '8px 0' },
  counts: { display: 'flex', gap: '16px', flexWrap: 'wrap', listStyle: 'none', padding: 0 },
});

/**
 * A CSV file of purchases: `customerId[,lineId[,mca]]` per line, `mca` empty (the customer accepted already) or
 * `invite`. A first line naming `customerId` is a header.
 */
export function parseBatchCsv(text: string): Schemas['PurchaseBatchItem'][] {
  const rows = text
    .split(/\r?\n/)
    .map((line) => line.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1')))
    .filter((cells) => cells.some((cell) => cell !== ''));
  if (rows[0]?.[0]?.toLowerCase() === 'customerid') rows.shift();
  return rows.map(([customerId = '', lineId = '', mca = '']) => ({
    customerId,
    ...(lineId ? { lineId } : {}),
    ...(mca.toLowerCase() === 'invite' ? { mca: { method: 'invite' as const } } : {}),
  }));
}

export function BatchesScreen() {
  const styles = useStyles();
  const { t } = useI18n();
  const [file, setFile] = useState<File>();
  const { problem, setProblem, submitWith } = useForm();
  const [batchId, setBatchId] = useState('');
  const submit = submitWith(async () => {
    if (!file) return;
    const text = await file.text();
    const { data, error } = await api.POST('/api/purchase-batches', {
      params: { header: { 'Idempotency-Key': newIdempotencyKey() } },
      body: { items: parseBatchCsv(text) },
    });
    if (error) setProblem(asProblem(error));
    else navigate(`/batches/${data.batchId}`);
  });
  return (
    <section>
      <Title2 as="h1">{t('batches')}</Title2>
      <Card className={styles.card}>
        <form onSubmit={submit} aria-labelledby="upload-title">
          <Title3 as="h2" id="upload-title">
            {t('batchUpload')}
          </Title3>
          <Text as="p">{t('batchHelp')}</Text>
          <div className={styles.row}>
            <div>
              <Label htmlFor="batch-file" style={{ display: 'block', marginBottom: 4 }}>
                {t('csvFile')}
              </Label>
              <input
                id="batch-file"
                type="file"
                accept=".csv,text/csv"
                onChange={(event) => setFile(event.target.files?.[0])}
                data-testid="batch-file"
              />
            </div>
            <Button type="submit" appearance="primary" disabled={!file} aria-describedby="batch-problem">
              {t('submitBatch')}
            </Button>
          </div>
          <ProblemMessage problem={problem} id="batch-problem" />
        </form>
      </Card>
      <Card className={styles.card}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (batchId.trim()) navigate(`/batches/${encodeURIComponent(batchId.trim())}`);
          }}
          aria-labelledby="open-batch-title"
        >
          <Title3 as="h2" id="open-batch-title">
            {t('openBatch')}
          </Title3>
          <div className={styles.row}>
            <Field label={t('batchId')}>
              <Input value={batchId} onChange={(_, data) => setBatchId(data.value)} />
            </Field>
            <Button type="submit">{t('open')}</Button>
          </div>
        </form>
      </Card>
    </section>
  );
}

const countOrder = [
  'queued',
  'accepted',
  'rejected',
  'awaitingCustomerSignature',
  'completed',
  'failed',
  'expired',
  'cancelled',
] as const;

/** A batch: counts and per-line states, updating by itself until every line has ended. */
export function BatchScreen({ batchId }: { batchId: string }) {
  const styles = useStyles();
  const { t } = useI18n();
  const { data, problem } = useLoad(
    () => api.GET('/api/purchase-batches/{batchId}', { params: { path: { batchId } } }),
    [batchId],
    (batch) =>
      batch.items.some(
        (item) => !['completed', 'failed', 'expired', 'cancelled', 'rejected'].includes(item.status),
      ),
    1500,
  );
  return (
    <section>
      <Title2 as="h1">
        {t('batch')} {batchId}
      </Title2>
      <p>
        <AppLink to="/batches">{t('batches')}</AppLink>
      </p>
      <ProblemMessage problem={problem} />
      {!data && !problem && <Loading />}
      {data && (
        <Card className={styles.card}>
          <Text>
            {t('total')}: {data.total}
          </Text>
          <ul className={styles.counts} aria-label={t('counts')}>
            {countOrder.map((name) => (
              <li key={name} data-count={name}>
                {t(statusKeys[name] ?? 'stPending')}: <strong>{data.counts[name] ?? 0}</strong>
              </li>
            ))}
          </ul>
          <Table size="small" aria-label={t('lineItems')}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{t('line')}</TableHeaderCell>
                <TableHeaderCell>{t('customerId')}</TableHeaderCell>
                <TableHeaderCell>{t('status')}</TableHeaderCell>
                <TableHeaderCell>{t('purchase')}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.items.map((item) => (
                <TableRow key={item.lineId}>
                  <TableCell>{item.lineId}</TableCell>
                  <TableCell>{item.customerId}</TableCell>
                  <TableCell>
                    <StatusBadge status={item.status} />
                    {item.error ? ` ${item.error.code}` : ''}
                  </TableCell>
                  <TableCell>
                    {item.purchaseId ? (
                      <AppLink to={`/purchases/${item.purchaseId}`}>{item.purchaseId}</AppLink>
                    ) : (
                      '—'
                    )}
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
