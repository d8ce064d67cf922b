#!/bin/sh
# azd preprovision hook: the Entra ID app registration the API's callers sign in to, with the service's four app
# roles (shared/domain/rules/roles.ts) and the delegated scope user_impersonation the console asks tokens for
# (VITE_API_SCOPE: one registration is both the API and the console's single-page app; postprovision adds the
# console's redirect URI). Bicep cannot create it. Runs once per azd environment: AUTH_CLIENT_ID in the environment
# (azd env set, or the pipeline's variable) means it exists already; then only a missing scope is added.
set -eu

uuid() { cat /proc/sys/kernel/random/uuid 2>/dev/null || uuidgen; }

# The console's sign-in asks for api://<client id>/user_impersonation: users may consent to it themselves (an admin
# can consent for everyone). Added once, with Microsoft Graph (az's generic --set/--add are documented as unreliable
# on app registrations): the PATCH replaces the list, so it carries the scopes already there, and the v2 tokens.
ensure_scope() { # app id
  if [ -n "$(az ad app show --id "$1" --query "api.oauth2PermissionScopes[?value=='user_impersonation'].id" -o tsv)" ]; then
    echo "preprovision: the delegated scope user_impersonation exists"
    return 0
  fi
  scope=$(printf '{"id":"%s","value":"user_impersonation","type":"User","isEnabled":true,%s}' "$(uuid)" \
    '"adminConsentDisplayName":"Use the Azure plan purchase service","adminConsentDescription":"The partner console calls the Azure plan purchase service as the signed-in user, with the app roles assigned to them.","userConsentDisplayName":"Use the Azure plan purchase service","userConsentDescription":"The partner console calls the Azure plan purchase service as you, with your app roles."')
  existing=$(az ad app show --id "$1" --query "api.oauth2PermissionScopes" -o json | tr -d '\n')
  case "$existing" in
    *'{'*) scopes="${existing%]*},${scope}]" ;;
    *) scopes="[${scope}]" ;;
  esac
  graph=$(az cloud show --query endpoints.microsoftGraphResourceId -o tsv)
  az rest --method PATCH --uri "${graph%/}/v1.0/applications(appId='$1')" --headers Content-Type=application/json \
    --body "{\"api\":{\"requestedAccessTokenVersion\":2,\"oauth2PermissionScopes\":${scopes}}}"
  echo "preprovision: added the delegated scope api://$1/user_impersonation"
}

if [ -n "${AUTH_CLIENT_ID:-}" ]; then
  echo "preprovision: using the app registration ${AUTH_CLIENT_ID}"
  # A pipeline's principal may not read app registrations: the registration is then someone else's to complete.
  if command -v az >/dev/null && az ad app show --id "$AUTH_CLIENT_ID" --query appId -o tsv >/dev/null 2>&1; then
    ensure_scope "$AUTH_CLIENT_ID"
  else
    echo "preprovision: TODO could not read the app registration: the console needs its delegated scope user_impersonation (docs/deploy.md)"
  fi
  exit 0
fi
command -v az >/dev/null || { echo "preprovision: the Azure CLI (az) is needed to create the app registration" >&2; exit 1; }

name="azure-plan-purchases-${AZURE_ENV_NAME}"
roles_file=$(mktemp)
trap 'rm -f "$roles_file"' EXIT
role() { # value, description
  printf '{"allowedMemberTypes":["User","Application"],"description":"%s","displayName":"%s","isEnabled":true,"id":"%s","value":"%s"}' \
    "$2" "$1" "$(uuid)" "$1"
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
ensure_scope "$app_id"
az ad sp create --id "$app_id" >/dev/null
azd env set AUTH_CLIENT_ID "$app_id"
echo "preprovision: AUTH_CLIENT_ID=${app_id}. Assign users (and the pipeline's service principal) their app roles: docs/deploy.md"
