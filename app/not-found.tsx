import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="mx-auto flex min-h-[70vh] max-w-lg flex-col justify-center px-6">
      <p className="font-mono text-sm text-accent">404</p>
      <h1 className="mt-2 text-2xl font-semibold text-white">There is no such level.</h1>
      <p className="mt-2 text-sm text-muted">The link may be old, or the level was renamed. Pick one from the list.</p>
      <Link
        href="/"
        className="mt-6 self-start rounded-md bg-accent-strong px-4 py-2 text-sm font-medium text-white hover:bg-accent-hover"
      >
        All levels
      </Link>
    </main>
  );
}
