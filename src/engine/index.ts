/**
 * The public entry of the TF.js adapter: factories for core's ItemSpace, SequenceEncoder and
 * QueryEncoder ports, the measuring half of the backend choice, the backend chooser, and the
 * sentence encoder the model builder shares. Nothing here exposes a tensor.
 */
export { initBackend, backendOrder, describeDevice, onBackend, type BackendOptions, type WasmPaths } from './backend.ts';
export { createCalibratedItemSpace, type CalibrationOptions } from './calibrated-item-space.ts';
export { createBackendProbe, type MeasureOptions } from './measure-backend.ts';
/** Test hook only: used by src/app/test-hooks.ts, which only test builds include. */
export { destroyWebGpuDevice } from './backend.ts';
export { createItemSpace, type ItemSpaceOptions } from './item-space.ts';
export { createSequenceEncoder, type SequenceEncoderOptions } from './sequence-encoder.ts';
export { createQueryEncoder, type DisposableQueryEncoder } from './query-encoder.ts';
export {
  loadSentenceEncoder,
  ENCODER,
  ENCODER_BACKENDS,
  type EncoderFiles,
  type EncoderOptions,
  type LoadedSentenceEncoder,
  type SentenceEncoder,
} from './text-encoder.ts';
