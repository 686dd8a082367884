import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from '@/app/App';
import { createServices, ServicesProvider } from '@/app/context';
import '@/app/app.css';
import '@/app/organise.css';
import '@/preview/studio.css';
import '@/watch/watch.css';
import '@/sync/sync.css';
import '@/uploads/shop.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ServicesProvider value={createServices()}>
        <App />
      </ServicesProvider>
    </StrictMode>,
  );
}
