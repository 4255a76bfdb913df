/**
 * Class names for the few kinds of buttons KubeQuest has, so every button looks and focuses
 * the same. Disabled buttons keep their shape and lose their colour.
 */
const base =
  "inline-flex items-center justify-center gap-2 rounded-md text-sm font-medium whitespace-nowrap transition select-none disabled:cursor-not-allowed disabled:opacity-50";

export const buttonStyles = {
  primary: `${base} h-9 px-4 bg-accent-strong text-white shadow-sm shadow-black/30 hover:bg-accent-hover disabled:hover:bg-accent-strong`,
  success: `${base} h-9 px-4 bg-ok/90 text-canvas hover:bg-ok disabled:hover:bg-ok/90`,
  secondary: `${base} h-9 px-3.5 border border-line-strong bg-raised text-fg hover:bg-overlay hover:border-faint disabled:hover:bg-raised`,
  ghost: `${base} h-8 px-2.5 text-muted hover:bg-raised hover:text-fg`,
  danger: `${base} h-9 px-4 bg-bad/90 text-canvas hover:bg-bad disabled:hover:bg-bad/90`,
  icon: `${base} h-8 w-8 text-muted hover:bg-raised hover:text-fg`,
} as const;
