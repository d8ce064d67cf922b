/** The `durableClient` binding value (`BindingHelper.DurableOrchestrationClientToString` in the extension). */
export interface DurableClientBinding {
  taskHubName: string;
  creationUrls: { createNewInstancePostUri: string; createAndWaitOnNewInstancePostUri: string };
  managementUrls: Record<string, string>;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}

/** Locally there is no system key; the placeholder keeps the URL shapes (and `code=` parsing) of the real host. */
export const localSystemKey = 'local';

/** The instance-id placeholder of the management URL templates; `DurableClient` replaces it. */
export const instanceIdPlaceholder = 'INSTANCEID';

/**
 * Builds the binding data. With `rpcBaseUrl` set, every `DurableClient` call goes to `{rpcBaseUrl}...`; the
 * webhook templates only feed `createCheckStatusResponse` and `createHttpManagementPayload`.
 */
export function createClientBinding(baseUrl: string, hubName: string): DurableClientBinding {
  const webhooks = `${baseUrl}/runtime/webhooks/durabletask`;
  const required = `code=${localSystemKey}`;
  const common = `taskHub=${encodeURIComponent(hubName)}&connection=Storage&${required}`;
  const instance = `${webhooks}/instances/${instanceIdPlaceholder}`;
  return {
    taskHubName: hubName,
    creationUrls: {
      createNewInstancePostUri: `${webhooks}/orchestrators/{functionName}[/{instanceId}]?${required}`,
      createAndWaitOnNewInstancePostUri: `${webhooks}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${required}`,
    },
    managementUrls: {
      id: instanceIdPlaceholder,
      statusQueryGetUri: `${instance}?${common}`,
      sendEventPostUri: `${instance}/raiseEvent/{eventName}?${common}`,
      terminatePostUri: `${instance}/terminate?reason={text}&${common}`,
      rewindPostUri: `${instance}/rewind?reason={text}&${common}`,
      purgeHistoryDeleteUri: `${instance}?${common}`,
      restartPostUri: `${instance}/restart?${common}`,
      suspendPostUri: `${instance}/suspend?reason={text}&${common}`,
      resumePostUri: `${instance}/resume?reason={text}&${common}`,
    },
    baseUrl: webhooks,
    requiredQueryStringParameters: required,
    rpcBaseUrl: `${baseUrl}/durabletask/`,
  };
}
