#!/bin/sh
# azd preprovision hook: the Entra ID app registration the API's callers sign in to, with the service's four app
# roles (shared/domain/rules/roles.ts). Bicep cannot create it. Runs once per azd environment: AUTH_CLIENT_ID in
# the environment (azd env set, or the pipeline's variable) means it exists already.
set -eu

if [ -n "${AUTH_CLIENT_ID:-}" ]; then
  echo "preprovision: using the app registration ${AUTH_CLIENT_ID}"
  exit 0
fi
command -v az >/dev/null || { echo "preprovision: the Azure CLI (az) is needed to create the app registration" >&2; exit 1; }

name="azure-plan-purchases-${AZURE_ENV_NAME}"
roles_file=$(mktemp)
trap 'rm -f "$roles_file"' EXIT
role() { # value, description
  printf '{"allowedMemberTypes":["User","Application"],"description":"%s","displayName":"%s","isEnabled":true,"id":"%s","value":"%s"}' \
    "$2" "$1" "$(cat /proc/sys/kernel/random/uuid 2>/dev/null || uuidgen)" "$1"
}
printf '[%s,%s,%s,%s]\n' \
  "$(role GlobalAdmin 'Partner Center global admin: everything')" \
  "$(role UserAdmin 'Partner Center user admin')" \
  "$(role AdminAgent 'Partner Center admin agent: Azure subscriptions, reservations')" \
  "$(role SalesAgent 'Partner Center sales agent: customers, purchases')" >"$roles_file"

echo "preprovision: creating the app registration ${name} with the app roles GlobalAdmin, UserAdmin, AdminAgent, SalesAgent"
app_id=$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg --app-roles "@${roles_file}" --query appId -o tsv)
# v2 access tokens: the issuer and audience the app checks (AUTH_ISSUER …/v2.0, AUTH_AUDIENCE the client id).
az ad app update --id "$app_id" --identifier-uris "api://${app_id}" --set api.requestedAccessTokenVersion=2
az ad sp create --id "$app_id" >/dev/null
azd env set AUTH_CLIENT_ID "$app_id"
echo "preprovision: AUTH_CLIENT_ID=${app_id}. Assign users (and the pipeline's service principal) their app roles: docs/deploy.md"
