/** IPv4 arithmetic for subnet CIDR blocks, as EC2 applies it. */
export interface Cidr {
  text: string;
  /** Network address as an unsigned 32-bit integer. */
  network: number;
  prefix: number;
}

export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** @throws Error naming the text when it is not an IPv4 CIDR block */
export function parseCidr(text: string): Cidr {
  const [address, prefixText] = text.split("/");
  const base = parseIpv4(address ?? "");
  const prefix = Number(prefixText);
  if (base === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
    throw new Error(`invalid CIDR block "${text}": expected an IPv4 block such as 10.0.1.0/24`);
  }
  const size = 2 ** (32 - prefix);
  return { text, network: base - (base % size), prefix };
}

export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  const value = parseIpv4(ip);
  return value !== undefined && value >= cidr.network && value < cidr.network + cidrSize(cidr);
}

/**
 * The addresses an instance may take: EC2 reserves the first four addresses of every subnet and
 * the last one.
 */
export function usableAddresses(cidr: Cidr): { first: number; count: number } {
  return { first: cidr.network + 4, count: Math.max(0, cidrSize(cidr) - 5) };
}

export function isUsableAddress(cidr: Cidr, ip: string): boolean {
  const value = parseIpv4(ip);
  const { first, count } = usableAddresses(cidr);
  return value !== undefined && value >= first && value < first + count;
}
