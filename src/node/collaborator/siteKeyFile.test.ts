import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { signText, verifyText, exportPublicJwk } from '../../core/protocol/signing.ts';
import { tempDir } from '../../coordinator/testing/testFederation.ts';
import { loadKeyFile, newSiteKeys, saveKeyFile } from './siteKeyFile.ts';

let dir: ReturnType<typeof tempDir> | null = null;
afterEach(() => dir?.remove());

describe('the collaborator key file', () => {
  it('keeps an identity that signs like the original key, readable only by its owner', async () => {
    dir = tempDir('fedseg-key-');
    const file = join(dir.path, 'site.key.json');
    expect(await loadKeyFile(file)).toBeNull();
    const { keys, privateJwk } = await newSiteKeys();
    expect(keys.privateKey.extractable).toBe(false);
    saveKeyFile(file, 'http://127.0.0.1:8080', 'hospital-a-123456', privateJwk);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const loaded = await loadKeyFile(file);
    expect(loaded).toMatchObject({ siteId: 'hospital-a-123456', coordinator: 'http://127.0.0.1:8080' });
    expect(loaded!.privateKey.extractable).toBe(false);
    const sig = await signText(loaded!.privateKey, 'hello');
    expect(await verifyText(await exportPublicJwk(keys.publicKey), 'hello', sig)).toBe(true);
  });
});
