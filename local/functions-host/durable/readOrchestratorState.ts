import type { RpcInvocationResponse, RpcTypedData } from '../contracts';
import type { OrchestratorState } from './orchestratorAction';

/** What one orchestrator invocation amounted to. */
export type OrchestratorOutcome =
  { ok: true; state: OrchestratorState } | { ok: false; error: string; state?: OrchestratorState };

const outOfProcDataLabel = '$OutOfProcData$:';

/**
 * Reads the `OrchestratorState` out of a settled orchestrator invocation.
 *
 * On success durable-functions returns the state object, which the library turns into `returnValue.json`. On an
 * unhandled orchestrator error the function throws `"<message>\n\n$OutOfProcData$:<state JSON>"`, where `<message>`
 * is the literal `false` (the library passes a boolean), so the real message is taken from `state.error`.
 */
export function readOrchestratorState(
  settled: PromiseSettledResult<RpcInvocationResponse>,
): OrchestratorOutcome {
  if (settled.status === 'rejected') {
    const reason: unknown = settled.reason;
    const message = reason instanceof Error ? reason.message : String(reason);
    const at = message.indexOf(outOfProcDataLabel);
    if (at >= 0) {
      const state = parseState(message.slice(at + outOfProcDataLabel.length));
      if (state) return { ok: false, error: state.error ?? message.slice(0, at).trim(), state };
    }
    return { ok: false, error: message };
  }
  const text = typedDataText(settled.value.returnValue);
  if (text === undefined)
    return { ok: false, error: 'The orchestrator function returned no orchestration state.' };
  const state = parseState(text);
  return state
    ? { ok: true, state }
    : { ok: false, error: `The orchestrator function returned an unreadable state: ${text.slice(0, 200)}` };
}

function typedDataText(data: RpcTypedData | undefined): string | undefined {
  if (typeof data?.json === 'string') return data.json;
  if (typeof data?.string === 'string') return data.string;
  return undefined;
}

function parseState(text: string): OrchestratorState | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && 'isDone' in value && 'actions' in value) {
      return value as OrchestratorState;
    }
  } catch {
    // not JSON: the caller reports the raw text
  }
  return undefined;
}
