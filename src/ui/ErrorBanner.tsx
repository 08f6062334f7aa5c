import { useStudio } from '../state/store';

/** The last error, naming the file or setting and what to do; dismissable. */
export function ErrorBanner() {
  const error = useStudio((s) => s.error);
  const dismiss = useStudio((s) => s.dismissError);
  if (!error) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error">
      <div>
        <strong data-testid="error-title">{error.title}</strong>
        <p data-testid="error-message">{error.message}</p>
      </div>
      <button type="button" onClick={dismiss} aria-label="Dismiss error">×</button>
    </div>
  );
}
