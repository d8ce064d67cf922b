/** The failure fields of a TaskFailed / SubOrchestrationInstanceFailed event. */
export interface TaskFailure {
  Reason: string;
  Details: string;
  FailureDetails?: Record<string, unknown>;
}

/**
 * Formats an activity failure the way the extension does. The host wraps the worker's error as
 * `"Result: Failure\nException: {message}\nStack: {stack}"` (RpcException); the extension takes the text between
 * `"\nException:"` and `"\nStack:"` (leading space included, hence the double space) into `Reason`, and serialises
 * the .NET exception (Newtonsoft) into `Details`. The orchestrator then sees `new Error(Reason + " \n " + Details)`.
 *
 * When the app registered `df.setExceptionPropertiesProvider`, the activity's error message is a JSON failure
 * payload; the extension then adds `FailureDetails`, which the orchestrator surfaces as a `TaskFailedError`.
 */
export function toTaskFailure(functionName: string, error: unknown): TaskFailure {
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error && error.stack ? error.stack : message;
  const rpcMessage = `Result: Failure\nException: ${message}\nStack: ${stack}`;
  const friendly = rpcMessage.slice(
    rpcMessage.indexOf('\nException:') + '\nException:'.length,
    rpcMessage.indexOf('\nStack:'),
  );
  const failure: TaskFailure = {
    Reason: `Activity function '${functionName}' failed: ${friendly}`,
    Details: JSON.stringify({
      $type: 'Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcException, Microsoft.Azure.WebJobs.Script',
      IsUserException: false,
      RemoteStackTrace: stack,
      RemoteMessage: message,
      ClassName: 'Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcException',
      Message: rpcMessage,
      Data: null,
      InnerException: null,
      HelpURL: null,
      StackTraceString: null,
      HResult: -2146233088,
      Source: null,
    }),
  };
  const details = failureDetailsPayload(message);
  if (details) failure.FailureDetails = details;
  return failure;
}

/** `buildTaskFailureDetailsJson` output: `{errorType, errorMessage, isNonRetriable, properties, stackTrace?}`. */
function failureDetailsPayload(message: string): Record<string, unknown> | undefined {
  if (!message.startsWith('{')) return undefined;
  try {
    const payload = JSON.parse(message) as Record<string, unknown>;
    if (
      typeof payload.errorType !== 'string' ||
      typeof payload.errorMessage !== 'string' ||
      !('properties' in payload)
    ) {
      return undefined;
    }
    return {
      ErrorType: payload.errorType,
      ErrorMessage: payload.errorMessage,
      StackTrace: payload.stackTrace,
      IsNonRetriable: payload.isNonRetriable === true,
      Properties: payload.properties,
    };
  } catch {
    return undefined;
  }
}
