import { describe, expect, it } from 'vitest';
import { collaborateCommand } from './collaborate.ts';
import { statusCommand } from './status.ts';

describe('fedseg collaborate and fedseg status over plain http', () => {
  it('refuse a coordinator on another machine without TLS, before anything is sent, unless --insecure', async () => {
    await expect(collaborateCommand.run(['--url', 'http://10.0.0.5:8080', '--invite', 'x', '--synthetic', 'small-clinic'])).rejects.toMatchObject({ code: 'INSECURE_URL', message: expect.stringContaining('the invite, the updates and the scores') });
    await expect(statusCommand.run(['--url', 'http://coordinator.example.org', '--token-file', '/nonexistent'])).rejects.toMatchObject({ code: 'INSECURE_URL', message: expect.stringContaining('the operator token') });
    // with --insecure the URL is taken: the next problem is the token file
    await expect(statusCommand.run(['--url', 'http://coordinator.example.org', '--token-file', '/nonexistent', '--insecure'])).rejects.toMatchObject({ code: 'OPERATOR_TOKEN_FILE' });
  });
});
