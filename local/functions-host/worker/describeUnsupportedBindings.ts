import type { RegisteredFunction } from '../contracts';

export interface BindingSupport {
  /** Trigger types some part of the host runs (lower case). */
  triggers: ReadonlySet<string>;
  supports(direction: 'in' | 'out', bindingType: string): boolean;
}

/**
 * What the app declares that this host does not run (blob, table, Cosmos DB, Event Hubs, Service Bus … triggers
 * and bindings), one line each, for the warning at start: a function that silently never runs, or an output that
 * silently goes nowhere, would make local tests say nothing. An output it cannot deliver fails the invocation
 * (see `deliverOutputs`), and so does an input it cannot provide (see `fillProvidedInputs`); this list says so up
 * front.
 */
export function describeUnsupportedBindings(
  functions: Iterable<RegisteredFunction>,
  support: BindingSupport,
): string[] {
  const lines: string[] = [];
  for (const fn of functions) {
    if (!support.triggers.has(fn.trigger.type.toLowerCase())) {
      lines.push(
        `${fn.name}: its ${fn.trigger.type} is not run by the local host; the function never runs here.`,
      );
    }
    for (const [name, binding] of Object.entries(fn.bindings)) {
      if (name === fn.trigger.name) {
        continue;
      }
      if (binding.direction === 'out' && !support.supports('out', binding.type)) {
        lines.push(
          `${fn.name}: output binding "${name}" (${binding.type}) cannot be delivered; an invocation that sets it fails.`,
        );
      } else if (binding.direction === 'in' && !support.supports('in', binding.type)) {
        lines.push(
          `${fn.name}: input binding "${name}" (${binding.type}) cannot be provided; every invocation fails.`,
        );
      }
    }
  }
  return lines;
}
