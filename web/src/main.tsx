import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './global.css';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App } from './App.tsx';
import { ApiError, rememberSession } from './lib/api.ts';
import { sessionQuery } from './lib/session.ts';
import { theme } from './theme.ts';

function onApiError(err: unknown) {
  // A 401 anywhere means the session ended (signed out elsewhere, expired): back to sign-in.
  if (err instanceof ApiError && err.status === 401) {
    rememberSession(null);
    queryClient.setQueryData(sessionQuery.queryKey, null);
  }
  // The current workspace went away (removed from it): the session knows where we stand.
  if (err instanceof ApiError && err.code === 'no_workspace') {
    void queryClient.invalidateQueries({ queryKey: sessionQuery.queryKey });
  }
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onApiError }),
  mutationCache: new MutationCache({ onError: onApiError }),
  defaultOptions: {
    queries: {
      // Client errors do not get better by asking again.
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="bottom-right" limit={4} />
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
