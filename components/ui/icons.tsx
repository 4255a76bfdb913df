/**
 * The few icons that are not plain text glyphs, as inline SVG: emoji depend on fonts a
 * learner's system may not have. All decorative (aria-hidden); the text next to them speaks.
 */
const common = {
  "aria-hidden": true,
  viewBox: "0 0 16 16",
  fill: "none",
  stroke: "currentColor",
  strokeWidth: 1.5,
  strokeLinecap: "round",
  strokeLinejoin: "round",
} as const;

export function LockIcon({ className = "h-3.5 w-3.5" }: { className?: string }) {
  return (
    <svg {...common} className={className}>
      <rect x="3" y="7" width="10" height="7" rx="1.5" />
      <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" />
    </svg>
  );
}

export function BulbIcon({ className = "h-3.5 w-3.5" }: { className?: string }) {
  return (
    <svg {...common} className={className}>
      <path d="M6 12.5h4M6.5 14.5h3M8 1.5a4.5 4.5 0 0 0-2.6 8.2c.4.3.6.7.6 1.2v.6h4v-.6c0-.5.2-.9.6-1.2A4.5 4.5 0 0 0 8 1.5z" />
    </svg>
  );
}

export function BookIcon({ className = "h-4 w-4" }: { className?: string }) {
  return (
    <svg {...common} className={className}>
      <path d="M2 3.5c2-.8 4-.8 6 .5 2-1.3 4-1.3 6-.5v9c-2-.8-4-.8-6 .5-2-1.3-4-1.3-6-.5z" />
      <path d="M8 4v9.5" />
    </svg>
  );
}

export function BoltIcon({ className = "h-4 w-4" }: { className?: string }) {
  return (
    <svg {...common} className={className}>
      <path d="M9 1.5 3.5 9H8l-1 5.5L12.5 7H8z" />
    </svg>
  );
}
