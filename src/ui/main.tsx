import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from './App.tsx';
import './theme.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A client error (bad filter, unknown trace) will not fix itself by retrying.
      retry: (failureCount, error) => failureCount < 2 && !((error as { status?: number }).status! >= 400),
      refetchOnWindowFocus: false,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
