import { render } from '@testing-library/react';

import { App } from '@/app/App';
import { createServices, ServicesProvider } from '@/app/context';
import type { AppServices } from '@/app/context';

export function renderApp(
  opts: { pageSize?: number; maxCached?: number; searchDebounceMs?: number; watchCoalesceMs?: number } = {},
): AppServices {
  const services = createServices({ pageSize: 60, ...opts });
  render(
    <ServicesProvider value={services}>
      <App />
    </ServicesProvider>,
  );
  return services;
}
