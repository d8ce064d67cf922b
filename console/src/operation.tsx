/**
 * A 202 from Microsoft's side (an Azure subscription, a reservation, a 0145P order that outlasted its request):
 * follows `GET …/operations/{id}` until it is no longer `running`, then tells the caller once.
 */
import { MessageBar, MessageBarBody } from '@fluentui/react-components';
import { useEffect, useRef } from 'react';

import { api, asProblem, type Schemas } from './api/client';
import { useI18n } from './i18n';
import { ProblemMessage, useLoad } from './ui';

export type CommerceOperation = Schemas['CommerceOperation'];

export function OperationWatch({
  customerId,
  operationId,
  onFinished,
}: {
  customerId: string;
  operationId: string;
  onFinished: (operation: CommerceOperation) => void;
}) {
  const { t } = useI18n();
  const { data, problem } = useLoad(
    () =>
      api.GET('/api/customers/{customerId}/operations/{operationId}', {
        params: { path: { customerId, operationId } },
      }),
    [customerId, operationId],
    (current) => current.status === 'running',
  );
  const told = useRef(false);
  const onFinishedRef = useRef(onFinished);
  onFinishedRef.current = onFinished;
  useEffect(() => {
    if (data && data.status !== 'running' && !told.current) {
      told.current = true;
      onFinishedRef.current(data);
    }
  }, [data]);
  if (problem) return <ProblemMessage problem={problem} />;
  if (data?.status === 'failed' && data.error) {
    return (
      <ProblemMessage
        problem={{
          ...asProblem(undefined),
          code: data.error.code,
          title: data.error.code,
          detail: data.error.detail,
        }}
      />
    );
  }
  return data?.status === 'succeeded' ? null : (
    <MessageBar intent="info" role="status" data-operation-status={data?.status ?? 'running'}>
      <MessageBarBody>{t('operationRunning')}</MessageBarBody>
    </MessageBar>
  );
}
