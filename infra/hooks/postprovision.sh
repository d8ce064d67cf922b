#!/bin/sh
# azd postprovision hook: the Key Vault secrets the app reads (docs/deploy.md). Secrets are never template values:
# a redeploy would overwrite the refresh token the app rotates.
#   invitation-token-secret        generated here once (48 random bytes)
#   partner-center-client-secret   from PARTNER_CENTER_CLIENT_SECRET in the environment, once; else a reminder
#   partner-center-refresh-token   written by the one-time consent (docs/deploy.md), then rotated by the app
set -eu
vault="${AZURE_KEY_VAULT_NAME:?AZURE_KEY_VAULT_NAME is an output of the template}"

exists() { az keyvault secret show --vault-name "$vault" --name "$1" --query id -o tsv >/dev/null 2>&1; }

if exists invitation-token-secret; then
  echo "postprovision: invitation-token-secret exists"
else
  openssl rand -base64 48 | tr -d '\n' | az keyvault secret set --vault-name "$vault" --name invitation-token-secret --file /dev/stdin --query id -o tsv >/dev/null
  echo "postprovision: generated invitation-token-secret"
fi

if exists partner-center-client-secret; then
  echo "postprovision: partner-center-client-secret exists"
elif [ -n "${PARTNER_CENTER_CLIENT_SECRET:-}" ]; then
  printf '%s' "$PARTNER_CENTER_CLIENT_SECRET" | az keyvault secret set --vault-name "$vault" --name partner-center-client-secret --file /dev/stdin --query id -o tsv >/dev/null
  echo "postprovision: stored partner-center-client-secret"
else
  echo "postprovision: TODO set partner-center-client-secret in ${vault} (the Partner Center app's secret): docs/deploy.md"
fi

if exists partner-center-refresh-token; then
  echo "postprovision: partner-center-refresh-token exists"
else
  echo "postprovision: TODO the one-time Partner Center consent writes partner-center-refresh-token: docs/deploy.md"
fi

# The console signs in with MSAL and comes back to its own origin (console/src/msalAuth.ts: redirectUri is
# `${origin}/`): that URI must be one of the app registration's single-page-app redirect URIs. Added once; others kept.
console_url="${SERVICE_CONSOLE_URL:?SERVICE_CONSOLE_URL is an output of the template}"
app_id="${AUTH_CLIENT_ID:-${VITE_ENTRA_CLIENT_ID:?VITE_ENTRA_CLIENT_ID is an output of the template}}"
redirect_uri="${console_url%/}/"
current=$(az ad app show --id "$app_id" --query "spa.redirectUris" -o tsv)
if printf '%s\n' "$current" | grep -qxF "$redirect_uri"; then
  echo "postprovision: the console's redirect URI ${redirect_uri} is registered"
else
  uris=$({ printf '%s\n' "$current"; printf '%s\n' "$redirect_uri"; } | grep -v '^$' | sed 's/.*/"&"/' | paste -sd, -)
  graph=$(az cloud show --query endpoints.microsoftGraphResourceId -o tsv)
  az rest --method PATCH --uri "${graph%/}/v1.0/applications(appId='${app_id}')" \
    --headers Content-Type=application/json --body "{\"spa\":{\"redirectUris\":[${uris}]}}"
  echo "postprovision: registered the console's redirect URI ${redirect_uri} on the app registration ${app_id}"
fi
