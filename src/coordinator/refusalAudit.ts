/**
 * The audit log's refusals. A refusal of a request whose signature verified names its
 * site and is always written (but for a replay, which anyone holding a copy can send). A refusal of an anonymous request (a join that does not
 * parse, an unsigned upload, a wrong operator token, a made-up site header) is written up
 * to `perMinute` a minute; past that it is only counted, and the counts by code go into
 * one `refused-suppressed` entry when the next minute's first one comes (or the
 * coordinator closes), so a client that sends refusals in a loop cannot fill the disk or
 * hold the event loop with a synced write per request. Text that came with the request
 * (its path, the site it claimed) is cut to a length that holds any real value.
 */
import type { NewAudit } from './storage/federationStore.ts';

const MAX_REQUEST_CHARS = 200;
/** site ids are a slug and 6 hex digits (inviteToken.ts) */
const MAX_CLAIMED_SITE_CHARS = 64;

export interface RefusalAuditOptions {
  readonly write: (entry: NewAudit) => Promise<void>;
  readonly now: () => number;
  /** anonymous refusals written a minute, at most (default 120) */
  readonly perMinute?: number;
}

export class RefusalAudit {
  private minute = -1;
  private written = 0;
  private readonly suppressed = new Map<string, number>();
  private suppressedFrom = 0;
  private readonly perMinute: number;

  constructor(private readonly o: RefusalAuditOptions) {
    this.perMinute = o.perMinute ?? 120;
  }

  async record(siteId: string | null, code: string, request: string, claimedSite: string | null, round: number | null): Promise<void> {
    const detail = { code, request: clip(request, MAX_REQUEST_CHARS), ...(claimedSite === null ? {} : { claimedSite: clip(claimedSite, MAX_CLAIMED_SITE_CHARS) }) };
    const at = this.o.now();
    // a replay names its site (the signature is the site's) but can be sent by anyone who captured
    // one request, as often as they like: it counts against the budget like an anonymous refusal
    if (siteId === null || code === 'REPLAYED') {
      const minute = Math.floor(at / 60_000);
      if (minute !== this.minute) {
        await this.flush();
        this.minute = minute;
        this.written = 0;
      }
      if (this.written >= this.perMinute) {
        if (this.suppressed.size === 0) this.suppressedFrom = at;
        this.suppressed.set(code, (this.suppressed.get(code) ?? 0) + 1);
        return;
      }
      this.written++;
    }
    await this.o.write({ at, siteId, action: 'refused', round, detail });
  }

  /** Writes the counts of the refusals that were not written one by one, if any. */
  async flush(): Promise<void> {
    if (this.suppressed.size === 0) return;
    const counts = Object.fromEntries(this.suppressed);
    this.suppressed.clear();
    await this.o.write({ at: this.o.now(), siteId: null, action: 'refused-suppressed', round: null, detail: { counts, from: this.suppressedFrom, perMinute: this.perMinute } });
  }
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} characters)`;
}
