/** The state every form of the console keeps: its values, its problem, a busy flag and its Idempotency-Key. */
import { type FormEvent, useState } from 'react';

import { asProblem, newIdempotencyKey, type Problem } from './api/client';

export function useForm(initialValues: Record<string, string> = {}) {
  const [values, setValues] = useState(initialValues);
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  // One key per form instance: a retry of the same submission is the same request to the service.
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);

  /** The props that tie a Fluent Input or Select to `values[name]`. */
  const bind = (name: string) => ({
    name,
    value: values[name] ?? '',
    onChange: (_: unknown, data: { value: string }) =>
      setValues((current) => ({ ...current, [name]: data.value })),
  });

  /** Runs `action` busy, the last problem cleared; what it throws (the network) becomes the problem. */
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await action();
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  /** A form's onSubmit: no page load, then `run(action)`. */
  const submitWith = (action: () => Promise<void>) => (event: FormEvent) => {
    event.preventDefault();
    void run(action);
  };

  return {
    values,
    setValues,
    bind,
    problem,
    setProblem,
    busy,
    idempotencyKey,
    renewIdempotencyKey: () => setIdempotencyKey(newIdempotencyKey()),
    run,
    submitWith,
  };
}
