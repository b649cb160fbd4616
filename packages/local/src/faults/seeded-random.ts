/**
 * A small deterministic PRNG (mulberry32) so every injected fault, every jitter and every
 * generated ID can be replayed from a seed. The emulators never use Math.random.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /**
   * An independent stream for one kind of decision. Separate streams keep decisions of one kind
   * (say, which calls are throttled) from shifting when decisions of another kind are added.
   */
  static stream(seed: number, label: string): SeededRandom {
    return new SeededRandom(hashString(`${seed}/${label}`));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** True with the given chance in percent (0–100). */
  chance(percent: number): boolean {
    return percent > 0 && this.next() * 100 < percent;
  }

  /** Integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  /** Lowercase hex digits, the alphabet of AWS resource IDs (`i-0abc…`, `drsjob-…`). */
  hex(length: number): string {
    let text = "";
    for (let i = 0; i < length; i++) text += HEX[this.int(16)];
    return text;
  }
}

const HEX = "0123456789abcdef";

/** FNV-1a: a stable 32-bit hash, so IDs derived from names are the same on every run. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** `length` hex digits derived from a name: the same name always gives the same digits. */
export function stableHex(name: string, length: number): string {
  return new SeededRandom(hashString(name)).hex(length);
}
