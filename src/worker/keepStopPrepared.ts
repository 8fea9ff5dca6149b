/**
 * While a participation runs, the page holds a signed "this site stopped taking part"
 * (ProtocolClient.preparedStop) to send if its tab is closed or reloaded without Stop:
 * the Worker that holds the key dies with the tab and can sign nothing then, and rounds
 * would wait for the site until their deadlines. A signature is good for 5 minutes, so a
 * fresh one replaces it every `refreshMs` (a minute: room for a busy Worker's late timer,
 * and for a computer clock a few minutes off the coordinator's). Ending it (the run is
 * over, however it ended) tells the page to hold none: a Stop is told by the Worker
 * itself, and a finished run tells nothing.
 */
import type { PreparedRequest, ProtocolClient } from '../core/protocol/client/protocolClient.ts';

export type StopOnClose = (request: PreparedRequest | null) => void;

export function keepStopPrepared(client: Pick<ProtocolClient, 'preparedStop'>, give: StopOnClose, refreshMs = 60_000): () => void {
  let ended = false;
  // a signature that cannot be made (the key is gone) leaves the page without one: the rounds then wait as before
  const prepare = (): Promise<void> => client.preparedStop().then((request) => {
    if (!ended) give(request);
  }, () => undefined);
  void prepare();
  const timer = setInterval(() => void prepare(), refreshMs);
  return () => {
    ended = true;
    clearInterval(timer);
    give(null);
  };
}
