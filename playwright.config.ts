import { defineConfig } from '@playwright/test';

// Drives the system Chromium (never a Playwright browser download); scripts/test.mjs
// sets FEDSEG_CHROMIUM. --enable-unsafe-webgpu gives a WebGPU adapter (SwiftShader
// on machines without a GPU).
const executablePath = process.env.FEDSEG_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 300_000,
  // what the page shows after a click: 5 s (the default) is short on a loaded 2-core CI machine with SwiftShader
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--enable-unsafe-webgpu',
        '--enable-features=Vulkan',
        '--use-angle=swiftshader',
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
