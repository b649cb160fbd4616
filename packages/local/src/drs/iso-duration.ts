/** ISO-8601 duration as DRS prints lagDuration: `PT2S`, `PT1H5M3S`, `P1DT2H`. */
export function isoDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.round(totalSeconds));
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  const time = `${hours ? `${hours}H` : ""}${minutes ? `${minutes}M` : ""}${seconds || (!hours && !minutes) ? `${seconds}S` : ""}`;
  if (!days) return `PT${time}`;
  return hours || minutes || seconds ? `P${days}DT${time}` : `P${days}D`;
}
