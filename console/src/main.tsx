import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './App';
import { restoreSession } from './auth';
import { I18nProvider } from './i18n';

const root = createRoot(document.getElementById('root') as HTMLElement);
void restoreSession().finally(() =>
  root.render(
    <StrictMode>
      <FluentProvider theme={webLightTheme}>
        <I18nProvider>
          <App />
        </I18nProvider>
      </FluentProvider>
    </StrictMode>,
  ),
);
