import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { useStudio } from './state/store';
import './ui/styles.css';

// Nothing may end as an uncaught exception: surface stray errors in the error banner instead.
window.addEventListener('error', (e) => useStudio.getState().reportError('Unexpected error', e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => useStudio.getState().reportError('Unexpected error', e.reason));

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void useStudio.getState().start();
