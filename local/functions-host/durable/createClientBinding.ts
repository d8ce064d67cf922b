/** The `durableClient` binding value (`BindingHelper.DurableOrchestrationClientToString` in the extension). */
export interface DurableClientBinding {
  taskHubName: string;
  creationUrls: { createNewInstancePostUri: string; createAndWaitOnNewInstancePostUri: string };
  managementUrls: Record<string, string>;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}

/** The instance-id placeholder of the management URL templates; `DurableClient` replaces it. */
export const instanceIdPlaceholder = 'INSTANCEID';

export interface ClientBindingOptions {
  /** The public origin the webhook URLs point at, e.g. `http://127.0.0.1:7071`. */
  baseUrl: string;
  hubName: string;
  /** The durable system key: the webhooks answer 401 without it, so every webhook URL carries it. */
  systemKey: string;
  /** The loopback rpc listener, e.g. `http://127.0.0.1:53123/durabletask/`. */
  rpcBaseUrl: string;
}

/**
 * Builds the binding data. With `rpcBaseUrl` set, every `DurableClient` call goes to `{rpcBaseUrl}...`; the
 * webhook templates only feed `createCheckStatusResponse` and `createHttpManagementPayload`.
 */
export function createClientBinding(options: ClientBindingOptions): DurableClientBinding {
  const { baseUrl, hubName, systemKey, rpcBaseUrl } = options;
  const webhooks = `${baseUrl}/runtime/webhooks/durabletask`;
  const required = `code=${encodeURIComponent(systemKey)}`;
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
    rpcBaseUrl,
  };
}
