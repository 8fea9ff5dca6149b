/** Human-readable numbers for the page. */

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

export function formatNumber(v: number, digits = 4): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '—';
}

/** e.g. 1.2 Mvox/s */
export function formatRate(voxelsPerSecond: number): string {
  if (!Number.isFinite(voxelsPerSecond) || voxelsPerSecond <= 0) return '—';
  if (voxelsPerSecond >= 1e6) return `${(voxelsPerSecond / 1e6).toFixed(2)} Mvox/s`;
  if (voxelsPerSecond >= 1e3) return `${(voxelsPerSecond / 1e3).toFixed(1)} kvox/s`;
  return `${voxelsPerSecond.toFixed(0)} vox/s`;
}

/** a moment in this computer's time zone as 2026-12-08 14:05:09 (as fedseg status writes it: 12/8 reads as August in much of Europe); '–' for none */
export function formatWhen(ms: number | null): string {
  if (ms === null) return '–';
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
