// The board's non-list states: loading, empty, failed to load, and change errors.

export function Loading() {
  return (
    <p className="status" role="status">
      Loading tasks…
    </p>
  );
}

export function EmptyBoard() {
  return <p className="status status--empty">No tasks yet. Add the first one above.</p>;
}

interface LoadErrorProps {
  message: string;
  onRetry: () => void;
}

export function LoadError({ message, onRetry }: LoadErrorProps) {
  return (
    <div className="panel panel--error" role="alert">
      <h2 className="panel__title">Tasks could not be loaded</h2>
      <p>{message}</p>
      <button type="button" className="button button--primary" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}

interface NoticeProps {
  message: string;
  onDismiss: () => void;
}

export function Notice({ message, onDismiss }: NoticeProps) {
  return (
    <div className="notice" role="alert">
      <p>{message}</p>
      <button type="button" className="button button--quiet" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
