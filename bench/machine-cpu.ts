/**
 * How much of the machine a bench section had, from /proc/stat read before and after it.
 *
 * Why: these are shared VMs, and the hypervisor can take a share of our two cores for other
 * guests ("steal"). The load bench at eight learners gave a chaos round of 19 s one afternoon
 * and 32–39 s that evening with nearly the same code, and the idle VM had 11 % of its CPU stolen
 * that evening. Printing the section's steal beside its figures tells a reader whether a slower
 * run is our code or a noisy neighbour, instead of leaving them to guess.
 *
 * Only the machine's first line ("cpu ...") is read: user nice system idle iowait irq softirq
 * steal guest guest_nice, in clock ticks. guest time is already inside user, so it is left out.
 */
export interface CpuTimes {
  /** user + nice + system + irq + softirq */
  busy: number;
  /** idle + iowait */
  idle: number;
  /** Ticks the hypervisor ran someone else while this machine wanted to run. */
  steal: number;
}

export function parseProcStat(text: string): CpuTimes {
  const line = text.split("\n").find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error("/proc/stat has no machine-wide cpu line");
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
}

export interface MachineCpu {
  /** The machine's CPU busy on our own work over the interval (millicores; 2,000 is two whole cores). */
  busyMilli: number;
  /** CPU the hypervisor took away over the interval (millicores). */
  stealMilli: number;
  /** Steal as a share of every tick the kernel counted over the interval (%, whole number). */
  stealPct: number;
}

export function machineCpuBetween(before: CpuTimes, after: CpuTimes, elapsedS: number, ticksPerSecond: number): MachineCpu {
  const busy = after.busy - before.busy;
  const steal = after.steal - before.steal;
  const all = busy + (after.idle - before.idle) + steal;
  if (elapsedS <= 0 || all <= 0) return { busyMilli: 0, stealMilli: 0, stealPct: 0 };
  const milli = (ticks: number) => Math.round((ticks / ticksPerSecond / elapsedS) * 1000);
  return { busyMilli: milli(busy), stealMilli: milli(steal), stealPct: Math.round((steal / all) * 100) };
}
