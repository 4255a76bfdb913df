"use client"; // Error boundaries must be Client Components.

import Link from "next/link";

/**
 * Fallback for unexpected errors while rendering a page. Shows what to do, never the error's
 * message or stack (in production Next only sends a digest to identify it in the server log).
 */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest =
    typeof error === "object" && error !== null && "digest" in error && typeof error.digest === "string"
      ? error.digest
      : null;
  return (
    <main id="main" className="mx-auto flex min-h-[70vh] max-w-lg flex-col justify-center px-6">
      <div role="alert" className="rounded-xl border border-bad/40 bg-bad-soft/40 p-6">
        <h1 className="text-lg font-semibold text-white">This page could not be shown.</h1>
        <p className="mt-2 text-sm text-muted">
          Something went wrong on our side while loading it. Try again; if it keeps failing, go back to the level
          list and reopen the level.
        </p>
        {digest && (
          <p className="mt-3 font-mono text-xs text-faint">
            Reference for the server log: <span className="text-muted">{digest}</span>
          </p>
        )}
        <div className="mt-5 flex gap-3">
          <button
            type="button"
            onClick={() => retry()}
            className="rounded-md bg-accent-strong px-4 py-2 text-sm font-medium text-white hover:bg-accent-hover"
          >
            Try again
          </button>
          <Link href="/" className="rounded-md border border-line px-4 py-2 text-sm font-medium hover:bg-raised">
            All levels
          </Link>
        </div>
      </div>
    </main>
  );
}
