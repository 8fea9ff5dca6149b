/**
 * Errors thrown in the Worker reach the page with their stable `code` (FedsegError,
 * ProtocolError), not only their message: comlink's 'throw' handler is wrapped so that
 * the serialised error carries `code`; comlink's page side copies every field back.
 */
import * as Comlink from 'comlink';

type ThrowHandler = Comlink.TransferHandler<unknown, unknown>;

export function exposeErrorCodes(): void {
  const original = Comlink.transferHandlers.get('throw') as ThrowHandler | undefined;
  if (!original) return;
  Comlink.transferHandlers.set('throw', {
    canHandle: original.canHandle,
    serialize(thrown: unknown) {
      const [wire, transfer] = original.serialize(thrown);
      const value = (thrown as { value?: unknown }).value;
      const code = value instanceof Error ? (value as { code?: unknown }).code : undefined;
      if (typeof code === 'string' && wire && typeof wire === 'object' && 'value' in wire) {
        (wire as { value: Record<string, unknown> }).value.code = code;
      }
      return [wire, transfer];
    },
    deserialize: original.deserialize,
  } as ThrowHandler);
}
