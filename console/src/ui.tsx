/** Small pieces every screen uses: a problem next to what it concerns, loading, polling, field errors. */
import { MessageBar, MessageBarBody, MessageBarTitle, Spinner } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';

import { asProblem, type Problem } from './api/client';
import { useI18n } from './i18n';

/** The contract's problem title (in the locale), its detail, and the field problems it lists. */
export function ProblemMessage({ problem, id }: { problem: Problem | undefined; id?: string }) {
  const { problemTitle } = useI18n();
  if (!problem) return null;
  return (
    <MessageBar intent="error" id={id} role="alert" data-problem-code={problem.code}>
      <MessageBarBody>
        <MessageBarTitle>{problemTitle(problem.code, problem.title)}</MessageBarTitle>
        {problem.detail}
      </MessageBarBody>
    </MessageBar>
  );
}

export function Loading() {
  const { t } = useI18n();
  return <Spinner size="small" label={t('loading')} />;
}

/** The message of the field problem at `pointer` (`/billingAddress/city`), for a Field's validation message. */
export function fieldProblem(problem: Problem | undefined, pointer: string): string | undefined {
  return problem?.errors?.find(
    (error) => error.pointer === pointer || error.pointer.startsWith(`${pointer}/`),
  )?.detail;
}

interface Loaded<T> {
  data: T | undefined;
  problem: Problem | undefined;
  reload: () => void;
}

/**
 * Loads with `load` and, while `keepPolling(data)` says so, loads again `intervalMs` after each answer: the screen
 * updates by itself (no request piles up behind a slow one).
 */
export function useLoad<T>(
  load: () => Promise<{ data?: T; error?: unknown }>,
  dependencies: unknown[],
  keepPolling: (data: T) => boolean = () => false,
  intervalMs = 1000,
): Loaded<T> {
  const [data, setData] = useState<T>();
  const [problem, setProblem] = useState<Problem>();
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const pollRef = useRef(keepPolling);
  pollRef.current = keepPolling;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const answer = await loadRef.current();
        if (stopped) return;
        if (answer.error !== undefined) {
          setProblem(asProblem(answer.error));
          return;
        }
        setProblem(undefined);
        setData(answer.data);
        if (answer.data !== undefined && pollRef.current(answer.data)) {
          timer = setTimeout(() => void run(), intervalMs);
        }
      } catch (error) {
        if (!stopped) setProblem(asProblem(error));
      }
    };
    void run();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [...dependencies, generation, intervalMs]);
  return { data, problem, reload: () => setGeneration((value) => value + 1) };
}
