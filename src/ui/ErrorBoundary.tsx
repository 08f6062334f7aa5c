import { Component, type ReactNode } from 'react';

/** Keeps a failing panel from blanking the page: it shows what broke and a retry button. */
export class ErrorBoundary extends Component<{ name: string; children: ReactNode }, { error?: Error }> {
  state: { error?: Error } = {};
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  render() {
    if (this.state.error) {
      return (
        <div role="alert" className="panel-error">
          The {this.props.name} panel failed: {this.state.error.message}{' '}
          <button type="button" onClick={() => this.setState({ error: undefined })}>Retry</button>
        </div>
      );
    }
    return this.props.children;
  }
}
