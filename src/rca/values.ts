/** The few conversions every part of the rca shares: DuckDB's values into the report's. */

/** DuckDB's TIMESTAMPTZ text (session zone UTC) → ISO 8601 UTC, keeping µs. */
export const iso = (v: unknown): string | null => {
  if (v == null) return null;
  const s = String(v);
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?\+00(?::00)?$/.exec(s);
  if (m) return `${m[1]}T${m[2]}${m[3] ? m[3].replace(/0+$/, '') : ''}Z`;
  const d = new Date(s.includes('T') || s.includes('Z') ? s : s.replace(' ', 'T').replace(/\+00(:00)?$/, 'Z'));
  if (Number.isNaN(d.getTime())) return s;
  const out = d.toISOString();
  return out.endsWith('.000Z') ? out.slice(0, 19) + 'Z' : out;
};

export const num = (v: unknown): number | null => (v == null ? null : Number(v));

/** Two decimals (rates per second). */
export const round = (v: number | null) => (v == null ? null : Math.round(v * 100) / 100);

/** Seconds in words: whole from 10 s up, else two decimals; '?' when unknown. */
export const fmtS = (s: number | null) => (s == null ? '?' : s >= 10 ? `${Math.round(s)} s` : `${Math.round(s * 100) / 100} s`);
