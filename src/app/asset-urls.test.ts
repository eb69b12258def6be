import { afterEach, describe, expect, it } from 'vitest';
import { assetUrls, DEFAULT_ASSETS_URL, setAssetsUrl, setBuiltAssetUrls, WASM_FILES } from './asset-urls.ts';

afterEach(() => setAssetsUrl(DEFAULT_ASSETS_URL));

describe('asset URLs', () => {
  it('by default looks for the wasm binaries in /vitrine/ and the encoder in /vitrine/encoder', () => {
    expect(assetUrls()).toEqual({
      wasmPaths: {
        'tfjs-backend-wasm.wasm': '/vitrine/tfjs-backend-wasm.wasm',
        'tfjs-backend-wasm-simd.wasm': '/vitrine/tfjs-backend-wasm-simd.wasm',
        'tfjs-backend-wasm-threaded-simd.wasm': '/vitrine/tfjs-backend-wasm-threaded-simd.wasm',
      },
      encoderUrl: '/vitrine/encoder',
    });
  });

  it('takes another base, with or without its trailing slash, or an absolute URL', () => {
    setAssetsUrl('/static/recs');
    expect(assetUrls().wasmPaths['tfjs-backend-wasm-simd.wasm']).toBe('/static/recs/tfjs-backend-wasm-simd.wasm');
    expect(assetUrls().encoderUrl).toBe('/static/recs/encoder');
    setAssetsUrl('https://shop.example/assets/vitrine/');
    expect(assetUrls().encoderUrl).toBe('https://shop.example/assets/vitrine/encoder');
    expect(Object.keys(assetUrls().wasmPaths)).toEqual([...WASM_FILES]);
  });

  it('refuses a blank base, naming the call, and keeps the one before', () => {
    setAssetsUrl('/kept/');
    expect(() => setAssetsUrl('  ')).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/setAssetsUrl\(\).*base.*expected a URL path such as "\/vitrine\/", found " {2}"/),
      }),
    );
    expect(assetUrls().encoderUrl).toBe('/kept/encoder');
  });

  it("takes a build's own URLs as they are, the encoder's without a trailing slash", () => {
    setBuiltAssetUrls({ wasmPaths: { 'tfjs-backend-wasm.wasm': '/assets/tfjs-backend-wasm-abc123.wasm' }, encoderUrl: '/encoder/' });
    expect(assetUrls()).toEqual({ wasmPaths: { 'tfjs-backend-wasm.wasm': '/assets/tfjs-backend-wasm-abc123.wasm' }, encoderUrl: '/encoder' });
  });
});
