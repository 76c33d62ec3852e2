// Wall-clock times in an IANA timezone, resolved the same way everywhere in Cadence:
// a time that does not exist (spring forward) moves forward by the gap (02:30 -> 03:30);
// a time that happens twice (fall back) is the first of the two.
import { DateTime } from "luxon";

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
  millisecond?: number;
}

export function wallClockInstant(wall: WallClock, zone: string): DateTime {
  const candidate = DateTime.fromObject(wall, { zone });
  // In an overlap luxon picks the later offset; step back to the first instant with this wall time.
  const offsetBefore = candidate.minus({ hours: 6 }).offset;
  if (offsetBefore > candidate.offset) {
    const earlier = candidate.minus({ minutes: offsetBefore - candidate.offset });
    if (earlier.hour === wall.hour && earlier.minute === wall.minute && earlier.day === wall.day)
      return earlier;
  }
  return candidate;
}
