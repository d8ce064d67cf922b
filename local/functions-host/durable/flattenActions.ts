import { ActionType, type OrchestratorAction } from './orchestratorAction';

/**
 * The leaf actions of a cumulative action list, depth first, with WhenAny/WhenAll flattened. The JS executor assigns
 * task ids in exactly this order (`trackOpenTask` walks compound tasks child by child), so the k-th id-consuming leaf
 * is the k-th logical task the orchestration ever scheduled.
 */
export function flattenActions(actions: readonly (readonly OrchestratorAction[])[]): OrchestratorAction[] {
  const leaves: OrchestratorAction[] = [];
  const walk = (action: OrchestratorAction): void => {
    if (action.actionType === ActionType.WhenAll || action.actionType === ActionType.WhenAny) {
      for (const child of action.compoundActions ?? []) walk(child);
    } else {
      leaves.push(action);
    }
  };
  for (const group of actions) for (const action of group) walk(action);
  return leaves;
}
