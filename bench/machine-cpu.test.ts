/** The machine's CPU over a bench section, from two readings of /proc/stat (pure). */
import { describe, expect, it } from "vitest";
import { machineCpuBetween, parseProcStat } from "./machine-cpu";

// user nice system idle iowait irq softirq steal guest guest_nice (clock ticks, 100 a second)
const before = "cpu  1000 10 500 8000 40 0 50 100 0 0\ncpu0 500 5 250 4000 20 0 25 50 0 0\nintr 1 2 3\n";
const after = "cpu  1900 10 1000 8230 60 0 100 400 0 0\ncpu0 950 5 500 4100 30 0 50 200 0 0\nintr 1 2 3\n";

describe("parseProcStat", () => {
  it("reads the machine's line: busy (user, nice, system, irq, softirq), idle (idle, iowait) and steal", () => {
    expect(parseProcStat(before)).toEqual({ busy: 1560, idle: 8040, steal: 100 });
  });

  it("refuses a text without the machine's cpu line", () => {
    expect(() => parseProcStat("cpu0 1 2 3 4\n")).toThrow(/cpu line/);
  });
});

describe("machineCpuBetween", () => {
  it("gives busy and stolen CPU in millicores over the interval, and steal as a share of the whole", () => {
    // 10 s at 100 ticks a second on 2 cores: 2,000 ticks in all.
    // busy +1,450 ticks → 1,450 m; steal +300 ticks → 300 m, 15 % of the 2,000 ticks the kernel counted.
    expect(machineCpuBetween(parseProcStat(before), parseProcStat(after), 10, 100)).toEqual({ busyMilli: 1450, stealMilli: 300, stealPct: 15 });
  });

  it("is zero on an interval of no time rather than dividing by it", () => {
    expect(machineCpuBetween(parseProcStat(before), parseProcStat(before), 0, 100)).toEqual({ busyMilli: 0, stealMilli: 0, stealPct: 0 });
  });
});
