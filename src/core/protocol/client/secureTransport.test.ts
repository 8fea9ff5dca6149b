import { describe, expect, it } from 'vitest';
import { checkTransport, isLoopback } from './secureTransport.ts';

describe('checkTransport', () => {
  it('takes https anywhere and http to this machine only', () => {
    for (const url of ['https://coordinator.example.org', 'http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080', 'http://127.3.2.1']) {
      expect(() => checkTransport(url, false, 'collaborate'), url).not.toThrow();
    }
    expect(() => checkTransport('http://10.1.2.3:8080', false, 'collaborate')).toThrow(expect.objectContaining({ code: 'INSECURE_URL', message: expect.stringContaining('collaborate: http://10.1.2.3:8080 is plain http to another machine') }));
    expect(() => checkTransport('http://coordinator.example.org', false, 'x')).toThrow(expect.objectContaining({ code: 'INSECURE_URL' }));
    expect(() => checkTransport('http://10.1.2.3:8080', true, 'x')).not.toThrow();
    expect(() => checkTransport('ftp://a', true, 'x')).toThrow(expect.objectContaining({ code: 'BAD_URL' }));
    expect(() => checkTransport('not a url', true, 'x')).toThrow(expect.objectContaining({ code: 'BAD_URL' }));
    // userinfo cannot pass another host off as loopback
    expect(() => checkTransport('http://127.0.0.1@10.0.0.5:8080', false, 'x')).toThrow(expect.objectContaining({ code: 'INSECURE_URL' }));
    expect(() => checkTransport('HTTP://LOCALHOST:8080/', false, 'x')).not.toThrow();
    // fetch takes "\\" for "/": this one goes to 10.0.0.5, not to 127.0.0.1
    expect(() => checkTransport('http://10.0.0.5\\@127.0.0.1:8080/', false, 'x')).toThrow(expect.objectContaining({ code: 'BAD_URL' }));
    expect(() => checkTransport('http://127.0.0.1 .evil:8080', false, 'x')).toThrow(expect.objectContaining({ code: 'BAD_URL' }));
  });

  it('knows loopback names, and not names that only look like them', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('[::1]')).toBe(true);
    expect(isLoopback('127.0.0.1.evil.example')).toBe(false);
    expect(isLoopback('localhost.example.org')).toBe(false);
    expect(isLoopback('app.localhost')).toBe(false); // not every resolver sends it to loopback
    expect(isLoopback('0.0.0.0')).toBe(true); // what `fedseg demo --host 0.0.0.0` prints
  });
});
